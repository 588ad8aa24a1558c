package h2server

import (
	"context"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"time"

	"golang.org/x/net/http2"
)

// stream is one request: read whole by the read loop, then answered by
// its handler.
type stream struct {
	id     uint32
	c      *Conn
	ctx    context.Context
	cancel context.CancelFunc
	begun  time.Time

	method, path, authority string
	header                  http.Header
	body                    []byte
	over                    bool // the body went past MaxBodyBytes: the rest is discarded

	// Under the read loop.
	recvWindow  int32
	recvUnacked int32

	// Under Conn.mu.
	recvEnded   bool
	dispatched  bool
	clientReset bool // the client reset it: nothing more is written
	answered    bool // its answer (or reset) is queued
	sendWindow  int64
}

func (c *Conn) processHeaders(f *http2.MetaHeadersFrame) bool {
	id := f.StreamID
	if id%2 == 0 {
		c.connError(http2.ErrCodeProtocol)
		return false
	}
	now := time.Now()
	c.mu.Lock()
	if id <= c.maxStreamID {
		// Trailers of a stream being read, or a stream already closed.
		if st := c.streams[id]; st != nil && !st.recvEnded && f.StreamEnded() {
			st.recvEnded = true
			c.dispatchLocked(st)
		}
		c.mu.Unlock()
		return true
	}
	c.maxStreamID = id
	if c.goingAway || c.closing && !c.dropping || c.dead {
		c.mu.Unlock() // after our GOAWAY a new stream is ignored: the client sends it again elsewhere
		return true
	}
	// While a Drop closes the connection, streams still arriving are read
	// and handed over like the others, their answers refused (ErrLost):
	// the client, which cannot know they were not taken, finds them among
	// what the server read.
	c.lastActive = now
	if f.Truncated {
		c.hbuf.Reset()
		c.henc.WriteField(hpackField(":status", "431"))
		c.writeHeaderBlockLocked(id, true, c.hbuf.Bytes())
		if !f.StreamEnded() {
			c.wfr.WriteRSTStream(id, http2.ErrCodeNo)
		}
		c.dataCond.Signal()
		c.mu.Unlock()
		return true
	}
	if c.active >= c.limitLocked() {
		c.wfr.WriteRSTStream(id, http2.ErrCodeRefusedStream)
		c.dataCond.Signal()
		c.mu.Unlock()
		return true
	}
	c.mu.Unlock()

	st := &stream{id: id, c: c, begun: now, recvWindow: int32(c.set.InitialWindowSize)}
	for _, hf := range f.PseudoFields() {
		switch hf.Name {
		case ":method":
			st.method = hf.Value
		case ":path":
			st.path = hf.Value
		case ":authority":
			st.authority = hf.Value
		}
	}
	if st.method == "" || st.path == "" || st.method == http.MethodConnect {
		c.resetStream(id, http2.ErrCodeProtocol)
		return true
	}
	regular := f.RegularFields()
	st.header = make(http.Header, len(regular))
	for _, hf := range regular {
		key := c.canonicalKey(hf.Name)
		if key == "Host" && st.authority == "" {
			st.authority = hf.Value
			continue
		}
		st.header[key] = append(st.header[key], hf.Value)
	}
	if cl := st.header["Content-Length"]; len(cl) == 1 {
		if n, err := strconv.Atoi(cl[0]); err == nil && n > 0 {
			st.body = make([]byte, 0, min(n, c.srv.maxBody()+1))
		}
	}
	st.ctx, st.cancel = context.WithCancel(c.ctx)

	c.mu.Lock()
	st.sendWindow = int64(c.peerWindow)
	c.streams[id] = st
	c.active++
	if f.StreamEnded() {
		st.recvEnded = true
		c.dispatchLocked(st)
	} else if c.stallTimer == nil {
		c.stallTimer = time.AfterFunc(c.srv.stall(), c.stallCheck)
	}
	c.mu.Unlock()
	return true
}

