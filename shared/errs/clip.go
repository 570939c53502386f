package errs

import "unicode/utf8"

// Clip shortens input quoted back in an error message to at most n bytes, cut on a rune
// boundary, so a huge or binary value cannot bloat or break the message. It is the one
// helper for this: messages from every package quote input the same way.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
