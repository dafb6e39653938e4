// Package aptest is the fediverse server side of federation tests: an inbox that verifies
// the HTTP signature of what it receives as Mastodon does, the key lookup it verifies with,
// and signed posting to our site. The tests of internal/activitypub, internal/web and
// internal/app build their remote servers on it. It must not import internal/activitypub,
// whose own (internal) tests use it.
package aptest

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/broadside/broadside/internal/httpsig"
)

// ContentType is what activities are posted and actor documents fetched as (the value of
// activitypub.ContentType, which this package cannot import).
const ContentType = `application/activity+json`

// Inbox is a remote server's inbox: an activity posted to it is accepted only when its HTTP
// signature verifies against the key Key finds for the signature's key id; a refused one is
// answered 401 and recorded (Refusals).
type Inbox struct {
	// Key returns the public key of a key id (FetchKey, CachedKeys, or a test's own), nil
	// when there is none.
	Key func(keyID string) any
	// Now is the verifier's clock for the signature's date; nil means the real time.
	Now func() time.Time
	// Accept takes an activity whose signature verified, the request and its body, and
	// returns the status to answer.
	Accept func(r *http.Request, body []byte) int

	mu      sync.Mutex
	refused []error
}

func (in *Inbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || r.Method != http.MethodPost {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	sig, err := httpsig.Parse(r, body, httpsig.Options{Now: in.Now})
	if err == nil {
		err = sig.Verify(in.Key(sig.KeyID))
	}
	if err != nil {
		in.mu.Lock()
		in.refused = append(in.refused, err)
		in.mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.WriteHeader(in.Accept(r, body))
}

// Refusals returns why each refused activity was refused, in order.
func (in *Inbox) Refusals() []error {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]error(nil), in.refused...)
}

// FetchKey fetches the public key keyID names from the actor document it belongs to (keyID
// without its "#main-key"), over HTTP, as a remote server does; nil when it cannot.
func FetchKey(keyID string) any {
	req, _ := http.NewRequest(http.MethodGet, strings.TrimSuffix(keyID, "#main-key"), nil)
	req.Header.Set("Accept", ContentType)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer res.Body.Close()
	var a struct {
		PublicKey *struct{ ID, PublicKeyPem string } `json:"publicKey"`
	}
	if json.NewDecoder(res.Body).Decode(&a) != nil || a.PublicKey == nil || a.PublicKey.ID != keyID {
		return nil
	}
	b, _ := pem.Decode([]byte(a.PublicKey.PublicKeyPem))
	if b == nil {
		return nil
	}
	k, _ := x509.ParsePKIXPublicKey(b.Bytes)
	pk, _ := k.(*rsa.PublicKey)
	if pk == nil {
		return nil
	}
	return pk
}

// CachedKeys returns a FetchKey that fetches each key once, as a busy server keeps the keys
// it knows: for tests that receive thousands of deliveries.
func CachedKeys() func(keyID string) any {
	var mu sync.Mutex
	keys := map[string]any{}
	return func(keyID string) any {
		mu.Lock()
		defer mu.Unlock()
		if k, ok := keys[keyID]; ok {
			return k
		}
		k := FetchKey(keyID)
		if k != nil {
			keys[keyID] = k
		}
		return k
	}
}

// Post posts the activity v to url, signed at now with key k under keyID when k is not nil;
// tamper, when not nil, changes the request after signing. The response's body is closed.
func Post(url string, v any, keyID string, k *rsa.PrivateKey, now time.Time, tamper func(*http.Request)) (*http.Response, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", ContentType)
	if k != nil {
		if err := httpsig.Sign(req, body, keyID, k, now); err != nil {
			return nil, err
		}
	}
	if tamper != nil {
		tamper(req)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	return res, nil
}
