// Package errs classifies errors once, so that every edge (HTTP handler, job, CLI)
// decides status and wording from the same kind, and nothing driver-shaped leaks upward.
package errs

import (
	"errors"
	"fmt"
)

// Kind is the class of an error as users and operators see it.
type Kind string

const (
	KindInvalid      Kind = "invalid"
	KindUnauthorized Kind = "unauthorized"
	KindForbidden    Kind = "forbidden"
	KindNotFound     Kind = "not_found"
	KindConflict     Kind = "conflict"
	KindRateLimited  Kind = "rate_limited"
	KindUnavailable  Kind = "unavailable"
	KindInternal     Kind = "internal"
)

// Error carries a kind and a message that is safe to show to a user.
// Err, when set, is the cause kept for logs and errors.Is/As.
type Error struct {
	Kind    Kind
	Message string
	Err     error
	// Code, when set, names the message for clients that word it themselves (in the user's
	// language): a stable dotted key such as "aliyun.dns", with Params filling its blanks.
	// Message stays the English wording for logs and API callers.
	Code   string
	Params map[string]string
}

func (e *Error) Error() string {
	if e.Err != nil {
		if e.Message == "" {
			return string(e.Kind) + ": " + e.Err.Error()
		}
		return e.Message + ": " + e.Err.Error()
	}
	if e.Message == "" {
		return string(e.Kind)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an error of kind k with a user-safe message.
func E(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// Wrap classifies cause as kind k with a user-safe message; cause stays reachable for logs.
func Wrap(k Kind, cause error, format string, args ...any) error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...), Err: cause}
}

// Coded is Wrap with a stable message code and its parameters (see Error.Code).
func Coded(k Kind, code string, params map[string]string, cause error, format string, args ...any) error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...), Err: cause, Code: code, Params: params}
}

// CodeOf returns the message code and parameters of the outermost coded error in err's
// chain, or "" and nil.
func CodeOf(err error) (string, map[string]string) {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return "", nil
		}
		if e.Code != "" {
			return e.Code, e.Params
		}
		err = e.Err
	}
	return "", nil
}

func Invalid(format string, args ...any) error   { return E(KindInvalid, format, args...) }
func NotFound(format string, args ...any) error  { return E(KindNotFound, format, args...) }
func Conflict(format string, args ...any) error  { return E(KindConflict, format, args...) }
func Forbidden(format string, args ...any) error { return E(KindForbidden, format, args...) }
func Unauthorized(format string, args ...any) error {
	return E(KindUnauthorized, format, args...)
}

// KindOf returns the kind of the outermost classified error in err's chain,
// or KindInternal when nothing classified it.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// Message returns the user-safe message of err: the classified message, or a generic
// sentence for internal errors so that no internal detail reaches a response body.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != KindInternal && e.Kind != KindUnavailable {
		if e.Message != "" {
			return e.Message
		}
		return string(e.Kind)
	}
	if errors.As(err, &e) && e.Kind == KindUnavailable {
		return "the service is temporarily unavailable, try again shortly"
	}
	return "internal error"
}

// Is reports whether err is classified as kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }
