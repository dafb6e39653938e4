package broadside

import (
	"errors"
	"fmt"
	"time"
)

// throttled is an ETOOMANYREQUEST error that knows when trying again can succeed, so every
// channel can say so (Retry-After on HTTP, "wait N minutes" in a form).
type throttled struct {
	err   *Error
	after time.Duration
}

func (t *throttled) Error() string { return fmt.Sprintf("%v (retry after %v)", t.err, t.after) }
func (t *throttled) Unwrap() error { return t.err }

// TooManyRequests returns an ETOOMANYREQUEST error with a user-safe message, to be retried
// after the given time.
func TooManyRequests(after time.Duration, format string, args ...any) error {
	return &throttled{err: Errorf(ETOOMANYREQUEST, format, args...), after: after}
}

// UnavailableRetry is how long a client is asked to wait after an EUNAVAILABLE error: long
// enough for a database restart or fail-over, short enough that a reader retrying by hand
// does not give up.
const UnavailableRetry = 5 * time.Second

// RetryAfter returns how long the refused request of err should wait, rounded up to whole
// seconds; 0 when err does not say.
func RetryAfter(err error) time.Duration {
	var t *throttled
	if !errors.As(err, &t) || t.after <= 0 {
		if ErrorCode(err) == EUNAVAILABLE {
			return UnavailableRetry
		}
		return 0
	}
	return (t.after + time.Second - 1).Truncate(time.Second)
}
