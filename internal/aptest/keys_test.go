package aptest

import (
	"bytes"
	"encoding/pem"
	"testing"
)

// TestNewKeyNeverRepeats: every key NewKey hands out differs from every other, through the
// fixed ones and past them (then they are generated), and each is a valid 2048-bit key.
func TestNewKeyNeverRepeats(t *testing.T) {
	fixed := bytes.Count(keysPEM, []byte("-----BEGIN PRIVATE KEY-----"))
	if fixed == 0 {
		t.Fatal("testdata/keys.pem holds no key")
	}
	seen := map[string]bool{}
	for i := range fixed + 1 {
		k, err := NewKey()
		if err != nil {
			t.Fatalf("key %d: %v", i, err)
		}
		if err := k.Validate(); err != nil || k.N.BitLen() != 2048 {
			t.Fatalf("key %d: %d bits, %v", i, k.N.BitLen(), err)
		}
		n := k.N.String()
		if seen[n] {
			t.Fatalf("key %d was handed out before", i)
		}
		seen[n] = true
	}
	pub, priv, err := NewKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := pem.Decode([]byte(pub)); b == nil || b.Type != "PUBLIC KEY" {
		t.Fatalf("public PEM %q", pub)
	}
	if b, _ := pem.Decode([]byte(priv)); b == nil || b.Type != "PRIVATE KEY" {
		t.Fatalf("private PEM %q", priv)
	}
}
