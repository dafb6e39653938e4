package auth

import (
	"context"
	"time"

	"github.com/broadside/broadside"
)

// Throttle counts an attempt under key in durable counters shared by every node and refuses
// it with ETOOMANYREQUEST (message msg) once more than limit attempts fell in the window. It
// guards secrets that can be guessed, such as post passwords.
func (s *Service) Throttle(ctx context.Context, key string, limit int, window time.Duration, msg string) error {
	n, err := s.Store.HitRate(ctx, key, window, s.Now())
	if err != nil {
		return err
	}
	if n > limit {
		return broadside.Errorf(broadside.ETOOMANYREQUEST, "%s", msg)
	}
	return nil
}
