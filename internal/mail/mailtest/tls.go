package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"
)

type tlsConfig struct {
	server *tls.Config
	client *tls.Config
}

// newTLS makes a throwaway certificate for 127.0.0.1 and the configs that serve and trust it.
func newTLS(t testing.TB) *tlsConfig {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tlsConfig{
		server: &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12},
		client: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12},
	}
}

// StartTLS runs a server that offers STARTTLS (and refuses AUTH before it). It returns the
// client TLS config that trusts the server's certificate.
func StartTLS(t testing.TB, opts ...Option) (*Server, *tls.Config) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	c := newTLS(t)
	return serve(t, ln, c, opts), c.client
}

// StartImplicitTLS runs a server that speaks TLS from the first byte (port 465 style).
func StartImplicitTLS(t testing.TB, opts ...Option) (*Server, *tls.Config) {
	t.Helper()
	c := newTLS(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", c.server)
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	// go-smtp sees the *tls.Conn and allows AUTH on it.
	return serve(t, ln, nil, opts), c.client
}
