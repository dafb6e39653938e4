package app_test

import (
	"context"
	"testing"

	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/aptest"
	"github.com/broadside/broadside/internal/config"
)

// TestOptionsGenerateKey: a test's key generator makes the site actor's key, once; the key
// is stored and signs (the production generator is activitypub's, TestSiteKeyGeneratedOnce).
func TestOptionsGenerateKey(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	cfg.DataDir = dataDir(t, "")
	calls, want := 0, ""
	gen := func() (string, string, error) {
		calls++
		pub, priv, err := aptest.NewKeyPEM()
		want = pub
		return pub, priv, err
	}
	a, err := app.Open(context.Background(), cfg, quietLog(), app.Options{NoCache: true, GenerateKey: gen})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for range 2 {
		k, pub, err := a.Federation.Key(context.Background(), activitypub.SiteActor)
		if err != nil {
			t.Fatal(err)
		}
		if pub != want || k.N.BitLen() != 2048 {
			t.Fatalf("site key: %d bits, public key %q, want the generator's 2048-bit %q", k.N.BitLen(), pub, want)
		}
	}
	if calls != 1 {
		t.Fatalf("generator called %d times, want once", calls)
	}
}
