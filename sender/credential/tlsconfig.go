package credential

import (
	"crypto/tls"
	"crypto/x509"
)

// TLSConfig is the client TLS configuration for this credential: TLS 1.2 or
// later, the server verified against roots (nil = the system's roots), and
// the client certificate presented for certificate credentials. alpn lists
// the application protocols to offer ("h2" for the HTTP/2 API, none for the
// binary protocol).
func (c *Credential) TLSConfig(serverName string, roots *x509.CertPool, alpn ...string) *tls.Config {
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		ServerName: serverName,
		RootCAs:    roots,
		NextProtos: alpn,
	}
	if c != nil && c.Kind != KindP8 && len(c.Certificate.Certificate) > 0 {
		cfg.Certificates = []tls.Certificate{c.Certificate}
	}
	return cfg
}
