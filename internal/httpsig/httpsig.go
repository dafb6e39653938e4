// Package httpsig signs outgoing ActivityPub requests and verifies incoming ones.
//
// Outgoing requests are signed the way every major fediverse server accepts: the
// draft-cavage-http-signatures-12 "Signature" header with rsa-sha256 over
// (request-target) host date digest, and a SHA-256 Digest of the body. Incoming requests
// are accepted in that form and in the RFC 9421 form (Signature-Input + Signature), which
// newer servers (Fedify, recent Mastodon) send.
//
// Verification is split in two so the caller can fetch the key between the steps and
// fetch it again once when a cached key no longer matches: Parse checks everything that
// does not need the key (the header syntax, that the signature covers the method, target,
// host, a fresh date, and for a body its digest; the digest against the body; the clock
// skew), and Signature.Verify checks the signature with the key.
package httpsig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ErrUnsigned is returned by Parse for a request that carries no signature at all.
var ErrUnsigned = errors.New("httpsig: request is not signed")

// Options bound what Parse accepts.
type Options struct {
	// Now is the verifier's clock.
	Now func() time.Time
	// MaxSkew is how far the signed date (Date header or created parameter) may lie from
	// Now, either way. Mastodon allows 12 hours in the past and a few minutes ahead; a
	// shorter window narrows replay. Zero means DefaultMaxSkew.
	MaxSkew time.Duration
}

// DefaultMaxSkew is how far a signed date may lie from our clock: an hour, which covers
// queued retries of remote servers (they re-sign each attempt) and poorly kept clocks.
const DefaultMaxSkew = time.Hour

// Signature is a parsed, not yet verified, signature of a request.
type Signature struct {
	// KeyID names the key the request claims to be signed with (an actor's key URL).
	KeyID string
	// Form is "draft-cavage" or "rfc9421".
	Form string
	// Created is the signed time of the request.
	Created time.Time

	alg     string   // the algorithm the signer named; "" when it must follow from the key
	base    []byte   // the signature base (string to sign)
	sig     []byte   // the signature value
	covered []string // the components signed, lower case (RFC 9421: with their parameters)
	expires time.Time
}

func (s *Signature) covers(c string) bool {
	for _, x := range s.covered {
		if x == c {
			return true
		}
	}
	return false
}

// Parse reads the signature of r, whose body is body (already read, bounded by the
// caller), and checks all that can be checked without the key. r.Host is taken as the
// host the request was sent to.
func Parse(r *http.Request, body []byte, opt Options) (*Signature, error) {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	skew := opt.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	var (
		s   *Signature
		err error
	)
	switch {
	case r.Header.Get("Signature-Input") != "":
		s, err = parse9421(r, "")
		if err == nil {
			err = s.require9421(r, body)
		}
	case r.Header.Get("Signature") != "" || hasCavageAuthorization(r):
		s, err = parseCavage(r)
		if err == nil {
			err = s.requireCavage(r, body)
		}
	default:
		return nil, ErrUnsigned
	}
	if err != nil {
		return nil, err
	}
	if d := now().Sub(s.Created); d > skew || d < -skew {
		return nil, fmt.Errorf("httpsig: signed at %s, more than %s from now", s.Created.UTC().Format(time.RFC3339), skew)
	}
	if !s.expires.IsZero() && now().After(s.expires) {
		return nil, fmt.Errorf("httpsig: signature expired at %s", s.expires.UTC().Format(time.RFC3339))
	}
	return s, nil
}

// Verify checks the signature with pub, the key KeyID names.
func (s *Signature) Verify(pub crypto.PublicKey) error {
	if pub == nil {
		return errors.New("httpsig: no key")
	}
	if err := verifyWith(s.alg, pub, s.base, s.sig); err != nil {
		return fmt.Errorf("httpsig: %s signature by %q: %w", s.Form, s.KeyID, err)
	}
	return nil
}

// verifyWith checks sig over base with pub under the named algorithm. Both forms name the
// algorithm loosely (cavage's "hs2019" and an absent RFC 9421 alg both mean "follow the
// key"), so an empty or generic name is resolved from the key type; a name that disagrees
// with the key type is refused rather than tried.
func verifyWith(alg string, pub crypto.PublicKey, base, sig []byte) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		switch alg {
		case "rsa-sha256", "rsa-v1_5-sha256":
			return rsaV15(k, base, sig)
		case "rsa-pss-sha512":
			return rsaPSS(k, base, sig)
		case "", "hs2019":
			// Fediverse servers sign RSA keys with PKCS#1 v1.5; RFC 9421 test keys and
			// some newer software with PSS. Both are sound RSA signatures of the same base.
			if rsaV15(k, base, sig) == nil {
				return nil
			}
			return rsaPSS(k, base, sig)
		}
	case *ecdsa.PublicKey:
		switch alg {
		case "", "hs2019", "ecdsa-p256-sha256":
			return ecdsaP256(k, base, sig)
		}
	case ed25519.PublicKey:
		switch alg {
		case "", "hs2019", "ed25519":
			if !ed25519.Verify(k, base, sig) {
				return errors.New("ed25519 verification failed")
			}
			return nil
		}
	default:
		return fmt.Errorf("unsupported key type %T", pub)
	}
	return fmt.Errorf("algorithm %q does not fit a %T", alg, pub)
}
