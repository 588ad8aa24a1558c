package simulator

import (
	"context"
	"crypto/tls"
	"net"
	"sync"
	"time"

	"apnsconsole/simulator/h2server"

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
	h2     *h2Conn        // the TLS connection as HTTP/2 reads it
	hc     *h2server.Conn // the HTTP/2 connection
	auth   string         // AuthCertificate or AuthToken
	cert   *certIdentity  // certificate auth with an acceptable certificate
	// certificate auth with an unacceptable certificate (wrong issuer,
	// expired, not a push certificate): every request is 403 BadCertificate.
	certErr error

	mu          sync.Mutex // guards the stream limit and the token binding below
	gated       bool       // a token connection before its first valid token: StreamsBeforeToken
	strictDown  bool       // StrictStreams after a rejection: one stream
	streams     uint32     // the MAX_CONCURRENT_STREAMS last set
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
	// The HTTP/2 server's idle GOAWAY comes before the read deadline.
	sc.idle = s.IdleTimeout + s.StallTimeout
	c.hc = s.h2.NewConn(c.h2)
	c.streams = s.MaxConcurrentStreams
	if c.auth == AuthToken && s.StreamsBeforeToken < s.MaxConcurrentStreams {
		c.gated, c.streams = true, s.StreamsBeforeToken
		c.hc.SetMaxConcurrentStreams(c.streams)
	}
	s.net.attach(raw, h2Session{c.hc})
	c.hc.Serve(s.handler(c))
}

// adjustStreams sets the connection's MAX_CONCURRENT_STREAMS after a
// request was checked: the full count from the first valid provider
// token on, and with StrictStreams one after a rejection (status 0: the
// request was not answered) and back after an acceptance.
func (s *Server) adjustStreams(c *conn, tokenValid bool, status int) {
	c.mu.Lock()
	if tokenValid {
		c.gated = false
	}
	if s.StrictStreams && status != 0 {
		c.strictDown = status != 200 && status != 410
	}
	n := s.MaxConcurrentStreams
	switch {
	case c.strictDown:
		n = 1
	case c.gated:
		n = s.StreamsBeforeToken
	}
	changed := n != c.streams
	c.streams = n
	c.mu.Unlock()
	if changed {
		c.hc.SetMaxConcurrentStreams(n)
	}
}

// h2Session is an HTTP/2 connection as the connection group sees it.
type h2Session struct{ *h2server.Conn }

// GoAwayReason sends the GOAWAY APNs sends with reason, and closes once
// the streams it covers are answered.
func (h h2Session) GoAwayReason(reason string) {
	h.GoAway(http2.ErrCodeNo, goAwayDebug(reason))
}
