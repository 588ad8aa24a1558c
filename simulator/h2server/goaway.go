package h2server

import (
	"time"

	"golang.org/x/net/http2"
)

// idleCheck closes the connection with a GOAWAY when it has been idle
// for IdleTimeout, or looks again later.
func (c *Conn) idleCheck() {
	c.mu.Lock()
	if c.dead || c.closing || c.goingAway {
		c.mu.Unlock()
		return
	}
	idle := time.Since(c.lastActive)
	if c.active > 0 || idle < c.srv.IdleTimeout {
		c.idleTimer.Reset(max(c.srv.IdleTimeout-idle, time.Millisecond))
		if c.active > 0 {
			c.idleTimer.Reset(c.srv.IdleTimeout)
		}
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	c.GoAway(http2.ErrCodeNo, c.srv.IdleDebug)
}

// GoAway closes the connection gracefully: a GOAWAY whose last-stream-id
// is the highest stream the client opened, the answers of every stream
// open (within CloseGrace), then the close. Calling it again does nothing.
func (c *Conn) GoAway(code http2.ErrCode, debug []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.goingAway || c.dead {
		return
	}
	c.goAwayLocked(c.maxStreamID, code, debug)
}

// GoAwayBefore closes the connection at stream id, which is not to be
// processed: the GOAWAY's last-stream-id is the highest of the streams
// opened before it and the streams whose answers began; those are
// answered, the later ones not (their handlers' Finish reports false).
// It reports whether id itself is covered, and so must still be
// answered (a later stream was answered first). After an earlier GOAWAY
// it reports whether id is covered by it.
func (c *Conn) GoAwayBefore(id uint32, code http2.ErrCode, debug []byte) (answer bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.goingAway || c.dead {
		return id <= c.lastStreamID && !c.dead
	}
	last := c.committed
	if id > 2 {
		last = max(last, id-2)
	}
	c.goAwayLocked(last, code, debug)
	return id <= last
}

func (c *Conn) goAwayLocked(last uint32, code http2.ErrCode, debug []byte) {
	c.goingAway, c.lastStreamID = true, last
	c.wfr.WriteGoAway(last, code, debug)
	c.dataCond.Signal()
	for id, st := range c.streams {
		if id > last {
			st.cancel()
		}
	}
	c.graceTimer = time.AfterFunc(c.srv.grace(), func() {
		c.mu.Lock()
		c.startCloseLocked()
		c.mu.Unlock()
	})
	c.closeIfDoneLocked()
}

// closeIfDoneLocked starts the close once a GOAWAY was sent and every
// stream it covers is answered.
func (c *Conn) closeIfDoneLocked() {
	if !c.goingAway || c.closing {
		return
	}
	for id, st := range c.streams {
		if id <= c.lastStreamID && !st.clientReset {
			return
		}
	}
	c.startCloseLocked()
}

// Drop closes the connection without a GOAWAY, as a server that crashed
// or a network that failed: answers already queued are written, later
// ones not (their handlers' Finish reports ErrLost), then the TCP
// connection is closed. Requests that arrive meanwhile are still read
// and handed to the handler, whose answers are refused likewise.
func (c *Conn) Drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropping = true
	for _, st := range c.streams {
		st.cancel()
	}
	c.startCloseLocked()
}

// Close closes the connection at once.
func (c *Conn) Close() {
	c.mu.Lock()
	c.dead = true
	c.dataCond.Broadcast()
	c.doneCond.Broadcast()
	c.mu.Unlock()
	c.nc.Close()
}

// startCloseLocked makes the writer write what is queued and close.
func (c *Conn) startCloseLocked() {
	if c.closing {
		return
	}
	c.closing = true
	c.dataCond.Signal()
	c.doneCond.Broadcast()
}
