package httpsig_test

// An external test package: aptest (the pre-generated key pool) imports httpsig.

import (
	"bytes"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/aptest"
	"github.com/broadside/broadside/internal/httpsig"
)

// TestSignVerifyOverHTTP sends signed requests through a real HTTP server that verifies
// them, then sends tampered copies: a changed body, a changed signed header, a date
// outside the window, another key, and no signature.
func TestSignVerifyOverHTTP(t *testing.T) {
	key, err := aptest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := aptest.NewKey()
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	results := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		s, err := httpsig.Parse(r, body, httpsig.Options{Now: func() time.Time { return now }, MaxSkew: 5 * time.Minute})
		if err == nil {
			if s.KeyID != "https://remote.example/users/ann#main-key" {
				err = errors.New("keyId " + s.KeyID)
			} else {
				err = s.Verify(&key.PublicKey)
			}
		}
		results <- err
	}))
	defer srv.Close()

	send := func(body string, signedAt time.Time, k *rsa.PrivateKey, tamper func(*http.Request)) error {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/inbox?x=1", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/activity+json")
		if k != nil {
			if err := httpsig.Sign(req, []byte(body), "https://remote.example/users/ann#main-key", k, signedAt); err != nil {
				t.Fatal(err)
			}
		}
		if tamper != nil {
			tamper(req)
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return <-results
	}
	const act = `{"type":"Follow"}`
	if err := send(act, now, key, nil); err != nil {
		t.Fatalf("signed request refused: %v", err)
	}
	if err := send(act, now.Add(-4*time.Minute), key, nil); err != nil {
		t.Fatalf("request signed 4 minutes ago refused: %v", err)
	}
	for _, tc := range []struct {
		name   string
		at     time.Time
		k      *rsa.PrivateKey
		tamper func(*http.Request)
		want   string
	}{
		{"changed body", now, key, func(r *http.Request) {
			b := []byte(`{"type":"Undo"}`)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}, "Digest does not match"},
		{"changed date header", now, key, func(r *http.Request) {
			r.Header.Set("Date", now.Add(time.Second).Format(http.TimeFormat))
		}, "verification"},
		{"changed target", now, key, func(r *http.Request) { r.URL.RawQuery = "x=2" }, "verification"},
		{"stale", now.Add(-10 * time.Minute), key, nil, "more than"},
		{"future", now.Add(10 * time.Minute), key, nil, "more than"},
		{"other key", now, other, nil, "verification"},
		{"unsigned", now, nil, nil, "not signed"},
		{"digest dropped from headers", now, key, func(r *http.Request) {
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), " digest\"", "\"", 1))
		}, "does not cover digest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := send(act, tc.at, tc.k, tc.tamper)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
