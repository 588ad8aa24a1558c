package h2server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// initialConnWindow is the connection-level window every HTTP/2
// connection starts with; the server keeps it at that.
const initialConnWindow = 65535

// Conn is one HTTP/2 connection being served. Its methods are safe for
// concurrent use.
type Conn struct {
	srv    *Server
	nc     net.Conn
	set    Settings
	remote string

	handler  http.Handler
	handlers sync.WaitGroup
	ctx      context.Context
	cancel   context.CancelFunc

	// Owned by the read loop.
	br          *bufio.Reader
	fr          *http2.Framer
	recvWindow  int32 // connection-level window the client may still use
	recvUnacked int32 // bytes received since the last connection WINDOW_UPDATE
	keyCache    map[string]string

	mu           sync.Mutex // guards everything below
	streams      map[uint32]*stream
	active       int    // streams received and not yet answered (or reset)
	maxStreamID  uint32 // the highest stream the client opened
	committed    uint32 // the highest stream whose answer began to be written
	limitNow     uint32 // MAX_CONCURRENT_STREAMS most recently advertised
	limitAcked   uint32 // the value in force once the client acknowledged
	limitPending []uint32
	started      bool
	goingAway    bool
	lastStreamID uint32 // of our GOAWAY
	dropping     bool   // Drop: no more answers, close once the queue is written
	closing      bool   // write what is queued, then close
	dead         bool   // closed: nothing more is written
	lastActive   time.Time
	idleTimer    *time.Timer
	stallTimer   *time.Timer
	graceTimer   *time.Timer

	// Writing, under mu.
	out          outBuf
	spare        []byte
	written      int64 // bytes the socket took, of out.total
	wfr          *http2.Framer
	henc         *hpack.Encoder
	hbuf         bytes.Buffer
	lowerCache   map[string]string
	dataCond     sync.Cond // the writer waits for data
	doneCond     sync.Cond // answers wait to be written, or for window
	sendWindow   int64     // connection-level window for our DATA
	peerWindow   int32     // the client's INITIAL_WINDOW_SIZE
	peerMaxFrame uint32
	callbacks    []callback // waiting for their bytes to be written
	writerGone   bool
	writerDone   chan struct{}
}

// callback learns whether the bytes up to end were written.
type callback struct {
	end int64
	fn  func(error)
}

// outBuf collects the frames to write; total counts every byte ever
// added.
type outBuf struct {
	b     []byte
	total int64
}

func (o *outBuf) Write(p []byte) (int, error) {
	o.b = append(o.b, p...)
	o.total += int64(len(p))
	return len(p), nil
}

func newConn(s *Server, nc net.Conn) *Conn {
	set := s.Settings.withDefaults()
	c := &Conn{
		srv: s, nc: nc, set: set, remote: nc.RemoteAddr().String(),
		streams:      make(map[uint32]*stream),
		limitNow:     set.MaxConcurrentStreams,
		limitAcked:   set.MaxConcurrentStreams,
		recvWindow:   initialConnWindow,
		sendWindow:   initialConnWindow,
		peerWindow:   65535,
		peerMaxFrame: 16384,
		keyCache:     make(map[string]string),
		lowerCache:   make(map[string]string),
		writerDone:   make(chan struct{}),
		lastActive:   time.Now(),
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.dataCond.L, c.doneCond.L = &c.mu, &c.mu
	c.wfr = http2.NewFramer(&c.out, nil)
	c.henc = hpack.NewEncoder(&c.hbuf)
	c.br = bufio.NewReaderSize(nc, 32<<10)
	c.fr = http2.NewFramer(nil, c.br)
	c.fr.SetMaxReadFrameSize(set.MaxFrameSize)
	c.fr.MaxHeaderListSize = set.MaxHeaderListSize
	c.fr.ReadMetaHeaders = hpack.NewDecoder(set.HeaderTableSize, nil)
	return c
}

// RemoteAddr is the client's address.
func (c *Conn) RemoteAddr() string { return c.remote }

// Context ends when the connection closes.
func (c *Conn) Context() context.Context { return c.ctx }

// Serve runs the connection until it closes: it sends the SETTINGS,
// reads the client's preface and frames, and runs h for each request on
// a goroutine of its own. It returns once the connection is closed and
// every handler has returned.
func (c *Conn) Serve(h http.Handler) {
	c.handler = h
	c.mu.Lock()
	c.started = true
	first := c.set
	first.MaxConcurrentStreams = c.limitNow
	c.writeSettingsLocked(first.Frame()...)
	if c.srv.IdleTimeout > 0 {
		c.idleTimer = time.AfterFunc(c.srv.IdleTimeout, c.idleCheck)
	}
	c.mu.Unlock()
	go c.writeLoop()

	c.readLoop()

	c.mu.Lock()
	closing := c.closing
	c.mu.Unlock()
	if closing { // a GOAWAY of ours: let the writer write it and what it covers
		select {
		case <-c.writerDone:
		case <-time.After(c.srv.stall()):
		}
	}
	c.mu.Lock()
	c.dead = true
	for _, t := range []*time.Timer{c.idleTimer, c.stallTimer, c.graceTimer} {
		if t != nil {
			t.Stop()
		}
	}
	c.dataCond.Broadcast()
	c.doneCond.Broadcast()
	c.mu.Unlock()
	c.cancel()
	c.nc.Close()
	c.handlers.Wait()
	<-c.writerDone
}

func (c *Conn) readLoop() {
	preface := make([]byte, len(ClientPreface))
	if _, err := io.ReadFull(c.br, preface); err != nil || string(preface) != ClientPreface {
		return
	}
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			var se http2.StreamError
			var ce http2.ConnectionError
			var ne net.Error
			switch {
			case errors.As(err, &se):
				c.resetStream(se.StreamID, se.Code)
				continue
			case errors.As(err, &ce):
				c.connError(http2.ErrCode(ce))
			case errors.Is(err, http2.ErrFrameTooLarge):
				c.connError(http2.ErrCodeFrameSize)
			case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &ne), errors.Is(err, net.ErrClosed):
				// The connection ended or timed out: nothing to say.
			default:
				c.connError(errCodeIn(err)) // the framer's own connection errors
			}
			return
		}
		if !c.processFrame(f) {
			return
		}
	}
}

