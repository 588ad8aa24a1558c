package h2

// The Conn's reader: one goroutine that reads every frame the server
// sends and hands each answer to its stream. A GOAWAY ends at once the
// streams above its last stream id (not processed: safe to send again);
// those at or below it keep waiting for the answers the server still
// owes.

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"

	"golang.org/x/net/http2"
)

func (c *Conn) readLoop() {
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
				err = ErrNotProcessed
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

func (c *Conn) onGoAway2(f *http2.GoAwayFrame) {
	c.mu.Lock()
	first := c.goAway == nil
	c.mu.Unlock()
	var ga error
	if first {
		if c.onGoAway != nil {
			ga = c.onGoAway(f.ErrCode, f.DebugData())
		}
		if ga == nil {
			ga = fmt.Errorf("%w: %s closed the connection (GOAWAY %s)", ErrConnect, c.addr, f.ErrCode)
		}
	}
	c.mu.Lock()
	if first {
		c.goAway = ga
		c.lastStream = f.LastStreamID
	}
	var refused []*stream
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
		st.err = ErrNotProcessed
		close(st.done)
	}
}

func (c *Conn) onHeaders(f *http2.MetaHeadersFrame) {
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
			if a.Status == 0 {
				a.Status, _ = strconv.Atoi(hf.Value)
			}
		case "apns-id":
			a.ApnsID = hf.Value
		case "apns-unique-id":
			a.UniqueID = hf.Value
		case "retry-after":
			a.RetryAfter = hf.Value
		case "apns-request-id":
			a.RequestID = hf.Value
		case "apns-channel-id":
			a.ChannelID = hf.Value
		}
	}
	if f.StreamEnded() {
		c.endStream(f.StreamID, nil)
	}
}

func (c *Conn) onData(f *http2.DataFrame) {
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
	if len(st.ans.Body)+len(f.Data()) > st.maxBody {
		// Not cut short in silence: a truncated body would read as another
		// answer. The stream ends with an error and the server is told.
		c.endStream(f.StreamID, fmt.Errorf("%w: %s sent an answer larger than %d bytes", ErrConnect, c.addr, st.maxBody))
		c.write(func() error { return c.fr.WriteRSTStream(f.StreamID, http2.ErrCodeCancel) })
		return
	}
	st.ans.Body = append(st.ans.Body, f.Data()...)
	if n > 0 && !f.StreamEnded() {
		c.write(func() error { return c.fr.WriteWindowUpdate(f.StreamID, uint32(n)) })
	}
	if f.StreamEnded() {
		c.endStream(f.StreamID, nil)
	}
}

// endStream finishes the stream id, if still open, with err, or with its
// answer when err is nil.
func (c *Conn) endStream(id uint32, err error) {
	c.mu.Lock()
	st, ok := c.streams[id]
	if ok {
		delete(c.streams, id)
		c.active--
		c.broadcastLocked()
	}
	c.mu.Unlock()
	if st != nil {
		if err == nil {
			c.answers.Add(1)
		}
		st.err = err
		close(st.done)
	}
}

// Answered counts the requests the server answered on this connection.
func (c *Conn) Answered() int64 { return c.answers.Load() }

// StreamLimit is the server's SETTINGS_MAX_CONCURRENT_STREAMS now.
func (c *Conn) StreamLimit() int { return int(c.limit.Load()) }
