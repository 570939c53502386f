// Package text checks the free text people type into CloudLens (names, e-mails, passwords,
// key names): valid UTF-8, no control characters, a bounded length. Such text ends up in
// logs, CSV and Excel exports, e-mails and the web app, where a NUL, a line break or a
// bidirectional override is at best noise and at worst a way to forge a line or hide a name.
package text

import (
	"unicode"
	"unicode/utf8"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// Check returns what is wrong with the value s of field (at most max characters) as a coded
// validation error (errs.TooLong, errs.InvalidField), or nil when nothing is.
func Check(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return errs.InvalidField(field, errs.ReasonUTF8, "must be valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return errs.TooLong(field, max)
	}
	for _, r := range s {
		if Forbidden(r) {
			return errs.InvalidField(field, errs.ReasonControl, "must not contain control characters (found U+%04X)", r)
		}
	}
	return nil
}

// Forbidden reports whether r may not appear in typed text: the C0 and C1 control characters
// (NUL, tab, line breaks, escape, DEL, …) and the bidirectional embedding, override and isolate
// marks that make text display in an order other than the one it is stored in.
func Forbidden(r rune) bool {
	return unicode.IsControl(r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}
