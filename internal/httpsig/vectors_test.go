package httpsig

import (
	"bufio"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The test key of draft-cavage-http-signatures-12, Appendix C.
const cavageTestKey = `-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----`

// RFC 9421 Appendix B.1.2 test-key-rsa-pss (public part) and B.1.4 test-key-ed25519.
const (
	rfcRSAPSSPub = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr4tmm3r20Wd/PbqvP1s2
+QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct+Lh1GH45x28Rw3Ry53mm+
oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHq
gDsznjPFmTOtCEcN2Z1FpWgchwuYLPL+Wokqltd11nqqzi+bJ9cvSKADYdUAAN5W
Utzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4
aOT9v6d+nb4bnNkQVklLQ3fVAvJm+xdDOp9LCNCN48V2pnDOkFV6+U9nV5oyc6XI
2wIDAQAB
-----END PUBLIC KEY-----`
	rfcEd25519Pub = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----`
)

func pemBlock(t *testing.T, s string) []byte {
	t.Helper()
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		t.Fatal("no PEM block")
	}
	return b.Bytes
}

func cavageKey(t *testing.T) *rsa.PrivateKey {
	k, err := x509.ParsePKCS1PrivateKey(pemBlock(t, cavageTestKey))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func pkix(t *testing.T, s string) any {
	k, err := x509.ParsePKIXPublicKey(pemBlock(t, s))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func readRequest(t *testing.T, raw string) (*http.Request, []byte) {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	return r, body
}

// The request of draft-cavage-12 Appendix C.
func cavageRequest(t *testing.T, sig string) (*http.Request, []byte) {
	return readRequest(t, "POST /foo?param=value&pet=dog HTTP/1.1\r\n"+
		"Host: example.com\r\n"+
		"Date: Sun, 05 Jan 2014 21:31:40 GMT\r\n"+
		"Content-Type: application/json\r\n"+
		"Digest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\r\n"+
		"Content-Length: 18\r\n"+
		"Signature: "+sig+"\r\n\r\n"+
		`{"hello": "world"}`)
}

var cavageDate = time.Date(2014, 1, 5, 21, 31, 40, 0, time.UTC)

func TestCavageAppendixC(t *testing.T) {
	pub := &cavageKey(t).PublicKey
	for _, tc := range []struct{ name, sig, base string }{
		{"C.1 default", `keyId="Test",algorithm="rsa-sha256",signature="SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs+FLEEaDV5lp7q25WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k/5OxEPXe5WozsbM="`,
			"date: Sun, 05 Jan 2014 21:31:40 GMT"},
		{"C.2 basic", `keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date",signature="qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0="`,
			"(request-target): post /foo?param=value&pet=dog\nhost: example.com\ndate: Sun, 05 Jan 2014 21:31:40 GMT"},
		{"C.3 all headers", `keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date content-type digest content-length",signature="vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE="`,
			"(request-target): post /foo?param=value&pet=dog\nhost: example.com\ndate: Sun, 05 Jan 2014 21:31:40 GMT\ncontent-type: application/json\ndigest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\ncontent-length: 18"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := cavageRequest(t, tc.sig)
			s, err := parseCavage(r)
			if err != nil {
				t.Fatal(err)
			}
			if string(s.base) != tc.base {
				t.Errorf("base = %q, want %q", s.base, tc.base)
			}
			if err := s.Verify(pub); err != nil {
				t.Error(err)
			}
		})
	}

	// C.3 passes the full check too: it covers target, host, date and the digest.
	r, body := cavageRequest(t, `keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date content-type digest content-length",signature="vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE="`)
	s, err := Parse(r, body, Options{Now: func() time.Time { return cavageDate.Add(time.Minute) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(pub); err != nil || s.KeyID != "Test" {
		t.Fatalf("Verify = %v, keyId %q", err, s.KeyID)
	}
	// C.1 and C.2 are valid signatures that prove too little for a POST.
	r, body = cavageRequest(t, `keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date",signature="qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0="`)
	if _, err := Parse(r, body, Options{Now: func() time.Time { return cavageDate }}); err == nil || !strings.Contains(err.Error(), "digest") {
		t.Errorf("Parse of a POST signature without digest = %v, want refusal naming digest", err)
	}
}

// TestSignReproducesCavageC2 signs the Appendix C request with the test key: rsa-sha256
// (PKCS#1 v1.5) is deterministic, so signing the C.2 headers must give the published value.
func TestSignReproducesCavageC2(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "http://example.com/foo?param=value&pet=dog", nil)
	if err := sign(req, nil, "Test", cavageKey(t), cavageDate, SignedHeaders[:3]); err != nil {
		t.Fatal(err)
	}
	want := `keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date",signature="qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0="`
	if got := req.Header.Get("Signature"); got != want {
		t.Errorf("Signature = %q\nwant %q", got, want)
	}
	// Sign itself covers the digest on a POST, as Mastodon requires.
	req, _ = http.NewRequest(http.MethodPost, "http://example.com/inbox", nil)
	if err := Sign(req, []byte(`{}`), "Test", cavageKey(t), cavageDate); err != nil {
		t.Fatal(err)
	}
	if h := req.Header.Get("Signature"); !strings.Contains(h, `headers="(request-target) host date digest"`) {
		t.Errorf("Signature = %q", h)
	}
	if d := req.Header.Get("Digest"); d != "SHA-256=RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=" {
		t.Errorf("Digest = %q", d)
	}
}
