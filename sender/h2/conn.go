// Package h2 is the console's own HTTP/2 client connection, made for
// APNs: small POSTs with small answers over x/net/http2's Framer and
// hpack, one reader goroutine and one flusher, streams matched by id. It
// keeps to the server's SETTINGS (changes included) and flow-control
// windows, answers PINGs, PINGs an idle connection before reuse, and
// tells apart a request the server did not process (ErrNotProcessed:
// above a GOAWAY's last stream id, or REFUSED_STREAM) from one written
// and not answered. Package sender builds requests and reads the answers;
// it knows APNs, this package knows HTTP/2.
package h2

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// Conn is a lean HTTP/2 client connection made for APNs: requests are
// small POSTs with small answers, so it is one reader goroutine and one
// flusher over x/net/http2's Framer and hpack, streams matched by id. It
// keeps to the server's SETTINGS_MAX_CONCURRENT_STREAMS (changes included)
// and flow-control windows, answers PINGs and SETTINGS, and tells apart a
// request the server never processed (GOAWAY below its id, REFUSED_STREAM:
// safe to send again) from one that was written and not answered (its fate
// unknown).
type Conn struct {
	addr string
	nc   net.Conn

	wmu    sync.Mutex // guards bw, fr's writes, henc, hbuf and nextID
	bw     *bufio.Writer
	fr     *http2.Framer
	henc   *hpack.Encoder
	hbuf   bytes.Buffer
	hcache *headerCache // see encodeHeaders
	// flush asks the flusher to flush bw: writers fill the buffer, the
	// flusher writes it out when it gets to it, so many requests share a
	// TLS record and a system call.
	flush chan struct{}

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced when slots or windows change
	streams    map[uint32]*stream
	nextID     uint32
	active     int
	maxStreams int // SETTINGS_MAX_CONCURRENT_STREAMS of the server
	initWindow int32
	connWindow int32 // what the server lets us send on the connection
	maxFrame   int
	recvUnack  int32  // received DATA bytes not yet given back with WINDOW_UPDATE
	goAway     error  // the first GOAWAY, as onGoAway made it
	lastStream uint32 // GOAWAY's last stream id
	err        error  // set when the connection is finished
	writeErr   error  // a write failed: the reader ends the connection
	lastUse    time.Time
	draining   bool // no new requests: see drain
	onGoAway   func(code http2.ErrCode, debug []byte) error
	done       chan struct{}
	pingAck    chan struct{}

	answers atomic.Int64 // requests answered on this connection
	limit   atomic.Int32 // maxStreams, read without the lock
}

type stream struct {
	id      uint32
	window  int32
	maxBody int
	done    chan struct{}
	ans     Answer // filled by the reader; handed out once done is closed
	err     error  // set instead of an answer
}

// ErrNotProcessed marks a request the server did not process (GOAWAY with
// a lower last stream id, or REFUSED_STREAM): it may be sent again.
var ErrNotProcessed = errors.New("the server did not process the request")

// ErrNoHTTP2InTime marks a server that took the TLS connection but did
// not start HTTP/2 before the deadline.
var ErrNoHTTP2InTime = errors.New("did not start HTTP/2 in time")

// ErrConnect is wrapped by every failure of the connection; package
// sender's ErrConnect is this one.
var ErrConnect = errors.New("connection failed")

// maxStreamsDefault is the concurrency assumed while the server has not
// said: RFC 9113 leaves it unlimited; this client caps it.
const maxStreamsDefault = 1000

