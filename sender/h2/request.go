package h2

// One request on a Conn: its headers (HPACK-encoded, with the block
// around :path reused from request to request), a stream slot within the
// server's limit, and the answer matched to it by stream id.

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// Request is what a request puts on the wire: a notification's POST,
// or a channel-management GET, POST or DELETE.
type Request struct {
	Method  string // "" = POST
	Path    string
	Header  [][2]string // lowercase names
	Auth    string      // "bearer …" or ""
	Body    []byte
	MaxBody int // the longest answer body taken; 0 = DefaultMaxBody
}

// DefaultMaxBody bounds an answer's body: APNs answers with a reason of a
// few dozen bytes.
const DefaultMaxBody = 64 << 10

// Answer is the server's answer to one request: its status, the
// headers APNs sends (apns-request-id and apns-channel-id from channel
// management) and its body.
type Answer struct {
	Status     int
	ApnsID     string
	UniqueID   string
	RetryAfter string
	RequestID  string
	ChannelID  string
	Body       []byte
}

// RoundTrip sends req and waits for the answer. written reports whether
// the request left (so a failure leaves its fate unknown); an error that
// is ErrNotProcessed means the server did not process it.
func (c *Conn) RoundTrip(ctx context.Context, req *Request, timeout time.Duration) (ans *Answer, written bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	// A timer rather than a context per request: no registration with the
	// bulk send's context, which every request shares.
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	// Wait for a stream slot.
	c.mu.Lock()
	for c.err == nil && c.goAway == nil && c.active >= c.maxStreams {
		ch := c.changed
		c.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		case <-timer.C:
			return nil, false, ErrAnswerTimeout
		}
		c.mu.Lock()
	}
	if c.err != nil || c.goAway != nil {
		c.mu.Unlock()
		return nil, false, ErrNotProcessed
	}
	c.active++
	c.lastUse = time.Now()
	st := &stream{window: c.initWindow, done: make(chan struct{}), maxBody: req.MaxBody}
	if st.maxBody <= 0 {
		st.maxBody = DefaultMaxBody
	}
	c.mu.Unlock()

	// HEADERS: the stream id is taken under the writer lock, so ids reach
	// the wire in order.
	c.wmu.Lock()
	c.mu.Lock()
	if c.err != nil || c.goAway != nil {
		c.active--
		c.broadcastLocked()
		c.mu.Unlock()
		c.wmu.Unlock()
		return nil, false, ErrNotProcessed
	}
	st.id = c.nextID
	c.nextID += 2
	c.streams[st.id] = st
	c.mu.Unlock()
	c.encodeHeaders(req)
	err = c.writeHeaderBlock(st.id, c.hbuf.Bytes(), len(req.Body) == 0)
	c.wmu.Unlock()
	if err != nil {
		c.writeFailed(err)
		<-st.done
		return nil, false, ErrNotProcessed
	}
	select {
	case c.flush <- struct{}{}:
	default:
	}

	// DATA, as the windows allow.
	body := req.Body
	for len(body) > 0 {
		c.mu.Lock()
		for c.err == nil && (c.connWindow <= 0 || st.window <= 0) {
			ch := c.changed
			c.mu.Unlock()
			select {
			case <-ch:
			case <-st.done:
				return c.finish(st)
			case <-ctx.Done():
				c.cancel(st)
				return nil, true, ctx.Err()
			case <-timer.C:
				c.cancel(st)
				return nil, true, ErrAnswerTimeout
			}
			c.mu.Lock()
		}
		if c.err != nil {
			c.mu.Unlock()
			return c.finish(st)
		}
		n := int32(min(len(body), c.maxFrame))
		n = min(n, c.connWindow, st.window)
		c.connWindow -= n
		st.window -= n
		c.mu.Unlock()
		chunk := body[:n]
		body = body[n:]
		last := len(body) == 0
		if c.write(func() error { return c.fr.WriteData(st.id, last, chunk) }) != nil {
			return c.finish(st)
		}
	}
	select {
	case <-st.done:
		return c.finish(st)
	case <-ctx.Done():
		c.cancel(st)
		return nil, true, ctx.Err()
	case <-timer.C:
		c.cancel(st)
		return nil, true, ErrAnswerTimeout
	}
}