// errCodeIn is the HTTP/2 error code an x/net framer error names
// ("connection error: FLOW_CONTROL_ERROR: …"), PROTOCOL_ERROR when none.
func errCodeIn(err error) http2.ErrCode {
	msg := err.Error()
	for code := http2.ErrCodeNo + 1; code <= http2.ErrCodeHTTP11Required; code++ {
		if strings.Contains(msg, code.String()) {
			return code
		}
	}
	return http2.ErrCodeProtocol
}

// connError ends the connection with a GOAWAY carrying code.
func (c *Conn) connError(code http2.ErrCode) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.connErrorLocked(code)
}

func (c *Conn) connErrorLocked(code http2.ErrCode) {
	if !c.goingAway {
		c.goingAway = true
		c.lastStreamID = c.maxStreamID
		c.wfr.WriteGoAway(c.maxStreamID, code, nil)
	}
	c.startCloseLocked()
}

// processFrame handles one frame; false ends the connection.
func (c *Conn) processFrame(f http2.Frame) bool {
	switch f := f.(type) {
	case *http2.MetaHeadersFrame:
		return c.processHeaders(f)
	case *http2.DataFrame:
		return c.processData(f)
	case *http2.SettingsFrame:
		return c.processSettings(f)
	case *http2.PingFrame:
		if f.IsAck() {
			return true
		}
		c.mu.Lock()
		c.lastActive = time.Now()
		c.wfr.WritePing(true, f.Data)
		c.dataCond.Signal()
		c.mu.Unlock()
	case *http2.WindowUpdateFrame:
		return c.processWindowUpdate(f)
	case *http2.RSTStreamFrame:
		c.mu.Lock()
		if st := c.streams[f.StreamID]; st != nil {
			st.clientReset = true
			st.cancel()
			if !st.dispatched {
				c.forgetLocked(st)
			}
		}
		c.doneCond.Broadcast()
		c.mu.Unlock()
	case *http2.GoAwayFrame:
		// The client will open no more streams; those open are answered.
	case *http2.PushPromiseFrame:
		c.connError(http2.ErrCodeProtocol)
		return false
	}
	return true // PRIORITY, unknown frames: ignored
}

func (c *Conn) processSettings(f *http2.SettingsFrame) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.IsAck() {
		if len(c.limitPending) > 0 {
			c.limitAcked = c.limitPending[0]
			c.limitPending = c.limitPending[1:]
		}
		return true
	}
	if err := f.ForeachSetting(func(s http2.Setting) error {
		if err := s.Valid(); err != nil {
			return err
		}
		switch s.ID {
		case http2.SettingInitialWindowSize:
			delta := int64(s.Val) - int64(c.peerWindow)
			for _, st := range c.streams {
				st.sendWindow += delta
			}
			c.peerWindow = int32(s.Val)
			c.doneCond.Broadcast()
		case http2.SettingMaxFrameSize:
			c.peerMaxFrame = s.Val
		case http2.SettingHeaderTableSize:
			c.henc.SetMaxDynamicTableSizeLimit(s.Val)
		}
		return nil
	}); err != nil {
		var ce http2.ConnectionError
		code := http2.ErrCodeProtocol
		if errors.As(err, &ce) {
			code = http2.ErrCode(ce)
		}
		c.connErrorLocked(code)
		return false
	}
	c.wfr.WriteSettingsAck()
	c.dataCond.Signal()
	return true
}

func (c *Conn) processWindowUpdate(f *http2.WindowUpdateFrame) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.StreamID == 0 {
		c.sendWindow += int64(f.Increment)
		if c.sendWindow > 1<<31-1 {
			c.connErrorLocked(http2.ErrCodeFlowControl)
			return false
		}
	} else if st := c.streams[f.StreamID]; st != nil {
		st.sendWindow += int64(f.Increment)
	}
	c.doneCond.Broadcast()
	return true
}

// limitLocked is how many streams the client may have open: the largest
// value it may still be going by (a lower one counts once acknowledged).
func (c *Conn) limitLocked() int {
	l := c.limitAcked
	for _, v := range c.limitPending {
		l = max(l, v)
	}
	return int(l)
}

func (c *Conn) writeSettingsLocked(s ...http2.Setting) {
	c.wfr.WriteSettings(s...)
	c.limitPending = append(c.limitPending, c.limitNow)
	c.dataCond.Signal()
}

// SetMaxConcurrentStreams changes MAX_CONCURRENT_STREAMS: before Serve,
// what the first SETTINGS says; after, a SETTINGS frame with the new
// value (a lower one is enforced once the client acknowledges it).
func (c *Conn) SetMaxConcurrentStreams(n uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n == c.limitNow || c.dead || c.closing {
		return
	}
	c.limitNow = n
	if !c.started {
		return
	}
	c.writeSettingsLocked(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: n})
}

// MaxConcurrentStreams is the value most recently advertised.
func (c *Conn) MaxConcurrentStreams() uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.limitNow
}

// Busy reports whether any request is being read or answered.
func (c *Conn) Busy() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.active > 0
}
