package legacy

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"time"
)

// binaryWriteBuffer is how many bytes of frames are gathered into one TLS
// write.
const binaryWriteBuffer = 16 << 10

// binaryConn is one connection to a binary gateway: a buffered writer for
// the frames, and a reader that waits for the one thing the gateway ever
// sends, the 6-byte error response, or for the connection to end.
type binaryConn struct {
	tc      *tls.Conn
	w       *bufio.Writer
	answer  chan binaryAnswer // receives one value, then nothing more
	ids     map[uint32]bool   // identifiers written on it, to recognise a late error response
	written int64             // bytes handed to w
	shown   int               // frames whose bytes were shown in events
}

// binaryAnswer is how a connection ended: with an error response, or
// with err (EOF, a reset, a TLS alert).
type binaryAnswer struct {
	packet *ErrorResponse
	err    error
}

func newBinaryConn(tc *tls.Conn, writeTimeout time.Duration) *binaryConn {
	c := &binaryConn{
		tc:     tc,
		w:      bufio.NewWriterSize(deadlineWriter{tc, writeTimeout}, binaryWriteBuffer),
		answer: make(chan binaryAnswer, 1),
		ids:    make(map[uint32]bool),
	}
	go c.read()
	return c
}

// read waits for the error response; it ends when the connection does.
func (c *binaryConn) read() {
	var b [ErrorResponseSize]byte
	var a binaryAnswer
	if _, err := io.ReadFull(c.tc, b[:]); err != nil {
		a.err = err
	} else if looksLikeHTTP2(b[:]) {
		a.err = ErrNotGateway
	} else if p, err := ParseErrorResponse(b[:]); err != nil {
		a.err = err
	} else {
		a.packet = &p
	}
	c.answer <- a
}

// poll returns the answer if it has come.
func (c *binaryConn) poll() (binaryAnswer, bool) {
	select {
	case a := <-c.answer:
		return a, true
	default:
		return binaryAnswer{}, false
	}
}

// await waits up to d for the answer.
func (c *binaryConn) await(ctx context.Context, d time.Duration) (binaryAnswer, bool) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case a := <-c.answer:
		return a, true
	case <-t.C:
	case <-ctx.Done():
	}
	return binaryAnswer{}, false
}

// write buffers one frame (and flushes it at once when flush is set).
func (c *binaryConn) write(j *binaryJob, flush bool) error {
	if _, err := c.w.Write(j.frame); err != nil {
		return err
	}
	c.written += int64(len(j.frame))
	j.end = c.written
	j.sent = time.Now()
	c.ids[j.id] = true
	if flush {
		return c.w.Flush()
	}
	return nil
}

func (c *binaryConn) flush() error { return c.w.Flush() }

// flushed is how many bytes left for the network; frames beyond it never
// did.
func (c *binaryConn) flushed() int64 { return c.written - int64(c.w.Buffered()) }

// abort breaks a blocked write or read at once (on cancellation).
func (c *binaryConn) abort() { c.tc.NetConn().Close() }

func (c *binaryConn) close() error { return c.tc.Close() }

// deadlineWriter bounds each write, so a gateway that stops reading
// cannot hang a send.
type deadlineWriter struct {
	tc      *tls.Conn
	timeout time.Duration
}

func (w deadlineWriter) Write(p []byte) (int, error) {
	w.tc.SetWriteDeadline(time.Now().Add(w.timeout))
	return w.tc.Write(p)
}

// ErrNotGateway reports a server that answered in HTTP/2: an APNs HTTP/2
// endpoint (or the simulator's), not a binary gateway.
var ErrNotGateway = errors.New("this is not a binary gateway: it speaks HTTP/2, so it is an HTTP/2 endpoint: send there with --protocol http2, or give the gateway's address (port 2195)")

// looksLikeHTTP2 reports the start of an HTTP/2 SETTINGS frame: a 24-bit
// length, type 4, flags 0 or 1 (ACK), on stream 0. A gateway never sends
// this: its only packet starts with command 8.
func looksLikeHTTP2(b []byte) bool {
	return len(b) >= 6 && b[0] == 0 && b[3] == 0x04 && b[4] <= 1 && b[5]&0x7f == 0
}
