package mail

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"regexp"

	"github.com/emersion/go-msgauth/dkim"
)

// DKIM signs outgoing mail for publishers who run their own mail server (a provider's relay
// usually signs for them). The public key is published at Selector._domainkey.Domain.
type DKIM struct {
	Domain   string
	Selector string
	Key      crypto.Signer // *rsa.PrivateKey (2048 bits or more) or ed25519.PrivateKey
}

// signedHeaders are the fields a signature covers. Listing one that a message lacks signs its
// absence, so nobody can add it on the way (a second From, a List-Unsubscribe pointing
// elsewhere).
var signedHeaders = []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
	"Reply-To", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Precedence", "Auto-Submitted"}

// The key never prints: fmt, slog and JSON show the domain and selector only.
func (d *DKIM) String() string {
	if d == nil {
		return "<no DKIM>"
	}
	return fmt.Sprintf("DKIM(d=%s, s=%s, key [redacted])", d.Domain, d.Selector)
}
func (d *DKIM) GoString() string             { return d.String() }
func (d *DKIM) LogValue() slog.Value         { return slog.StringValue(d.String()) }
func (d *DKIM) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

var dnsLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// Validate checks the domain and selector.
func (d *DKIM) Validate() error {
	if d.Key == nil {
		return errors.New("no key")
	}
	if d.Selector == "" || !validName(d.Selector) {
		return fmt.Errorf("selector %q is not a DNS name", d.Selector)
	}
	if d.Domain == "" || !validName(d.Domain) {
		return fmt.Errorf("domain %q is not a DNS name", d.Domain)
	}
	return nil
}

func validName(s string) bool {
	for _, l := range bytes.Split([]byte(s), []byte(".")) {
		if !dnsLabel.Match(l) {
			return false
		}
	}
	return true
}

// Sign returns msg with a DKIM-Signature header in front.
func (d *DKIM) Sign(msg []byte) ([]byte, error) {
	var out bytes.Buffer
	err := dkim.Sign(&out, bytes.NewReader(msg), &dkim.SignOptions{
		Domain:                 d.Domain,
		Selector:               d.Selector,
		Signer:                 d.Key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed,
		BodyCanonicalization:   dkim.CanonicalizationRelaxed,
		HeaderKeys:             signedHeaders,
	})
	if err != nil {
		return nil, fmt.Errorf("dkim: sign: %w", err)
	}
	return out.Bytes(), nil
}

// ParseDKIMKey reads a private key in PEM (PKCS #8, or PKCS #1 for RSA as openssl genrsa
// writes it). Only RSA of 1024 bits or more and Ed25519 can sign DKIM; mail providers
// ignore RSA keys shorter than 1024 bits, and 2048 is what they recommend.
func ParseDKIMKey(pemBytes []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("no PEM block found (expected -----BEGIN PRIVATE KEY-----)")
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("PEM block %q is not a private key (expected PRIVATE KEY or RSA PRIVATE KEY)", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("bad private key: %w", err)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 1024 {
			return nil, fmt.Errorf("the RSA key has %d bits; DKIM needs at least 1024 (2048 recommended)", k.N.BitLen())
		}
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	default:
		return nil, fmt.Errorf("a %T key cannot sign DKIM: use RSA (2048 bits) or Ed25519", key)
	}
}
