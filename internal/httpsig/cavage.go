package httpsig

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SignedHeaders are the parts of a request Sign covers: what Mastodon requires of a POST.
var SignedHeaders = []string{"(request-target)", "host", "date", "digest"}

// Sign signs req (whose body is body; nil for a GET) with key for keyID in the
// draft-cavage form: it sets Host, Date (from now) and, with a body, a SHA-256 Digest, then
// the Signature header over (request-target) host date [digest].
func Sign(req *http.Request, body []byte, keyID string, key *rsa.PrivateKey, now time.Time) error {
	headers := SignedHeaders[:3]
	if body != nil || req.Method == http.MethodPost {
		headers = SignedHeaders
	}
	return sign(req, body, keyID, key, now, headers)
}

func sign(req *http.Request, body []byte, keyID string, key *rsa.PrivateKey, now time.Time, headers []string) error {
	if key == nil || keyID == "" {
		return errors.New("httpsig: sign: no key")
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	req.Header.Set("Host", host)
	req.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	for _, h := range headers {
		if h == "digest" {
			sum := sha256.Sum256(body)
			req.Header.Set("Digest", "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]))
		}
	}
	base, err := cavageBase(req, host, headers, 0, 0)
	if err != nil {
		return err
	}
	h := sha256.Sum256(base)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, h[:])
	if err != nil {
		return fmt.Errorf("httpsig: sign: %w", err)
	}
	req.Header.Set("Signature", fmt.Sprintf(`keyId="%s",algorithm="rsa-sha256",headers="%s",signature="%s"`,
		keyID, strings.Join(headers, " "), base64.StdEncoding.EncodeToString(sig)))
	return nil
}

func hasCavageAuthorization(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Authorization"), "Signature ")
}

// parseCavage reads a draft-cavage Signature header (or Authorization: Signature …).
func parseCavage(r *http.Request) (*Signature, error) {
	v := r.Header.Get("Signature")
	if v == "" {
		v = strings.TrimPrefix(r.Header.Get("Authorization"), "Signature ")
	}
	params, err := cavageParams(v)
	if err != nil {
		return nil, err
	}
	s := &Signature{Form: "draft-cavage", KeyID: params["keyId"], alg: strings.ToLower(params["algorithm"])}
	if s.KeyID == "" {
		return nil, errors.New("httpsig: signature has no keyId")
	}
	if s.sig, err = base64.StdEncoding.DecodeString(params["signature"]); err != nil || len(s.sig) == 0 {
		return nil, errors.New("httpsig: signature value is not base64")
	}
	headers := []string{"date"} // the draft's default when headers is absent
	if h := strings.TrimSpace(params["headers"]); h != "" {
		headers = strings.Fields(strings.ToLower(h))
	}
	var created, expires int64
	if c := params["created"]; c != "" {
		if created, err = strconv.ParseInt(c, 10, 64); err != nil {
			return nil, errors.New("httpsig: created is not a number")
		}
	}
	if e := params["expires"]; e != "" {
		if expires, err = strconv.ParseInt(e, 10, 64); err != nil {
			return nil, errors.New("httpsig: expires is not a number")
		}
	}
	if s.base, err = cavageBase(r, r.Host, headers, created, expires); err != nil {
		return nil, err
	}
	s.covered = headers
	switch {
	case created != 0:
		s.Created = time.Unix(created, 0)
	default:
		if s.Created, err = http.ParseTime(r.Header.Get("Date")); err != nil {
			return nil, errors.New("httpsig: Date header is missing or malformed")
		}
	}
	if expires != 0 {
		s.expires = time.Unix(expires, 0)
	}
	return s, nil
}

// cavageParams splits k1="v1",k2=v2,… respecting quotes, so a keyId with a comma survives.
func cavageParams(v string) (map[string]string, error) {
	out := map[string]string{}
	for v = strings.TrimSpace(v); v != ""; {
		eq := strings.IndexByte(v, '=')
		if eq <= 0 {
			return nil, errors.New("httpsig: malformed Signature header")
		}
		k := strings.TrimSpace(v[:eq])
		v = v[eq+1:]
		var val string
		if strings.HasPrefix(v, `"`) {
			end := strings.IndexByte(v[1:], '"')
			if end < 0 {
				return nil, errors.New("httpsig: unterminated quote in Signature header")
			}
			val, v = v[1:1+end], v[end+2:]
		} else {
			end := strings.IndexByte(v, ',')
			if end < 0 {
				end = len(v)
			}
			val, v = strings.TrimSpace(v[:end]), v[end:]
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("httpsig: parameter %q given twice", k)
		}
		out[k] = val
		v = strings.TrimLeft(strings.TrimSpace(v), ",")
		v = strings.TrimSpace(v)
	}
	return out, nil
}

// cavageBase builds the string to sign: "name: value" lines in the order of headers.
func cavageBase(r *http.Request, host string, headers []string, created, expires int64) ([]byte, error) {
	var b strings.Builder
	for i, h := range headers {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(h)
		b.WriteString(": ")
		switch h {
		case "(request-target)":
			b.WriteString(strings.ToLower(r.Method) + " " + r.URL.RequestURI())
		case "(created)":
			if created == 0 {
				return nil, errors.New("httpsig: (created) signed without a created parameter")
			}
			b.WriteString(strconv.FormatInt(created, 10))
		case "(expires)":
			if expires == 0 {
				return nil, errors.New("httpsig: (expires) signed without an expires parameter")
			}
			b.WriteString(strconv.FormatInt(expires, 10))
		case "host":
			b.WriteString(host)
		default:
			vs, ok := r.Header[http.CanonicalHeaderKey(h)]
			if !ok {
				return nil, fmt.Errorf("httpsig: signed header %q is missing", h)
			}
			for j, v := range vs {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString(strings.TrimSpace(v))
			}
		}
	}
	return []byte(b.String()), nil
}

// requireCavage checks that the signature covers what makes it worth anything for this
// request (target, host, a date, and the body through Digest), and that Digest matches.
func (s *Signature) requireCavage(r *http.Request, body []byte) error {
	need := []string{"(request-target)", "host"}
	if !s.covers("(created)") {
		need = append(need, "date")
	}
	if len(body) > 0 || r.Method == http.MethodPost {
		need = append(need, "digest")
	}
	for _, h := range need {
		if !s.covers(h) {
			return fmt.Errorf("httpsig: signature does not cover %s", h)
		}
	}
	if s.covers("digest") {
		if err := checkDigest(r.Header.Values("Digest"), body); err != nil {
			return err
		}
	}
	return nil
}
