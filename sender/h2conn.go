package sender

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// h2conn is a lean HTTP/2 client connection made for APNs: requests are
// small POSTs with small answers, so it is one reader goroutine and one
// flusher over x/net/http2's Framer and hpack, streams matched by id. It
// keeps to the server's SETTINGS_MAX_CONCURRENT_STREAMS (changes included)
// and flow-control windows, answers PINGs and SETTINGS, and tells apart a
// request the server never processed (GOAWAY below its id, REFUSED_STREAM:
// safe to send again) from one that was written and not answered (its fate
// unknown).
type h2conn struct {
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
	streams    map[uint32]*h2stream
	nextID     uint32
	active     int
	maxStreams int // SETTINGS_MAX_CONCURRENT_STREAMS of the server
	initWindow int32
	connWindow int32 // what the server lets us send on the connection
	maxFrame   int
	recvUnack  int32 // received DATA bytes not yet given back with WINDOW_UPDATE
	goAway     *GoAwayError
	lastStream uint32 // GOAWAY's last stream id
	err        error  // set when the connection is finished
	writeErr   error  // a write failed: the reader ends the connection
	lastUse    time.Time
	onGoAway   func(*GoAwayError)
	done       chan struct{}
	pingAck    chan struct{}
}

type h2stream struct {
	id      uint32
	window  int32
	maxBody int
	done    chan struct{}
	ans     h2answer // filled by the reader; handed out once done is closed
	err     error    // set instead of an answer
}

// errNotProcessed marks a request the server did not process (GOAWAY with
// a lower last stream id, or REFUSED_STREAM): it may be sent again.
var errNotProcessed = errors.New("the server did not process the request")

// errNoHTTP2InTime marks a server that took the TLS connection but did
// not start HTTP/2 before the deadline.
var errNoHTTP2InTime = errors.New("did not start HTTP/2 in time")

// ErrUnconfirmed marks a notification that was written to the server but
// got no answer (a timeout, a cancel, a lost connection): APNs may have
// delivered it, so check before sending it again.
var ErrUnconfirmed = errors.New("unconfirmed")

// maxStreamsDefault is the concurrency assumed while the server has not
// said: RFC 9113 leaves it unlimited; this client caps it.
const maxStreamsDefault = 1000

// newH2Conn runs the HTTP/2 handshake on nc: the client preface and
// SETTINGS, then the server's first SETTINGS, by the deadline of ctx.
func newH2Conn(ctx context.Context, nc net.Conn, addr string, onGoAway func(*GoAwayError)) (*h2conn, error) {
	c := &h2conn{
		addr:       addr,
		nc:         nc,
		bw:         bufio.NewWriterSize(nc, 32<<10),
		flush:      make(chan struct{}, 1),
		changed:    make(chan struct{}),
		streams:    map[uint32]*h2stream{},
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
			return nil, fmt.Errorf("%w: %s accepted the connection but %w (%v): is the server stuck, or not an HTTP/2 server?", ErrConnect, addr, errNoHTTP2InTime, context.Cause(ctx))
		}
		return nil, err
	}
	go c.readLoop()
	go c.flushLoop()
	return c, nil
}