// NewConn runs the HTTP/2 handshake on nc: the client preface and
// SETTINGS, then the server's first SETTINGS, by the deadline of ctx.
// onGoAway (may be nil) is told of the server's first GOAWAY as it
// arrives and returns the error that stands for it: GoAway returns it,
// and the streams at or below its last stream id end with it if the
// connection closes before their answers.
func NewConn(ctx context.Context, nc net.Conn, addr string, onGoAway func(code http2.ErrCode, debug []byte) error) (*Conn, error) {
	c := &Conn{
		addr:       addr,
		nc:         nc,
		bw:         bufio.NewWriterSize(nc, 32<<10),
		flush:      make(chan struct{}, 1),
		changed:    make(chan struct{}),
		streams:    map[uint32]*stream{},
		nextID:     1,
		maxStreams: maxStreamsDefault,
		initWindow: 65535,
		connWindow: 65535,
		maxFrame:   16384,
		onGoAway:   onGoAway,
		done:       make(chan struct{}),
		pingAck:    make(chan struct{}, 1),
		lastUse:    time.Now(),
	}
	c.limit.Store(maxStreamsDefault)
	c.fr = http2.NewFramer(c.bw, bufio.NewReaderSize(nc, 32<<10))
	c.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	c.fr.MaxHeaderListSize = 64 << 10
	c.henc = hpack.NewEncoder(&c.hbuf)

	if dl, ok := ctx.Deadline(); ok {
		nc.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	err := c.handshake()
	cancelled := !stop()
	nc.SetDeadline(time.Time{})
	if err != nil {
		nc.Close()
		if cancelled || ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %s accepted the connection but %w (%v): is the server stuck, or not an HTTP/2 server?", ErrConnect, addr, ErrNoHTTP2InTime, context.Cause(ctx))
		}
		return nil, err
	}
	go c.readLoop()
	go c.flushLoop()
	return c, nil
}

func (c *Conn) handshake() error {
	if _, err := c.bw.WriteString(http2.ClientPreface); err != nil {
		return err
	}
	if err := c.fr.WriteSettings(http2.Setting{ID: http2.SettingEnablePush, Val: 0}, http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1 << 20}); err != nil {
		return err
	}
	if err := c.fr.WriteWindowUpdate(0, 1<<24); err != nil {
		return err
	}
	if err := c.bw.Flush(); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrConnect, c.addr, err)
	}
	f, err := c.fr.ReadFrame()
	if err != nil {
		return fmt.Errorf("%w: %s closed the connection before HTTP/2 began (%v): is this an APNs HTTP/2 endpoint?", ErrConnect, c.addr, err)
	}
	sf, ok := f.(*http2.SettingsFrame)
	if !ok || sf.IsAck() {
		return fmt.Errorf("%w: %s did not begin with HTTP/2 SETTINGS (got %s): is this an APNs HTTP/2 endpoint?", ErrConnect, c.addr, f.Header().Type)
	}
	c.applySettings(sf)
	return nil
}

// applySettings takes the server's SETTINGS and acknowledges them.
func (c *Conn) applySettings(sf *http2.SettingsFrame) {
	var table *uint32
	c.mu.Lock()
	sf.ForeachSetting(func(s http2.Setting) error {
		switch s.ID {
		case http2.SettingMaxConcurrentStreams:
			c.maxStreams = int(min(s.Val, maxStreamsDefault))
			c.limit.Store(int32(c.maxStreams))
		case http2.SettingInitialWindowSize:
			delta := int32(s.Val) - c.initWindow
			c.initWindow = int32(s.Val)
			for _, st := range c.streams {
				st.window += delta
			}
		case http2.SettingMaxFrameSize:
			c.maxFrame = int(s.Val)
		case http2.SettingHeaderTableSize:
			table = &s.Val
		}
		return nil
	})
	c.broadcastLocked()
	c.mu.Unlock()
	c.write(func() error {
		if table != nil {
			c.henc.SetMaxDynamicTableSizeLimit(*table)
			c.hcache = nil // the table may shrink
		}
		return c.fr.WriteSettingsAck()
	})
}

func (c *Conn) broadcastLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// write runs fn with the writer, then has the flusher flush.
func (c *Conn) write(fn func() error) error {
	c.wmu.Lock()
	err := fn()
	c.wmu.Unlock()
	if err != nil {
		c.writeFailed(err)
		return err
	}
	select {
	case c.flush <- struct{}{}:
	default:
	}
	return nil
}

