package mail_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/broadside/broadside/internal/aptest"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/mail/mailtest"
)

// TestDKIMSignatureVerifies signs messages with RSA and Ed25519 keys read from PEM, sends
// them through a real SMTP server, and checks go-msgauth's verifier accepts what arrived,
// with the public key served by a stand-in DNS.
func TestDKIMSignatureVerifies(t *testing.T) {
	rsaKey, err := aptest.NewKey() // a test key made ahead of time: generating one costs 0.1–0.3 CPU s
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, pemType, keyType string
		der                    func() []byte
		pub                    func() []byte
	}{
		{"rsa pkcs1", "RSA PRIVATE KEY", "rsa", func() []byte { return x509.MarshalPKCS1PrivateKey(rsaKey) },
			func() []byte { b, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey); return b }},
		{"ed25519 pkcs8", "PRIVATE KEY", "ed25519", func() []byte { b, _ := x509.MarshalPKCS8PrivateKey(edKey); return b },
			func() []byte { return edKey.Public().(ed25519.PublicKey) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key, err := mail.ParseDKIMKey(pem.EncodeToMemory(&pem.Block{Type: tc.pemType, Bytes: tc.der()}))
			if err != nil {
				t.Fatal(err)
			}
			srv := mailtest.Start(t)
			cfg := plain(srv)
			cfg.DKIM = &mail.DKIM{Domain: "example.org", Selector: "bs2026", Key: key}
			s := newSender(t, cfg)
			if _, err := s.Send(t.Context(), testMessage("reader@example.net")); err != nil {
				t.Fatal(err)
			}
			raw := srv.Wait(t, 1, 5*time.Second)[0].Data
			record := "v=DKIM1; k=" + tc.keyType + "; p=" + base64.StdEncoding.EncodeToString(tc.pub())
			lookups := 0
			vs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: func(domain string) ([]string, error) {
				lookups++
				if domain != "bs2026._domainkey.example.org" {
					t.Errorf("looked up %q", domain)
				}
				return []string{record}, nil
			}})
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != 1 || vs[0].Err != nil || vs[0].Domain != "example.org" || lookups != 1 {
				t.Fatalf("verifications %+v (lookups %d)", vs, lookups)
			}
			for _, h := range []string{"from", "subject", "list-unsubscribe", "list-unsubscribe-post"} {
				if !contains(vs[0].HeaderKeys, h) {
					t.Errorf("the signature does not cover %s: %v", h, vs[0].HeaderKeys)
				}
			}
			// A changed body must fail verification: the signature protects the content.
			tampered := bytes.Replace(raw, []byte("First paragraph"), []byte("Forged paragraph"), 1)
			vs, err = dkim.VerifyWithOptions(bytes.NewReader(tampered), &dkim.VerifyOptions{LookupTXT: func(string) ([]string, error) {
				return []string{record}, nil
			}})
			if err != nil || len(vs) != 1 || vs[0].Err == nil {
				t.Fatalf("a tampered message verified: %+v, %v", vs, err)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func TestParseDKIMKeyRefusesWhatCannotSign(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	pub, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	for name, tc := range map[string]struct {
		pem  []byte
		want string
	}{
		"not pem":     {[]byte("hello"), "no PEM block"},
		"public key":  {pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), "not a private key"},
		"ecdsa":       {pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}), "cannot sign DKIM"},
		"garbage der": {pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("xx")}), "bad private key"},
	} {
		if _, err := mail.ParseDKIMKey(tc.pem); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", name, err, tc.want)
		}
	}
}
