package httpsig_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/broadside/broadside/internal/aptest"
	"github.com/broadside/broadside/internal/httpsig"
)

// TestKeyPEM: the pair KeyPEM writes parses back into the same key, the public half as the
// PKIX "PUBLIC KEY" an actor document carries and the private half as PKCS#8, and the
// public half is what PublicPEM writes.
func TestKeyPEM(t *testing.T) {
	k, err := aptest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, err := httpsig.KeyPEM(k)
	if err != nil {
		t.Fatal(err)
	}
	if pub != httpsig.PublicPEM(&k.PublicKey) {
		t.Fatalf("KeyPEM's public half %q differs from PublicPEM's", pub)
	}
	b, rest := pem.Decode([]byte(pub))
	if b == nil || b.Type != "PUBLIC KEY" || len(rest) != 0 {
		t.Fatalf("public PEM %q", pub)
	}
	pk, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil || !k.PublicKey.Equal(pk) {
		t.Fatalf("public key parses to %v, %v", pk, err)
	}
	b, rest = pem.Decode([]byte(priv))
	if b == nil || b.Type != "PRIVATE KEY" || len(rest) != 0 {
		t.Fatal("private PEM is not one PRIVATE KEY block")
	}
	sk, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if rk, ok := sk.(*rsa.PrivateKey); err != nil || !ok || !k.Equal(rk) {
		t.Fatalf("private key does not parse back into the key (%v)", err)
	}
}