func (c *Conn) processData(f *http2.DataFrame) bool {
	n := int32(f.Length)
	if n > c.recvWindow {
		c.connError(http2.ErrCodeFlowControl)
		return false
	}
	c.recvWindow -= n
	c.recvUnacked += n
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.recvUnacked >= initialConnWindow/2 {
		c.wfr.WriteWindowUpdate(0, uint32(c.recvUnacked))
		c.recvWindow += c.recvUnacked
		c.recvUnacked = 0
		c.dataCond.Signal()
	}
	st := c.streams[f.StreamID]
	if st == nil || st.recvEnded || st.clientReset {
		if f.StreamID > c.maxStreamID {
			c.connErrorLocked(http2.ErrCodeProtocol)
			return false
		}
		return true // a stream already answered, reset or refused
	}
	if n > st.recvWindow {
		c.wfr.WriteRSTStream(st.id, http2.ErrCodeFlowControl)
		st.clientReset = true
		st.cancel()
		if !st.dispatched {
			c.forgetLocked(st)
		}
		c.dataCond.Signal()
		return true
	}
	st.recvWindow -= n
	if data := f.Data(); !st.over {
		keep := min(len(data), c.srv.maxBody()+1-len(st.body))
		st.body = append(st.body, data[:keep]...)
		st.over = len(st.body) > c.srv.maxBody()
	}
	if f.StreamEnded() {
		st.recvEnded = true
		c.dispatchLocked(st)
		return true
	}
	if st.over {
		c.dispatchLocked(st) // answered now; the rest is discarded, the stream reset after the answer
		return true
	}
	st.recvUnacked += n
	if st.recvUnacked >= int32(c.set.InitialWindowSize/2) {
		c.wfr.WriteWindowUpdate(st.id, uint32(st.recvUnacked))
		st.recvWindow += st.recvUnacked
		st.recvUnacked = 0
		c.dataCond.Signal()
	}
	return true
}

// canonicalKey is textproto's canonical form of a header name, cached
// for the names a client repeats on every request.
func (c *Conn) canonicalKey(name string) string {
	if k, ok := c.keyCache[name]; ok {
		return k
	}
	k := textproto.CanonicalMIMEHeaderKey(name)
	if len(c.keyCache) < 256 {
		c.keyCache[name] = k
	}
	return k
}

// stallCheck resets the streams whose request has not been completed
// within StallTimeout of its HEADERS.
func (c *Conn) stallCheck() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stallTimer = nil
	if c.dead {
		return
	}
	now := time.Now()
	var next time.Duration
	for _, st := range c.streams {
		if st.dispatched || st.clientReset {
			continue
		}
		if left := c.srv.stall() - now.Sub(st.begun); left > 0 {
			if next == 0 || left < next {
				next = left
			}
			continue
		}
		c.wfr.WriteRSTStream(st.id, http2.ErrCodeCancel)
		st.clientReset = true
		st.cancel()
		c.forgetLocked(st)
		c.dataCond.Signal()
	}
	if next > 0 {
		c.stallTimer = time.AfterFunc(next, c.stallCheck)
	}
}

// resetStream sends RST_STREAM for id and forgets the stream.
func (c *Conn) resetStream(id uint32, code http2.ErrCode) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wfr.WriteRSTStream(id, code)
	c.dataCond.Signal()
	if st := c.streams[id]; st != nil {
		st.clientReset = true
		st.cancel()
		if !st.dispatched {
			c.forgetLocked(st)
		}
	}
}

// forgetLocked removes a stream that is done.
func (c *Conn) forgetLocked(st *stream) {
	if _, ok := c.streams[st.id]; !ok {
		return
	}
	delete(c.streams, st.id)
	c.active--
	c.lastActive = time.Now()
	c.closeIfDoneLocked()
}

func (c *Conn) dispatchLocked(st *stream) {
	if st.dispatched {
		return
	}
	st.dispatched = true
	c.handlers.Add(1)
	go c.runHandler(st)
}

func (c *Conn) runHandler(st *stream) {
	defer c.handlers.Done()
	defer st.cancel()
	w := &responseWriter{st: st, header: make(http.Header, 4)}
	defer func() {
		if recover() != nil {
			w.reset(http2.ErrCodeInternal, nil)
		}
	}()

	u, err := url.ParseRequestURI(st.path)
	if err != nil {
		u = &url.URL{Path: st.path}
	}
	r := &http.Request{
		Method: st.method, URL: u, Proto: "HTTP/2.0", ProtoMajor: 2,
		Header: st.header, Body: &bodyReader{b: st.body}, ContentLength: int64(len(st.body)),
		Host: st.authority, RemoteAddr: st.c.remote, RequestURI: st.path,
	}
	r = r.WithContext(st.ctx)
	c.handler.ServeHTTP(w, r)
	w.finish(nil)
}

// bodyReader is a request body, read whole before the handler runs.
type bodyReader struct {
	b   []byte
	off int
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.off >= len(b.b) {
		return 0, errEOF
	}
	n := copy(p, b.b[b.off:])
	b.off += n
	return n, nil
}

func (b *bodyReader) Close() error { return nil }

// Bytes is the whole body (cut at MaxBodyBytes+1), without a copy.
func (b *bodyReader) Bytes() []byte { return b.b }
