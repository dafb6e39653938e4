package httpsig

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
)

// PublicPEM is k as an actor document publishes it (publicKeyPem): PKIX in a PEM block, the
// form Mastodon and every other server parse. It lives here, beside the signing, so that
// activitypub (which publishes our keys) and aptest (which plays the remote servers and
// cannot import activitypub) write keys the one way.
func PublicPEM(k *rsa.PublicKey) string {
	// MarshalPKIXPublicKey fails only for key types it does not know; an RSA key is known.
	der, _ := x509.MarshalPKIXPublicKey(k)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// KeyPEM is k as the pair of PEM strings an actor's key is stored as: the public key as
// PublicPEM writes it and the private key in PKCS#8.
func KeyPEM(k *rsa.PrivateKey) (pub, priv string, err error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", "", err
	}
	return PublicPEM(&k.PublicKey), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}
