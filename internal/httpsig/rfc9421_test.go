package httpsig

import (
	"crypto/ed25519"
	"crypto/rsa"
	"strings"
	"testing"
	"time"
)

const rfcDigest = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"

var rfcCreated = time.Unix(1618884473, 0)

// rfcRequest is the test-request of RFC 9421 Appendix B.2 with the given signature.
func rfcRequest(t *testing.T, input, sig string, edit func(string) string) (raw string) {
	raw = "POST /foo?param=Value&Pet=dog HTTP/1.1\r\n" +
		"Host: example.com\r\n" +
		"Date: Tue, 20 Apr 2021 02:07:55 GMT\r\n" +
		"Content-Type: application/json\r\n" +
		"Content-Digest: " + rfcDigest + "\r\n" +
		"Content-Length: 18\r\n" +
		"Signature-Input: " + input + "\r\n" +
		"Signature: " + sig + "\r\n\r\n" +
		`{"hello": "world"}`
	if edit != nil {
		raw = edit(raw)
	}
	return raw
}

var rfcVectors = []struct {
	name, label, input, sig, base, key string
}{
	{"B.2.1 minimal", "sig-b21",
		`sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"`,
		`sig-b21=:d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==:`,
		`"@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"`,
		rfcRSAPSSPub},
	{"B.2.2 selective", "sig-b22",
		`sig-b22=("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example"`,
		`sig-b22=:LjbtqUbfmvjj5C5kr1Ugj4PmLYvx9wVjZvD9GsTT4F7GrcQEdJzgI9qHxICagShLRiLMlAJjtq6N4CDfKtjvuJyE5qH7KT8UCMkSowOB4+ECxCmT8rtAmj/0PIXxi0A0nxKyB09RNrCQibbUjsLS/2YyFYXEu4TRJQzRw1rLEuEfY17SARYhpTlaqwZVtR8NV7+4UKkjqpcAoFqWFQh62s7Cl+H2fjBSpqfZUJcsIk4N6wiKYd4je2U/lankenQ99PZfB4jY3I5rSV2DSBVkSFsURIjYErOs0tFTQosMTAoxk//0RoKUqiYY8Bh0aaUEb0rQl3/XaVe4bXTugEjHSw==:`,
		`"@authority": example.com` + "\n" + `"content-digest": ` + rfcDigest + "\n" + `"@query-param";name="Pet": dog` + "\n" +
			`"@signature-params": ("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example"`,
		rfcRSAPSSPub},
	{"B.2.3 full coverage", "sig-b23",
		`sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"`,
		`sig-b23=:bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==:`,
		`"date": Tue, 20 Apr 2021 02:07:55 GMT` + "\n" + `"@method": POST` + "\n" + `"@path": /foo` + "\n" + `"@query": ?param=Value&Pet=dog` + "\n" +
			`"@authority": example.com` + "\n" + `"content-type": application/json` + "\n" + `"content-digest": ` + rfcDigest + "\n" + `"content-length": 18` + "\n" +
			`"@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"`,
		rfcRSAPSSPub},
	{"B.2.6 ed25519", "sig-b26",
		`sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`,
		`sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:`,
		`"date": Tue, 20 Apr 2021 02:07:55 GMT` + "\n" + `"@method": POST` + "\n" + `"@path": /foo` + "\n" + `"@authority": example.com` + "\n" +
			`"content-type": application/json` + "\n" + `"content-length": 18` + "\n" +
			`"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`,
		rfcEd25519Pub},
}

