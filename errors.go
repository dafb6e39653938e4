// Package broadside holds the domain types and rules of the Broadside publishing platform.
// It does no I/O: storage, HTTP and mail live in internal packages that depend on it.
package broadside

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes. They map to HTTP statuses in the web layer and let callers branch on what went
// wrong without parsing messages.
const (
	ECONFLICT       = "conflict"
	EINTERNAL       = "internal"
	EINVALID        = "invalid"
	ENOTFOUND       = "not_found"
	EUNAUTHORIZED   = "unauthorized"
	EFORBIDDEN      = "forbidden"
	ETOOMANYREQUEST = "too_many_requests"
	// EUNAVAILABLE means a dependency (the database) is away for now: nothing is wrong with
	// the request, and the same request may succeed in a moment (HTTP 503 with Retry-After).
	EUNAVAILABLE = "unavailable"
)

// Error is a domain error whose Message is safe to show to the person who caused it.
// Fields holds per-field messages for forms and API calls (field name -> message).
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("broadside error: code=%s message=%s", e.Code, e.Message)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(k + ": " + e.Fields[k])
	}
	return fmt.Sprintf("broadside error: code=%s message=%s fields=[%s]", e.Code, e.Message, b.String())
}

// Errorf builds an *Error with a formatted, user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrors collects per-field validation messages and turns into an EINVALID error.
type FieldErrors map[string]string

// Add records msg for field unless the field already has a message (the first problem is the
// one worth showing).
func (f FieldErrors) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Err returns nil when no field failed, otherwise an EINVALID *Error.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Please correct the highlighted fields.", Fields: map[string]string(f)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any other error,
// and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err. Internal errors never leak their cause.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. The problem has been logged; please try again."
}

// ErrorFields returns the per-field messages of err, or nil.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
