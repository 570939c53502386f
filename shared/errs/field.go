package errs

import (
	"fmt"
	"strconv"
	"strings"
)

// Message codes of validation errors (KindInvalid), each with the parameters it fills. The web
// app words every code in zh and en (frontend/lib/messages/errors.mjs); a code added here needs
// its wording there. Message stays the English sentence for logs and API callers.
const (
	CodeRequired     = "required"       // field
	CodeTooLong      = "too_long"       // field, max (characters, or bytes where the field says so)
	CodeOutOfRange   = "out_of_range"   // field, min, max
	CodeTooMany      = "too_many"       // field, max (items of a list)
	CodeUnknownValue = "unknown_value"  // field, value, allowed (a comma list, may be empty)
	CodeBadDate      = "bad_date"       // field, value
	CodeBadID        = "bad_id"         // field, value
	CodeBadCursor    = "bad_cursor"     // field
	CodeDateOrder    = "date_order"     // start, end (the dates)
	CodeNotAllowed   = "not_allowed"    // field, value: an id the caller may not use (unknown or not theirs)
	CodeInvalidField = "invalid_field"  // field, reason (a reason code: see Reason*)
	CodeUnknownField = "unknown_field"  // field (of a JSON body)
	CodeBadType      = "bad_type"       // field, type (the JSON type it must be)
	CodeBadBody      = "bad_body"       // reason (a reason code)
	CodeRangeTooLong = "range_too_long" // days, max: a date range longer than allowed
	CodeTooManyRows  = "too_many_rows"  // max: an answer over the row cap; narrow the query
	CodeValueTooLong = "value_too_long" // (none): the database refused a value as too long
)

// Reason codes of invalid_field and bad_body: what is wrong, in words the web app translates.
const (
	ReasonUTF8         = "utf8"           // not valid UTF-8
	ReasonControl      = "control_char"   // holds a control or bidirectional character
	ReasonAmount       = "amount"         // not a decimal amount
	ReasonNumber       = "number"         // not a number
	ReasonPositive     = "positive"       // must be greater than zero
	ReasonNegative     = "negative"       // must not be negative
	ReasonFormat       = "format"         // not in the documented format
	ReasonHTTPS        = "https"          // a URL that is not https
	ReasonURL          = "url"            // not an absolute URL
	ReasonURLUser      = "url_user"       // a URL carrying a user name or password
	ReasonAddress      = "address"        // a URL whose host does not resolve or is a refused address
	ReasonMonth        = "month"          // not a month (YYYY-MM)
	ReasonNoSuch       = "no_such"        // names something that does not exist
	ReasonNotBilled    = "not_billed"     // a period with no billed day yet
	ReasonFuture       = "future"         // must be in the future
	ReasonImmutable    = "immutable"      // cannot change once created
	ReasonTogether     = "together"       // goes together with another field
	ReasonPair         = "pair"           // a start and end that must differ
	ReasonTooShort     = "too_short"      // shorter than the minimum
	ReasonJSON         = "json"           // malformed JSON
	ReasonEmpty        = "empty"          // empty body
	ReasonTooLarge     = "too_large"      // body over the size limit
	ReasonContentType  = "content_type"   // not application/json
	ReasonNotAllowed   = "not_allowed"    // not allowed for this kind of object
	ReasonTwice        = "twice"          // names the same thing twice
	ReasonTwelve       = "twelve"         // needs twelve monthly amounts, January first
	ReasonNoAccount    = "no_account"     // the caller is granted no cloud account
	ReasonAllAccounts  = "all_accounts"   // needed because only a caller who sees every account may leave it out
	ReasonWithin30Days = "within_30_days" // a time at most 30 days ahead
	ReasonWithinYear   = "within_year"    // a future time at most a year ahead
	ReasonAlone        = "alone"          // cannot be combined with the other fields given
)

// field builds a coded KindInvalid error whose English message starts with the field's name.
func field(code, name string, params map[string]string, format string, args ...any) error {
	if params == nil {
		params = map[string]string{}
	}
	if name != "" {
		params["field"] = name
	}
	msg := fmt.Sprintf(format, args...)
	if name != "" {
		msg = name + ": " + msg
	}
	return &Error{Kind: KindInvalid, Message: msg, Code: code, Params: params}
}

// Required: field is missing or empty.
func Required(name string) error { return field(CodeRequired, name, nil, "is required") }

// TooLong: field is longer than max characters.
func TooLong(name string, max int) error {
	return field(CodeTooLong, name, map[string]string{"max": strconv.Itoa(max)}, "longer than %d characters", max)
}

// Length checks a required text field of n characters against max: Required when empty,
// TooLong when over, nil otherwise.
func Length(name string, n, max int) error {
	switch {
	case n == 0:
		return Required(name)
	case n > max:
		return TooLong(name, max)
	}
	return nil
}

