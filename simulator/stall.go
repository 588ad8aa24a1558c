package simulator

import (
	"crypto/tls"
	"net"
	"time"
)

// Connection timeouts and limits.
const (
	// DefaultStallTimeout bounds how long a client may take to complete
	// what it started: the HTTP/2 preface, a TLS record, an HTTP/2 frame,
	// a request's body, a binary notification. Then the connection closes.
	DefaultStallTimeout = 10 * time.Second
	// DefaultIdleTimeout is how long a connection may stay idle between
	// requests: APNs keeps them for hours (Apple: "reuse a connection for
	// hours to days"; PING after about an hour of inactivity).
	DefaultIdleTimeout = time.Hour
	// DefaultMaxConns caps the connections open at once; more are closed
	// as soon as they are accepted.
	DefaultMaxConns = 1000
)

// stallConn sits under TLS and bounds how long the client may stall. It
// follows the TLS record layer itself and is told by the layer above
// (HTTP/2 frames, binary notifications) whether a unit has begun: while
// anything is half received, reads must complete it within stall of its
// first byte; between units, reads wait up to idle. Its fields are used
// only by the connection's reading goroutine.
type stallConn struct {
	net.Conn
	stall, idle time.Duration

	deadline time.Time // the read deadline set on Conn

	rec      [5]byte   // the TLS record header being read
	recN     int       // bytes of rec read
	recLeft  int       // record body bytes still to come
	recSince time.Time // when the record began

	upper      bool      // the layer above is inside a unit
	upperSince time.Time // when that unit began
}

func newStallConn(c net.Conn, stall, idle time.Duration) *stallConn {
	return &stallConn{Conn: c, stall: stall, idle: idle}
}

// CloseWrite ends the sending side of the TCP connection (a FIN), when
// the connection below can.
func (c *stallConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// begin and end are called by the layer above around a unit.
func (c *stallConn) begin(at time.Time) {
	if !c.upper {
		c.upper, c.upperSince = true, at
	}
}

func (c *stallConn) end() { c.upper = false }

func (c *stallConn) Read(p []byte) (int, error) {
	var dl time.Time
	if c.recN > 0 || c.recLeft > 0 {
		dl = c.recSince.Add(c.stall)
	}
	if c.upper {
		if u := c.upperSince.Add(c.stall); dl.IsZero() || u.Before(dl) {
			dl = u
		}
	}
	switch {
	case !dl.IsZero():
		if !dl.Equal(c.deadline) {
			c.deadline = dl
			c.Conn.SetReadDeadline(dl)
		}
	case c.idle > 0:
		// Idle: move the deadline only when it is half used, to spare a
		// timer update on every read.
		now := time.Now()
		if c.deadline.Sub(now) < c.idle/2 {
			c.deadline = now.Add(c.idle)
			c.Conn.SetReadDeadline(c.deadline)
		}
	}
	n, err := c.Conn.Read(p)
	c.scan(p[:n])
	return n, err
}

// scan follows the TLS records in b.
func (c *stallConn) scan(b []byte) {
	for len(b) > 0 {
		if c.recLeft > 0 {
			k := min(c.recLeft, len(b))
			c.recLeft -= k
			b = b[k:]
			continue
		}
		if c.recN == 0 {
			c.recSince = time.Now()
		}
		k := copy(c.rec[c.recN:], b)
		c.recN += k
		b = b[k:]
		if c.recN == len(c.rec) {
			c.recLeft = int(c.rec[3])<<8 | int(c.rec[4])
			c.recN = 0
		}
	}
}

// h2Conn is a server's TLS connection as HTTP/2 sees it: it follows the
// client's preface and frames to tell the stallConn below when a frame is
// half received. The HTTP/2 server (package h2server) runs on it.
type h2Conn struct {
	*tls.Conn
	raw *stallConn

	prefaceLeft int
	hdr         [9]byte
	hdrN        int
	payloadLeft int
}

func newH2Conn(tc *tls.Conn, raw *stallConn) *h2Conn {
	c := &h2Conn{Conn: tc, raw: raw, prefaceLeft: 24}
	raw.begin(time.Now()) // the preface is due now
	return c
}

func (c *h2Conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.scan(p[:n])
	return n, err
}

func (c *h2Conn) scan(b []byte) {
	for len(b) > 0 {
		switch {
		case c.prefaceLeft > 0:
			k := min(c.prefaceLeft, len(b))
			c.prefaceLeft -= k
			b = b[k:]
		case c.payloadLeft > 0:
			k := min(c.payloadLeft, len(b))
			c.payloadLeft -= k
			b = b[k:]
		default:
			if c.hdrN == 0 {
				c.raw.begin(time.Now())
			}
			k := copy(c.hdr[c.hdrN:], b)
			c.hdrN += k
			b = b[k:]
			if c.hdrN == len(c.hdr) {
				c.payloadLeft = int(c.hdr[0])<<16 | int(c.hdr[1])<<8 | int(c.hdr[2])
				c.hdrN = 0
			}
		}
		if c.prefaceLeft == 0 && c.hdrN == 0 && c.payloadLeft == 0 {
			c.raw.end()
		}
	}
}
