package h2server

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

var errEOF = io.EOF

// maxResponseBody bounds what a handler may write.
const maxResponseBody = 1 << 20

var errResponseTooLarge = errors.New("h2server: response body over 1 MiB")

// Why Finish and Reset could not write an answer.
var (
	// ErrNotProcessed: the stream lies beyond the connection's GOAWAY,
	// which told the client it was not processed (it may send it again).
	ErrNotProcessed = errors.New("h2server: stream beyond the GOAWAY's last-stream-id")
	// ErrLost: the connection closed or was dropped, or the client reset
	// the stream, before the answer was written.
	ErrLost = errors.New("h2server: the answer could not be written")
)

// responseWriter collects a handler's answer; finish writes it in one go.
type responseWriter struct {
	st     *stream
	header http.Header
	status int
	body   []byte
	done   bool
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.done {
		return 0, http.ErrHandlerTimeout
	}
	if len(w.body)+len(p) > maxResponseBody {
		return 0, errResponseTooLarge
	}
	w.body = append(w.body, p...)
	return len(p), nil
}

var errNotOurs = errors.New("h2server: not a ResponseWriter of h2server")

// Finish writes the handler's answer (status, headers and body as set so
// far) and waits until the connection has written it to the client. It
// returns nil when it was, ErrNotProcessed when the stream lies beyond
// the connection's GOAWAY, ErrLost when the stream was reset or the
// connection closed or dropped first. Later writes are refused. w must
// be the ResponseWriter the Conn gave the handler.
func Finish(w http.ResponseWriter) error {
	done := make(chan error, 1)
	FinishFunc(w, func(err error) { done <- err })
	return <-done
}

// FinishFunc is Finish without the wait: it queues the answer and
// returns; fn is called once with what Finish would return, on the
// connection's writer goroutine as soon as that is known (in the order
// the answers were written, so it must not block).
func FinishFunc(w http.ResponseWriter, fn func(error)) {
	rw, ok := w.(*responseWriter)
	if !ok {
		fn(errNotOurs)
		return
	}
	rw.finish(fn)
}

// Reset ends the stream with RST_STREAM(code) instead of an answer and
// waits until that is written; it returns what Finish would.
func Reset(w http.ResponseWriter, code http2.ErrCode) error {
	rw, ok := w.(*responseWriter)
	if !ok {
		return errNotOurs
	}
	done := make(chan error, 1)
	rw.reset(code, func(err error) { done <- err })
	return <-done
}

// StreamID is the HTTP/2 stream of the request w answers (0 for a
// ResponseWriter not from a Conn).
func StreamID(w http.ResponseWriter) uint32 {
	if rw, ok := w.(*responseWriter); ok {
		return rw.st.id
	}
	return 0
}

// ConnOf is the connection of the request w answers.
func ConnOf(w http.ResponseWriter) *Conn {
	if rw, ok := w.(*responseWriter); ok {
		return rw.st.c
	}
	return nil
}

// mayAnswerLocked is why an answer to st may no longer go out (nil: it
// may).
func (c *Conn) mayAnswerLocked(st *stream) error {
	switch {
	case c.goingAway && st.id > c.lastStreamID:
		return ErrNotProcessed
	case st.clientReset || st.answered || c.dead || c.dropping || c.writerGone || c.closing && !c.goingAway:
		return ErrLost
	}
	return nil
}

// doneLocked arranges for fn to learn the fate of the bytes queued so far:
// nil once written, ErrLost if the connection fails first. Without fn it
// does nothing. It unlocks mu.
func (c *Conn) doneLocked(fn func(error), err error) {
	if fn == nil {
		c.mu.Unlock()
		return
	}
	if err != nil {
		c.mu.Unlock()
		fn(err)
		return
	}
	c.callbacks = append(c.callbacks, callback{end: c.out.total, fn: fn})
	c.mu.Unlock()
}

func (w *responseWriter) reset(code http2.ErrCode, fn func(error)) {
	if w.done {
		if fn != nil {
			fn(ErrLost)
		}
		return
	}
	w.done = true
	st, c := w.st, w.st.c
	c.mu.Lock()
	if err := c.mayAnswerLocked(st); err != nil {
		c.forgetLocked(st)
		c.doneLocked(fn, err)
		return
	}
	st.answered = true
	c.wfr.WriteRSTStream(st.id, code)
	c.dataCond.Signal()
	c.forgetLocked(st)
	c.doneLocked(fn, nil)
}

