package odata

import "fmt"

// Error is a query option orgdir cannot use. Unsupported distinguishes a
// well-formed request for something orgdir does not do (Graph's
// Request_UnsupportedQuery) from a malformed one (Request_BadRequest).
type Error struct {
	Option      string // the query option at fault, e.g. "$filter"
	Message     string
	Unsupported bool
}

func (e *Error) Error() string { return e.Option + ": " + e.Message }

func badf(option, format string, args ...any) *Error {
	return &Error{Option: option, Message: fmt.Sprintf(format, args...)}
}

func unsupportedf(option, format string, args ...any) *Error {
	return &Error{Option: option, Message: fmt.Sprintf(format, args...), Unsupported: true}
}