// OutOfRange: field is not a number in [min, max].
func OutOfRange(name string, min, max any) error {
	lo, hi := fmt.Sprint(min), fmt.Sprint(max)
	return field(CodeOutOfRange, name, map[string]string{"min": lo, "max": hi}, "must be between %s and %s", lo, hi)
}

// TooMany: the list field holds more than max items.
func TooMany(name string, max int) error {
	return field(CodeTooMany, name, map[string]string{"max": strconv.Itoa(max)}, "at most %d", max)
}

// UnknownValue: field's value is not one of allowed (which may be empty when the list is long).
func UnknownValue[S ~string](name string, value S, allowed ...S) error {
	v := Clip(string(value), 60)
	names := make([]string, len(allowed))
	for i, x := range allowed {
		names[i] = string(x)
	}
	a := strings.Join(names, ", ")
	if a == "" {
		return field(CodeUnknownValue, name, map[string]string{"value": v, "allowed": a}, "unknown value %q", v)
	}
	return field(CodeUnknownValue, name, map[string]string{"value": v, "allowed": a}, "%q is not one of %s", v, a)
}

// BadDate: field is not a date (YYYY-MM-DD).
func BadDate(name, value string) error {
	v := Clip(value, 40)
	return field(CodeBadDate, name, map[string]string{"value": v}, "%q is not a date (YYYY-MM-DD)", v)
}

// BadID: field is not a valid id.
func BadID(name, value string) error {
	v := Clip(value, 40)
	return field(CodeBadID, name, map[string]string{"value": v}, "%q is not a valid id", v)
}

// BadCursor: field is not a cursor the list gave.
func BadCursor(name, value string) error {
	return field(CodeBadCursor, name, nil, "%q is not a cursor this list gave", Clip(value, 40))
}

// DateOrder: the end date is before the start date.
func DateOrder(start, end string) error {
	return &Error{Kind: KindInvalid, Message: fmt.Sprintf("end %s is before start %s", end, start),
		Code: CodeDateOrder, Params: map[string]string{"start": start, "end": end}}
}

// NotAllowed: field names an id the caller may not use: it does not exist or is not theirs.
// The two are one answer so that ids of other tenants cannot be probed.
func NotAllowed(name string, id int64) error {
	v := strconv.FormatInt(id, 10)
	return field(CodeNotAllowed, name, map[string]string{"value": v}, "%s does not exist or is not one you may use", v)
}

// InvalidField: field's value is wrong for reason (a Reason* code); the English wording follows
// format.
func InvalidField(name, reason, format string, args ...any) error {
	return field(CodeInvalidField, name, map[string]string{"reason": reason}, format, args...)
}

// UnknownField: a JSON body names a field the endpoint does not take.
func UnknownField(name string) error {
	n := Clip(name, 60)
	return &Error{Kind: KindInvalid, Message: fmt.Sprintf("unknown field %q", n), Code: CodeUnknownField, Params: map[string]string{"field": n}}
}

// BadType: a JSON body's field has the wrong JSON type.
func BadType(name, typ string) error {
	return field(CodeBadType, name, map[string]string{"type": typ}, "must be %s", typ)
}

// BadBody: the request body cannot be read as the endpoint's JSON, for reason (a Reason* code).
func BadBody(reason, format string, args ...any) error {
	return &Error{Kind: KindInvalid, Message: fmt.Sprintf(format, args...), Code: CodeBadBody, Params: map[string]string{"reason": reason}}
}

// Problems collects the validation problems of one input, so that the English message lists
// them all; the answer's code and parameters are the first problem's, which a client words in
// its user's language (fixing it shows the next).
type Problems []error

// Add records err when it is not nil.
func (p *Problems) Add(err error) {
	if err != nil {
		*p = append(*p, err)
	}
}

// Err is nil without problems, else one KindInvalid error listing them.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	if len(p) == 1 {
		return p[0]
	}
	msgs := make([]string, len(p))
	for i, e := range p {
		msgs[i] = Message(e)
	}
	code, params := CodeOf(p[0])
	return &Error{Kind: KindInvalid, Message: strings.Join(msgs, "; "), Code: code, Params: params}
}

// TooManyRows: the answer would hold more than max rows; the query must be narrowed.
func TooManyRows(max int, format string, args ...any) error {
	return &Error{Kind: KindInvalid, Message: fmt.Sprintf(format, args...), Code: CodeTooManyRows, Params: map[string]string{"max": strconv.Itoa(max)}}
}

// Prefix puts name (a field holding a nested input, such as a saved view's query) before err's
// message, keeping err's kind, code and parameters.
func Prefix(name string, err error) error {
	code, params := CodeOf(err)
	return &Error{Kind: KindOf(err), Message: name + ": " + Message(err), Code: code, Params: params}
}