func (w *responseWriter) finish(fn func(error)) {
	if w.done {
		if fn != nil {
			fn(ErrLost)
		}
		return
	}
	w.done = true
	st, c := w.st, w.st.c
	if w.status == 0 {
		w.status = http.StatusOK
	}
	c.mu.Lock()
	if err := c.mayAnswerLocked(st); err != nil {
		c.forgetLocked(st)
		c.doneLocked(fn, err)
		return
	}
	st.answered = true
	c.committed = max(c.committed, st.id)
	c.hbuf.Reset()
	c.henc.WriteField(hpackField(":status", statusText(w.status)))
	for k, vv := range w.header {
		if len(vv) == 0 || k == "Connection" || k == "Transfer-Encoding" || k == "Keep-Alive" {
			continue
		}
		name := c.lowerLocked(k)
		for _, v := range vv {
			c.henc.WriteField(hpackField(name, v))
		}
	}
	c.writeHeaderBlockLocked(st.id, len(w.body) == 0, c.hbuf.Bytes())
	body := w.body
	var err error
	for len(body) > 0 {
		n := int64(len(body))
		n = min(n, c.sendWindow, st.sendWindow, int64(c.peerMaxFrame))
		if n <= 0 {
			if !c.waitWindowLocked(st) {
				err = ErrLost
				break
			}
			continue
		}
		c.wfr.WriteData(st.id, n == int64(len(body)), body[:n])
		c.sendWindow -= n
		st.sendWindow -= n
		body = body[n:]
	}
	if err == nil && st.over && !st.recvEnded {
		c.wfr.WriteRSTStream(st.id, http2.ErrCodeNo) // the rest of the body is not wanted
	}
	c.dataCond.Signal()
	c.forgetLocked(st)
	c.doneLocked(fn, err)
}

// waitWindowLocked waits for flow-control window for st, up to
// StallTimeout; false when none came (the stream is then reset).
func (c *Conn) waitWindowLocked(st *stream) bool {
	deadline := time.Now().Add(c.srv.stall())
	t := time.AfterFunc(c.srv.stall(), func() {
		c.mu.Lock()
		c.doneCond.Broadcast()
		c.mu.Unlock()
	})
	defer t.Stop()
	c.dataCond.Signal() // what is queued goes out: the client answers it with WINDOW_UPDATE
	for c.sendWindow <= 0 || st.sendWindow <= 0 {
		if c.dead || st.clientReset || !time.Now().Before(deadline) {
			if !c.dead && !st.clientReset {
				c.wfr.WriteRSTStream(st.id, http2.ErrCodeFlowControl)
			}
			return false
		}
		c.doneCond.Wait()
	}
	return true
}

// writeHeaderBlockLocked writes a header block as HEADERS and, past the
// client's frame size, CONTINUATION frames.
func (c *Conn) writeHeaderBlockLocked(id uint32, endStream bool, block []byte) {
	max := int(c.peerMaxFrame)
	first := block
	if len(first) > max {
		first = block[:max]
	}
	c.wfr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: first, EndStream: endStream, EndHeaders: len(first) == len(block)})
	for rest := block[len(first):]; len(rest) > 0; {
		n := min(len(rest), max)
		c.wfr.WriteContinuation(id, n == len(rest), rest[:n])
		rest = rest[n:]
	}
}

// lowerLocked is a header name as HTTP/2 writes it (lowercase), cached.
func (c *Conn) lowerLocked(k string) string {
	if l, ok := c.lowerCache[k]; ok {
		return l
	}
	l := strings.ToLower(k)
	if len(c.lowerCache) < 256 {
		c.lowerCache[k] = l
	}
	return l
}

func hpackField(name, value string) hpack.HeaderField {
	return hpack.HeaderField{Name: name, Value: value}
}

var statusTexts = func() map[int]string {
	m := make(map[int]string)
	for i := 100; i < 600; i++ {
		m[i] = strconv.Itoa(i)
	}
	return m
}()

func statusText(code int) string {
	if s, ok := statusTexts[code]; ok {
		return s
	}
	return strconv.Itoa(code)
}
