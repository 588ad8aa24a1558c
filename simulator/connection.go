package simulator

import (
	"context"
	"crypto/tls"
	"net"
	"sync"
	"time"

	"golang.org/x/net/http2"
)

// handshakeTimeout bounds the TLS handshake of an accepted connection.
const handshakeTimeout = 10 * time.Second

// conn is the per-connection state APNs keeps: how the provider
// authenticated and, for tokens, which team, key and JWT the connection is
// bound to.
type conn struct {
	id     uint64
	remote string
	h2     *h2Conn       // the TLS connection, which can send a GOAWAY of our own
	auth   string        // AuthCertificate or AuthToken
	cert   *certIdentity // certificate auth with an acceptable certificate
	// certificate auth with an unacceptable certificate (wrong issuer,
	// expired, not a push certificate): every request is 403 BadCertificate.
	certErr error

	mu          sync.Mutex // guards the token binding below
	teamID      string     // fixed by the first authenticated push
	keyID       string     // fixed by the first authenticated push
	jwtIssuedAt time.Time  // the iat of the JWT in use
	jwtSince    time.Time  // when the JWT in use was first sent (zero: none yet)

	verifiedJWT string         // the last JWT whose signature checked out
	verifiedTok *providerToken // it, parsed
	verifiedKey providerKey    // the key that signed it
}

// serveConn runs one accepted TCP connection: TLS handshake, the
// certificate check, then HTTP/2 until the connection ends. A certificate
// for the other environment is refused with a GOAWAY, as APNs does.
func (s *Server) serveConn(raw net.Conn, id uint64) {
	sc := newStallConn(raw, s.StallTimeout, s.IdleTimeout)
	tc := tls.Server(sc, s.tlsConfig)
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	err := tc.HandshakeContext(ctx)
	cancel()
	if err != nil {
		tc.Close()
		return
	}
	c := &conn{id: id, remote: raw.RemoteAddr().String(), auth: AuthToken}
	if peer := tc.ConnectionState().PeerCertificates; len(peer) > 0 {
		c.auth = AuthCertificate
		ident, err := checkClientCert(peer, s.roots, s.Now())
		switch {
		case err != nil:
			c.certErr = err
		case !ident.allows(s.Environment):
			s.refuse(tc, c, "BadCertificateEnvironment")
			return
		default:
			c.cert = ident
		}
	}
	c.h2 = newH2Conn(tc, sc)
	s.h2.ServeConn(c.h2, &http2.ServeConnOpts{BaseConfig: s.base, Handler: s.handler(c)})
}