func (c *h2conn) handshake() error {
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
func (c *h2conn) applySettings(sf *http2.SettingsFrame) {
	var table *uint32
	c.mu.Lock()
	sf.ForeachSetting(func(s http2.Setting) error {
		switch s.ID {
		case http2.SettingMaxConcurrentStreams:
			c.maxStreams = int(min(s.Val, maxStreamsDefault))
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

func (c *h2conn) broadcastLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// write runs fn with the writer, then has the flusher flush.
func (c *h2conn) write(fn func() error) error {
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

func (c *h2conn) flushLoop() {
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
func (c *h2conn) writeFailed(err error) {
	c.mu.Lock()
	if c.writeErr == nil {
		c.writeErr = fmt.Errorf("%w: writing to %s: %v", ErrConnect, c.addr, err)
	}
	c.mu.Unlock()
	c.nc.SetReadDeadline(time.Now().Add(time.Second))
}

// fail ends the connection: every open stream ends with err.
func (c *h2conn) fail(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = err
	streams := c.streams
	c.streams = map[uint32]*h2stream{}
	c.active -= len(streams)
	close(c.done)
	c.broadcastLocked()
	ga, last := c.goAway, c.lastStream
	c.mu.Unlock()
	c.nc.Close()
	for id, st := range streams {
		if ga != nil && id > last {
			st.err = errNotProcessed
		} else {
			st.err = err
		}
		close(st.done)
	}
}

// Close closes the connection; open streams end unanswered.
func (c *h2conn) Close() error {
	c.fail(fmt.Errorf("%w: the connection to %s was closed", ErrConnect, c.addr))
	return nil
}

// usable reports whether the connection takes new requests.
func (c *h2conn) usable() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err == nil && c.goAway == nil && c.nextID < 1<<31-2
}

func (c *h2conn) readLoop() {
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			var se http2.StreamError
			if errors.As(err, &se) {
				c.endStream(se.StreamID, fmt.Errorf("%w: %s sent a malformed answer: %v", ErrConnect, c.addr, se))
				c.write(func() error { return c.fr.WriteRSTStream(se.StreamID, se.Code) })
				continue
			}
			c.mu.Lock()
			ga, werr := c.goAway, c.writeErr
			c.mu.Unlock()
			switch {
			case ga != nil:
				c.fail(ga)
			case werr != nil:
				c.fail(werr)
			case errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed):
				c.fail(fmt.Errorf("%w: %s closed the connection", ErrConnect, c.addr))
			default:
				c.fail(fmt.Errorf("%w: the connection to %s broke: %v", ErrConnect, c.addr, err))
			}
			return
		}
		switch f := f.(type) {
		case *http2.MetaHeadersFrame:
			c.onHeaders(f)
		case *http2.DataFrame:
			c.onData(f)
		case *http2.RSTStreamFrame:
			var err error = fmt.Errorf("%w: %s reset the stream (%s)", ErrConnect, c.addr, f.ErrCode)
			if f.ErrCode == http2.ErrCodeRefusedStream {
				err = errNotProcessed
			}
			c.endStream(f.StreamID, err)
		case *http2.SettingsFrame:
			if !f.IsAck() {
				c.applySettings(f)
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				data := f.Data
				c.write(func() error { return c.fr.WritePing(true, data) })
			} else {
				select {
				case c.pingAck <- struct{}{}:
				default:
				}
			}
		case *http2.WindowUpdateFrame:
			c.mu.Lock()
			if f.StreamID == 0 {
				c.connWindow += int32(f.Increment)
			} else if st := c.streams[f.StreamID]; st != nil {
				st.window += int32(f.Increment)
			}
			c.broadcastLocked()
			c.mu.Unlock()
		case *http2.GoAwayFrame:
			c.onGoAway2(f)
		}
	}
}

func (c *h2conn) onGoAway2(f *http2.GoAwayFrame) {
	ga := parseGoAway(c.addr, f.ErrCode, f.DebugData())
	c.mu.Lock()
	first := c.goAway == nil
	if first {
		c.goAway = ga
		c.lastStream = f.LastStreamID
	}
	var refused []*h2stream
	for id, st := range c.streams {
		if id > f.LastStreamID {
			refused = append(refused, st)
			delete(c.streams, id)
			c.active--
		}
	}
	c.broadcastLocked()
	c.mu.Unlock()
	for _, st := range refused {
		st.err = errNotProcessed
		close(st.done)
	}
	if first && c.onGoAway != nil {
		c.onGoAway(ga)
	}
}

func (c *h2conn) onHeaders(f *http2.MetaHeadersFrame) {
	c.mu.Lock()
	st := c.streams[f.StreamID]
	c.mu.Unlock()
	if st == nil {
		return
	}
	a := &st.ans
	for _, hf := range f.Fields {
		switch hf.Name {
		case ":status":
			if a.status == 0 {
				a.status, _ = strconv.Atoi(hf.Value)
			}
		case "apns-id":
			a.apnsID = hf.Value
		case "apns-unique-id":
			a.uniqueID = hf.Value
		case "retry-after":
			a.retryAfter = hf.Value
		case "apns-request-id":
			a.requestID = hf.Value
		case "apns-channel-id":
			a.channelID = hf.Value
		}
	}
	if f.StreamEnded() {
		c.endStream(f.StreamID, nil)
	}
}

func (c *h2conn) onData(f *http2.DataFrame) {
	n := int32(f.Length)
	c.mu.Lock()
	st := c.streams[f.StreamID]
	c.recvUnack += n
	give := int32(0)
	if c.recvUnack >= 1<<22 {
		give, c.recvUnack = c.recvUnack, 0
	}
	c.mu.Unlock()
	if give > 0 {
		c.write(func() error { return c.fr.WriteWindowUpdate(0, uint32(give)) })
	}
	if st == nil {
		return
	}
	if len(st.ans.body)+len(f.Data()) > st.maxBody {
		// Not cut short in silence: a truncated body would read as another
		// answer. The stream ends with an error and the server is told.
		c.endStream(f.StreamID, fmt.Errorf("%w: %s sent an answer larger than %d bytes", ErrConnect, c.addr, st.maxBody))
		c.write(func() error { return c.fr.WriteRSTStream(f.StreamID, http2.ErrCodeCancel) })
		return
	}
	st.ans.body = append(st.ans.body, f.Data()...)
	if n > 0 && !f.StreamEnded() {
		c.write(func() error { return c.fr.WriteWindowUpdate(f.StreamID, uint32(n)) })
	}
	if f.StreamEnded() {
		c.endStream(f.StreamID, nil)
	}
}

// endStream finishes the stream id with err, or with its answer when err
// is nil, unless it is finished already.
func (c *h2conn) endStream(id uint32, err error) {
	c.mu.Lock()
	st, ok := c.streams[id]
	if ok {
		delete(c.streams, id)
		c.active--
		c.broadcastLocked()
	}
	c.mu.Unlock()
	if ok {
		st.err = err
		close(st.done)
	}
}

// checkIdle checks a connection that has been silent for IdlePing with a
// PING (waiting at most 15 s) before it takes a request, as Apple advises
// for connections kept open for hours; a quieter one passes at once.
func (c *h2conn) checkIdle(ctx context.Context) error {
	if c.idleFor() < IdlePing {
		return nil
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	return c.ping(pctx)
}

// ping checks the connection with an HTTP/2 PING and waits for the
// answer until ctx ends.
func (c *h2conn) ping(ctx context.Context) error {
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
		return c.finished()
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *h2conn) isFinished() bool { return c.finished() != nil }

func (c *h2conn) finished() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// goAwayErr is the GOAWAY the server sent, or nil.
func (c *h2conn) goAwayErr() *GoAwayError {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.goAway
}

// idleFor is how long the connection has had no request in flight.
func (c *h2conn) idleFor() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.active > 0 {
		return 0
	}
	return time.Since(c.lastUse)
}

// parseGoAway reads APNs' reason from a GOAWAY's debug data.
func parseGoAway(addr string, code http2.ErrCode, debug []byte) *GoAwayError {
	return &GoAwayError{Host: addr, Code: code, Debug: string(debug), Reason: strings.TrimSpace(jsonReason(debug))}
}