func TestRFC9421AppendixB2(t *testing.T) {
	for _, v := range rfcVectors {
		t.Run(v.name, func(t *testing.T) {
			r, _ := readRequest(t, rfcRequest(t, v.input, v.sig, nil))
			s, err := parse9421(r, v.label)
			if err != nil {
				t.Fatal(err)
			}
			if string(s.base) != v.base {
				t.Errorf("base =\n%s\nwant\n%s", s.base, v.base)
			}
			if !s.Created.Equal(rfcCreated) {
				t.Errorf("Created = %v", s.Created)
			}
			if err := s.Verify(pkix(t, v.key)); err != nil {
				t.Error(err)
			}
			// The same signature against another key of the same type fails.
			var other any
			switch pkix(t, v.key).(type) {
			case *rsa.PublicKey:
				other = &cavageKey(t).PublicKey
			case ed25519.PublicKey:
				other, _, _ = ed25519.GenerateKey(nil)
			}
			if err := s.Verify(other); err == nil {
				t.Error("Verify with another key succeeded")
			}
		})
	}
}

// TestRFC9421Tampered takes B.2.3, the vector that covers enough for an inbox (method,
// target, host, body digest), and changes one thing at a time.
func TestRFC9421Tampered(t *testing.T) {
	v := rfcVectors[2]
	key := pkix(t, v.key)
	at := func(d time.Duration) Options {
		return Options{Now: func() time.Time { return rfcCreated.Add(d) }, MaxSkew: time.Hour}
	}
	check := func(edit func(string) string, opt Options) error {
		r, body := readRequest(t, rfcRequest(t, v.input, v.sig, edit))
		s, err := Parse(r, body, opt)
		if err != nil {
			return err
		}
		return s.Verify(key)
	}
	if err := check(nil, at(time.Minute)); err != nil {
		t.Fatalf("untouched B.2.3: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(string) string
		opt  Options
		want string
	}{
		{"changed body", func(s string) string { return strings.Replace(s, `"world"}`, `"World"}`, 1) }, at(0), "Content-Digest does not match"},
		{"changed header", func(s string) string {
			return strings.Replace(s, "Content-Type: application/json", "Content-Type: text/plain", 1)
		}, at(0), "verification"},
		{"changed date", func(s string) string { return strings.Replace(s, "02:07:55", "02:07:56", 1) }, at(0), "verification"},
		{"changed path", func(s string) string { return strings.Replace(s, "POST /foo?", "POST /bar?", 1) }, at(0), "verification"},
		{"changed digest and body", func(s string) string {
			s = strings.Replace(s, `"world"}`, `"World"}`, 1)
			return strings.Replace(s, rfcDigest, "sha-256=:"+"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="+":", 1)
		}, at(0), "Content-Digest does not match"},
		{"too old", nil, at(2 * time.Hour), "more than"},
		{"from the future", nil, at(-2 * time.Hour), "more than"},
		{"expired", func(s string) string {
			return strings.Replace(s, `keyid="test-key-rsa-pss"`+"\r\n", `keyid="test-key-rsa-pss";expires=1618884474`+"\r\n", 1)
		}, at(time.Minute), "expired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := check(tc.edit, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
	// B.2.6 is valid but covers neither the query nor the body's digest: refused.
	w := rfcVectors[3]
	r, body := readRequest(t, rfcRequest(t, w.input, w.sig, nil))
	if _, err := Parse(r, body, at(0)); err == nil || !strings.Contains(err.Error(), "does not cover the target") {
		t.Errorf("B.2.6 as inbox POST: %v, want refusal naming the target", err)
	}
	r, body = readRequest(t, rfcRequest(t, w.input, w.sig, func(s string) string { return strings.Replace(s, "/foo?param=Value&Pet=dog", "/foo", 1) }))
	if _, err := Parse(r, body, at(0)); err == nil || !strings.Contains(err.Error(), "digest") {
		t.Errorf("B.2.6 without query: %v, want refusal naming the digest", err)
	}
	// B.2.1 covers nothing.
	w = rfcVectors[0]
	r, body = readRequest(t, rfcRequest(t, w.input, w.sig, nil))
	if _, err := Parse(r, body, at(0)); err == nil || !strings.Contains(err.Error(), "@method") {
		t.Errorf("B.2.1 as inbox POST: %v, want refusal naming @method", err)
	}
}
