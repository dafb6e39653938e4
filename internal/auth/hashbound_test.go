package auth_test

import (
	"sync"
	"testing"

	"github.com/broadside/broadside/internal/auth"
)

// TestPasswordHashingBounded: each argon2id computation holds its whole memory parameter, so a
// burst of sign-ins must not run them all at once; at most MaxConcurrentHashes run together,
// the rest wait their turn, and every one still gets its answer.
func TestPasswordHashingBounded(t *testing.T) {
	h, err := auth.ProductionHash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	auth.ResetHashPeak()
	const n = 4 * auth.MaxConcurrentHashes
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			<-start
			if i%2 == 0 {
				_, err := auth.ProductionHash("another password")
				errs <- err
				return
			}
			ok, err := auth.CheckPassword(h, "correct horse battery staple")
			if err == nil && !ok {
				t.Error("the right password was refused")
			}
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if p := auth.HashPeak(); p < 1 || p > auth.MaxConcurrentHashes {
		t.Fatalf("%d argon2id computations ran at once; want between 1 and %d", p, auth.MaxConcurrentHashes)
	}
}