func (c *Conn) flushLoop() {
	for {
		select {
		case <-c.flush:
		case <-c.done:
			return
		}
		// Let the senders that are ready add their frames first: one
		// flush, one TLS record, for many requests.
		runtime.Gosched()
		c.wmu.Lock()
		err := c.bw.Flush()
		c.wmu.Unlock()
		if err != nil {
			c.writeFailed(err)
			return
		}
	}
}

// writeFailed ends the connection after a failed write, but not before
// the reader has taken what the server sent before it hung up (a GOAWAY
// with its reason, answers): it gets a second to read, then the
// connection fails with the write's error.
func (c *Conn) writeFailed(err error) {
	c.mu.Lock()
	if c.writeErr == nil {
		c.writeErr = fmt.Errorf("%w: writing to %s: %v", ErrConnect, c.addr, err)
	}
	c.mu.Unlock()
	c.nc.SetReadDeadline(time.Now().Add(time.Second))
}

// fail ends the connection: every open stream ends with err.
func (c *Conn) fail(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = err
	streams := c.streams
	c.streams = map[uint32]*stream{}
	c.active -= len(streams)
	close(c.done)
	c.broadcastLocked()
	c.mu.Unlock()
	c.nc.Close()
	// Every stream still open is at or below a GOAWAY's last stream id
	// (onGoAway ended those above it) or there was no GOAWAY: each was
	// written and may have been processed.
	for _, st := range streams {
		st.err = err
		close(st.done)
	}
}

// Fail ends the connection with err (a PING unanswered, a server
// that stopped answering).
func (c *Conn) Fail(err error) { c.fail(err) }

// Close closes the connection; open streams end unanswered.
func (c *Conn) Close() error {
	c.fail(fmt.Errorf("%w: the connection to %s was closed", ErrConnect, c.addr))
	return nil
}

// Usable reports whether the connection takes new requests.
func (c *Conn) Usable() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err == nil && c.goAway == nil && !c.draining && c.nextID < 1<<31-2
}

// Drain takes the connection out of use for new requests (the server
// answered 503 Shutdown): those in flight finish, the next go on a new
// connection.
func (c *Conn) Drain() {
	c.mu.Lock()
	c.draining = true
	c.mu.Unlock()
}

// CheckIdle checks a connection that has been silent for idle or longer
// with a PING (waiting at most 15 s) before it takes a request, as Apple
// advises for connections kept open for hours; a quieter one passes at
// once.
func (c *Conn) CheckIdle(ctx context.Context, idle time.Duration) error {
	if c.idleFor() < idle {
		return nil
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	return c.Ping(pctx)
}

// Ping checks the connection with an HTTP/2 PING and waits for the
// answer until ctx ends.
func (c *Conn) Ping(ctx context.Context) error {
	select {
	case <-c.pingAck: // a stale answer
	default:
	}
	if err := c.write(func() error { return c.fr.WritePing(false, [8]byte{'a', 'p', 'n', 's'}) }); err != nil {
		return err
	}
	select {
	case <-c.pingAck:
		return nil
	case <-c.done:
		return c.Finished()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// IsFinished reports whether the connection has ended.
func (c *Conn) IsFinished() bool { return c.Finished() != nil }

// Finished is the error that ended the connection, or nil while it lives.
func (c *Conn) Finished() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// GoAway is the GOAWAY the server sent (as onGoAway made it), or nil.
func (c *Conn) GoAway() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.goAway
}

// idleFor is how long the connection has had no request in flight.
func (c *Conn) idleFor() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.active > 0 {
		return 0
	}
	return time.Since(c.lastUse)
}

// Done is closed when the connection has ended.
func (c *Conn) Done() <-chan struct{} { return c.done }

// InFlight is how many streams are open and how many count against the
// server's limit (the two agree, but for a moment inside RoundTrip).
func (c *Conn) InFlight() (open, active int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.streams), c.active
}
