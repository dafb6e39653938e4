package aptest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	_ "embed"
	"encoding/pem"
	"fmt"
	"sync"

	"github.com/broadside/broadside/internal/httpsig"
)

// keysPEM holds 2048-bit RSA keys generated once for the tests (PKCS#8, PEM). They guard
// nothing: they sign test requests between servers a test binary runs itself.
//
//go:embed testdata/keys.pem
var keysPEM []byte

var keys struct {
	sync.Mutex
	rest []byte // the PEM blocks not handed out yet
}

// NewKey returns a 2048-bit RSA key that no other call in this process returned, as
// rsa.GenerateKey would: the next unused key of testdata/keys.pem, then newly generated ones.
// Generating a key costs 0.1–0.3 CPU seconds, and the federation tests of internal/activitypub,
// internal/web and internal/app want dozens of them; which key a remote signs with matters
// only in that two remotes (or a rotated key) differ, and these differ.
func NewKey() (*rsa.PrivateKey, error) {
	keys.Lock()
	if keys.rest == nil {
		keys.rest = keysPEM
	}
	b, rest := pem.Decode(keys.rest)
	if b != nil {
		keys.rest = rest
	}
	keys.Unlock()
	if b == nil {
		return rsa.GenerateKey(rand.Reader, 2048)
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("aptest: testdata/keys.pem: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("aptest: testdata/keys.pem holds a %T, not an RSA key", k)
	}
	return rk, nil
}

// NewKeyPEM is NewKey as the pair of PEM strings store.ActorKey's generator returns
// (httpsig.KeyPEM).
func NewKeyPEM() (pub, priv string, err error) {
	k, err := NewKey()
	if err != nil {
		return "", "", err
	}
	return httpsig.KeyPEM(k)
}
