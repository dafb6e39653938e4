package httpsig

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/dunglas/httpsfv"
)

// checkDigest checks an RFC 3230 Digest header ("SHA-256=base64", possibly several,
// comma-separated) against body. At least one SHA-256 or SHA-512 value must be present and
// every such value must match; other algorithms are ignored (not trusted, not refused).
func checkDigest(values []string, body []byte) error {
	seen := false
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			alg, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok {
				continue
			}
			want := sum(strings.ToLower(alg), body)
			if want == nil {
				continue
			}
			got, err := base64.StdEncoding.DecodeString(val)
			if err != nil || subtle.ConstantTimeCompare(got, want) != 1 {
				return errors.New("httpsig: Digest does not match the body")
			}
			seen = true
		}
	}
	if !seen {
		return errors.New("httpsig: no SHA-256 or SHA-512 Digest of the body")
	}
	return nil
}

// checkContentDigest checks an RFC 9530 Content-Digest dictionary (sha-256=:…:,
// sha-512=:…:) against body, with the same rule as checkDigest.
func checkContentDigest(values []string, body []byte) error {
	d, err := httpsfv.UnmarshalDictionary(values)
	if err != nil {
		return errors.New("httpsig: malformed Content-Digest")
	}
	seen := false
	for _, alg := range d.Names() {
		want := sum(alg, body)
		if want == nil {
			continue
		}
		m, _ := d.Get(alg)
		it, ok := m.(httpsfv.Item)
		got, isBytes := it.Value.([]byte)
		if !ok || !isBytes || subtle.ConstantTimeCompare(got, want) != 1 {
			return errors.New("httpsig: Content-Digest does not match the body")
		}
		seen = true
	}
	if !seen {
		return errors.New("httpsig: no sha-256 or sha-512 Content-Digest of the body")
	}
	return nil
}

func sum(alg string, body []byte) []byte {
	switch alg {
	case "sha-256":
		s := sha256.Sum256(body)
		return s[:]
	case "sha-512":
		s := sha512.Sum512(body)
		return s[:]
	}
	return nil
}
