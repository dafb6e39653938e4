package httpsig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"math/big"
)

func rsaV15(k *rsa.PublicKey, base, sig []byte) error {
	h := sha256.Sum256(base)
	return rsa.VerifyPKCS1v15(k, crypto.SHA256, h[:], sig)
}

func rsaPSS(k *rsa.PublicKey, base, sig []byte) error {
	h := sha512.Sum512(base)
	return rsa.VerifyPSS(k, crypto.SHA512, h[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
}

// ecdsaP256 checks an RFC 9421 ecdsa-p256-sha256 signature: r and s as two 32-byte
// big-endian integers, not ASN.1. An ASN.1 signature (what draft-cavage implementations
// send) is accepted too.
func ecdsaP256(k *ecdsa.PublicKey, base, sig []byte) error {
	if k.Curve != elliptic.P256() {
		return errors.New("ecdsa key is not on P-256")
	}
	h := sha256.Sum256(base)
	if len(sig) == 64 {
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		if ecdsa.Verify(k, h[:], r, s) {
			return nil
		}
	}
	if ecdsa.VerifyASN1(k, h[:], sig) {
		return nil
	}
	return errors.New("ecdsa verification failed")
}
