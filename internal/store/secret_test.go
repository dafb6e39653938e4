package store_test

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"github.com/broadside/broadside/internal/store"
)

func TestSecret(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		var wg sync.WaitGroup
		got := make([][]byte, 4)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b, err := s.Secret(ctx, "cookies")
				if err != nil {
					t.Error(err)
				}
				got[i] = b
			}()
		}
		wg.Wait()
		for _, b := range got[1:] {
			if len(b) != 32 || !bytes.Equal(b, got[0]) {
				t.Fatalf("secrets differ: %x vs %x", b, got[0])
			}
		}
		other, err := s.Secret(ctx, "other")
		must(t, err)
		if bytes.Equal(other, got[0]) {
			t.Fatal("two names share a secret")
		}
		// Settings live beside secrets in the same table without disturbing them.
		set, err := s.LoadSettings(ctx)
		must(t, err)
		must(t, s.SaveSettings(ctx, set))
		again, _ := s.Secret(ctx, "cookies")
		if !bytes.Equal(again, got[0]) {
			t.Fatal("secret changed")
		}
	})
}
