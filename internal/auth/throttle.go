package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/broadside/broadside"
)

// Throttle counts an attempt under key in durable counters shared by every node and refuses
// it with ETOOMANYREQUEST (message msg, and when to retry) once more than limit attempts fell
// in the sliding window. It guards secrets that can be guessed, such as post passwords.
func (s *Service) Throttle(ctx context.Context, key string, limit int, window time.Duration, msg string) error {
	h, err := s.Store.HitRateHistory(ctx, key, window, s.Now())
	if err != nil {
		return err
	}
	if h.Count() > limit {
		return broadside.TooManyRequests(h.RetryAfter(limit), "%s", msg)
	}
	return nil
}

// waitText says how long to wait in words, rounded up to whole minutes.
func waitText(d time.Duration) string {
	m := int((d + time.Minute - 1) / time.Minute)
	if m <= 1 {
		return "a minute"
	}
	return fmt.Sprintf("%d minutes", m)
}