// ErrAnswerTimeout ends a request that got no answer in its time.
var ErrAnswerTimeout = errors.New("no answer in time")

// encodeHeaders puts req's header block in hbuf (under wmu). Requests of a
// bulk send differ only in :path, which is never indexed, so once every
// other field is found in the dynamic table the bytes for them stay the
// same until another field is added: they are kept and copied, not
// encoded again.
func (c *Conn) encodeHeaders(req *Request) {
	c.hbuf.Reset()
	path := hpack.HeaderField{Name: ":path", Value: req.Path, Sensitive: true}
	if hc := c.hcache; hc != nil && hc.matches(req) {
		c.hbuf.Write(hc.prefix)
		c.henc.WriteField(path)
		c.hbuf.Write(hc.suffix)
		return
	}
	indexed := true
	field := func(name, value string, sensitive bool) {
		at := c.hbuf.Len()
		c.henc.WriteField(hpack.HeaderField{Name: name, Value: value, Sensitive: sensitive})
		// An indexed field starts with bit 1; a literal (which may add to
		// the table) or a table size update does not.
		indexed = indexed && c.hbuf.Bytes()[at]&0x80 != 0
	}
	field(":method", cmp.Or(req.Method, "POST"), false)
	field(":scheme", "https", false)
	field(":authority", c.addr, false)
	prefixEnd := c.hbuf.Len()
	c.henc.WriteField(path)
	suffixStart := c.hbuf.Len()
	if req.Auth != "" {
		field("authorization", req.Auth, false)
	}
	for _, h := range req.Header {
		field(h[0], h[1], h[0] == "apns-id")
	}
	if len(req.Body) > 0 || req.Method == "" || req.Method == "POST" {
		field("content-length", strconv.Itoa(len(req.Body)), false)
	}
	c.hcache = nil
	if indexed {
		b := c.hbuf.Bytes()
		c.hcache = &headerCache{
			method:  req.Method,
			auth:    req.Auth,
			header:  slices.Clone(req.Header),
			bodyLen: len(req.Body),
			prefix:  slices.Clone(b[:prefixEnd]),
			suffix:  slices.Clone(b[suffixStart:]),
		}
	}
}

// headerCache is the encoded header block around :path for one set of
// header fields, valid while the HPACK table does not change.
type headerCache struct {
	method  string
	auth    string
	header  [][2]string
	bodyLen int
	prefix  []byte // :method, :scheme, :authority
	suffix  []byte // authorization, other fields, content-length
}

func (h *headerCache) matches(req *Request) bool {
	return h.method == req.Method && h.auth == req.Auth && h.bodyLen == len(req.Body) && slices.Equal(h.header, req.Header)
}

func (c *Conn) writeHeaderBlock(id uint32, block []byte, endStream bool) error {
	first := true
	for len(block) > 0 || first {
		n := min(len(block), c.maxFrame)
		frag := block[:n]
		block = block[n:]
		var err error
		if first {
			err = c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: frag, EndStream: endStream, EndHeaders: len(block) == 0})
			first = false
		} else {
			err = c.fr.WriteContinuation(id, len(block) == 0, frag)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// cancel gives up on st: the server is told with RST_STREAM(CANCEL).
func (c *Conn) cancel(st *stream) {
	c.mu.Lock()
	_, open := c.streams[st.id]
	if open {
		delete(c.streams, st.id)
		c.active--
		c.broadcastLocked()
	}
	c.mu.Unlock()
	if open {
		c.write(func() error { return c.fr.WriteRSTStream(st.id, http2.ErrCodeCancel) })
	}
}

func (c *Conn) finish(st *stream) (*Answer, bool, error) {
	<-st.done
	if st.err != nil {
		return nil, true, st.err
	}
	return &st.ans, true, nil
}
