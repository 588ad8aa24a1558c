package simulator

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"net"
	"sync"
	"time"

	"golang.org/x/net/http2"
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
// half received.
type h2Conn struct {
	*tls.Conn
	raw *stallConn

	prefaceLeft int
	hdr         [9]byte
	hdrN        int
	payloadLeft int

	wmu     sync.Mutex
	out     h2Out
	pending string        // the reason of a GOAWAY to send at the next frame boundary
	gone    bool          // the GOAWAY was sent: writes are discarded
	goneCh  chan struct{} // closed when gone
}

func newH2Conn(tc *tls.Conn, raw *stallConn) *h2Conn {
	c := &h2Conn{Conn: tc, raw: raw, prefaceLeft: 24, goneCh: make(chan struct{})}
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

// out follows the frames the server writes, so that a GOAWAY of our own
// can go between two of them. Guarded by wmu.
type h2Out struct {
	hdr         [9]byte
	hdrN        int
	payloadLeft int
	lastDone    uint32 // the highest stream the server finished answering
}

// scan follows b and returns how many of its bytes complete the frame
// in progress (0 when b starts at a frame boundary).
func (o *h2Out) scan(b []byte, stopAtBoundary bool) int {
	i := 0
	for i < len(b) {
		if stopAtBoundary && o.hdrN == 0 && o.payloadLeft == 0 {
			return i
		}
		if o.payloadLeft > 0 {
			k := min(o.payloadLeft, len(b)-i)
			o.payloadLeft -= k
			i += k
			continue
		}
		k := copy(o.hdr[o.hdrN:], b[i:])
		o.hdrN += k
		i += k
		if o.hdrN == len(o.hdr) {
			o.hdrN = 0
			o.payloadLeft = int(o.hdr[0])<<16 | int(o.hdr[1])<<8 | int(o.hdr[2])
			typ, flags := o.hdr[3], o.hdr[4]
			id := uint32(o.hdr[5]&0x7f)<<24 | uint32(o.hdr[6])<<16 | uint32(o.hdr[7])<<8 | uint32(o.hdr[8])
			if (typ == 0 || typ == 1) && flags&1 != 0 && id > o.lastDone { // DATA or HEADERS with END_STREAM
				o.lastDone = id
			}
		}
	}
	return i
}

func (c *h2Conn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.gone {
		return len(p), nil // after our GOAWAY: nothing more reaches the client
	}
	if c.pending == "" {
		c.out.scan(p, false)
		return c.Conn.Write(p)
	}
	k := c.out.scan(p, true)
	if _, err := c.Conn.Write(p[:k]); err != nil {
		return 0, err
	}
	c.sendGoAway()
	return len(p), nil
}

// goAway closes the connection the way APNs does when it gives up on one:
// a GOAWAY (NO_ERROR, last stream the highest answered, debug data
// {"reason": reason}) between two of the server's frames; from then on
// nothing more is sent, and the connection closes a second later (time
// for the client to read the GOAWAY rather than a reset).
func (c *h2Conn) goAway(reason string) {
	c.wmu.Lock()
	switch {
	case c.gone || c.pending != "":
	case c.out.hdrN == 0 && c.out.payloadLeft == 0:
		c.pending = reason
		c.sendGoAway()
	default:
		c.pending = reason // the next Write finishes its frame, then sends it
	}
	c.wmu.Unlock()
	select {
	case <-c.goneCh:
	case <-time.After(2 * time.Second):
	}
}

// sendGoAway writes the pending GOAWAY; wmu held.
func (c *h2Conn) sendGoAway() {
	debug, _ := json.Marshal(struct {
		Reason string `json:"reason"`
	}{c.pending})
	var b bytes.Buffer
	http2.NewFramer(&b, nil).WriteGoAway(c.out.lastDone, http2.ErrCodeNo, debug)
	c.Conn.Write(b.Bytes())
	c.gone = true
	close(c.goneCh)
	time.AfterFunc(time.Second, func() { c.Conn.Close() })
}

// isGone reports whether the connection sent its GOAWAY (or is about to).
func (c *h2Conn) isGone() bool {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.gone || c.pending != ""
}
