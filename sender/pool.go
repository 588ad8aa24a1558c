package sender

// The client's connections as a pool: slots that each hold one
// connection (or the dial under way), replaced when the server ends one
// (GOAWAY, a drop, a PING unanswered), with back-off between failed
// reconnects and a bound on how many may fail in a row.

import (
	"apnsconsole/sender/h2"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"time"
)

// connSlot holds one of the client's connections, or the dial under way.
type connSlot struct {
	conn   *h2.Conn
	sends  int
	dial   *dialCall
	ended  error // why the last connection ended, told once the next is up
	failed int   // reconnects that failed in a row (dials, or connections that answered nothing)
}

// dialCall is one dial that every sender waiting for the slot shares: a
// failure answers all of them at once.
type dialCall struct {
	done chan struct{}
	conn *h2.Conn
	err  error
}

// DefaultIdlePing is how long a connection may be silent before the client
// checks it with an HTTP/2 PING, as Apple advises for connections kept
// open for hours; a connection that does not answer is replaced.
const DefaultIdlePing = time.Hour

// MaxReconnects is how many reconnects in a row may fail (the dial
// fails, or the new connection ends before answering anything) before a
// send stops with that cause.
const MaxReconnects = 5

// maxPoolConnections bounds the connections a bulk send opens beyond
// BulkOptions.Connections when servers grant fewer streams than asked.
const maxPoolConnections = 16

func (c *Client) idlePing() time.Duration { return cmp.Or(c.IdlePing, DefaultIdlePing) }

// connection returns the open connection of slot i, or makes one. No lock
// is held while dialling: senders that need the same slot wait for the one
// dial and share its outcome.
func (c *Client) connection(ctx context.Context, i int) (*h2.Conn, error) {
	c.mu.Lock()
	for len(c.slots) <= i {
		c.slots = append(c.slots, &connSlot{})
	}
	s := c.slots[i]
	if conn := s.conn; conn != nil && conn.Usable() {
		s.sends++
		sends := s.sends
		c.mu.Unlock()
		if conn.CheckIdle(ctx, c.idlePing()) != nil {
			c.OnEvent.Emit(Event{Kind: EventInfo, Text: fmt.Sprintf("The connection to %s did not answer a PING after %s of silence; opening a new one", c.Addr(), FormatDuration(c.idlePing()))})
			conn.Fail(fmt.Errorf("%w: %s did not answer a PING", ErrConnect, c.Addr()))
			return c.connection(ctx, i)
		}
		if sends > 1 && c.OnEvent != nil {
			c.OnEvent.Emit(Event{Kind: EventInfo, Text: fmt.Sprintf("Reusing the connection to %s (send %d on it, no new handshake)", c.Addr(), sends)})
		}
		return conn, nil
	}
	if old := s.conn; old != nil {
		// Draining after a GOAWAY, or dead: kept to be closed by Close,
		// forgotten once finished.
		s.ended = c.endedBy(old)
		if old.Answered() == 0 {
			s.failed++ // a connection that answered nothing
		} else {
			s.failed = 0
		}
		c.old = slices.DeleteFunc(c.old, (*h2.Conn).IsFinished)
		c.old = append(c.old, old)
		s.conn = nil
	}
	call := s.dial
	if call == nil {
		call = &dialCall{done: make(chan struct{})}
		s.dial = call
		ended, failed := s.ended, s.failed
		c.mu.Unlock()
		call.conn, failed, call.err = c.redial(ctx, ended, failed)
		c.mu.Lock()
		s.failed = failed
		if call.err == nil {
			s.conn, s.sends, s.ended = call.conn, 1, nil
			c.handshakes++
		}
		s.dial = nil
		close(call.done)
		c.mu.Unlock()
		return call.conn, call.err
	}
	c.mu.Unlock()
	select {
	case <-call.done:
		if call.err != nil {
			return nil, call.err
		}
		return c.connection(ctx, i)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// endedBy is what ended conn: its GOAWAY, the failure that ended it, or
// the 503 Shutdown that drained it.
func (c *Client) endedBy(conn *h2.Conn) error {
	if ga := goAwayOf(conn); ga != nil {
		return ga
	}
	if err := conn.Finished(); err != nil {
		return err
	}
	return fmt.Errorf("%w: %s answered 503 Shutdown", ErrConnect, c.Addr())
}

// endedText says why a connection ended, for the line told once the next
// one is up: "APNs closed the connection: IdleTimeout".
func (c *Client) endedText(err error) string {
	var ga *GoAwayError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &ga) && ga.Reason != "":
		return "APNs closed the connection: " + Printable(ga.Reason)
	case ga != nil:
		return fmt.Sprintf("%s closed the connection (GOAWAY %s)", c.Addr(), ga.Code)
	}
	return fmt.Sprintf("The connection to %s ended (%s)", c.Addr(), trimConnect(err))
}

func trimConnect(err error) string {
	s := err.Error()
	if p := ErrConnect.Error() + ": "; len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

// ReconnectBase is the first wait before a reconnect after one failed;
// each further one doubles it (with jitter), up to RetryCap. With
// MaxReconnects, a server has several seconds to come back (a restart).
var ReconnectBase = 500 * time.Millisecond

// redial opens a connection for a slot whose last one ended (ended; nil
// for the first), after failed reconnects in a row on it. A first
// connection that fails fails at once (the host, the network or the
// credential is wrong). A reconnect waits with exponential back-off while
// reconnects fail in a row (the dial fails, or the new connection ends
// before answering anything), and gives up after MaxReconnects of them,
// with the last cause. It returns the count of failures in a row.
func (c *Client) redial(ctx context.Context, ended error, failed int) (*h2.Conn, int, error) {
	last := c.endedText(ended)
	for {
		if failed >= MaxReconnects {
			return nil, failed, fmt.Errorf("%w: %d reconnects to %s in a row failed (the last: %s): try again later%w", ErrConnect, failed, c.Addr(), cmp.Or(last, "no answer"), quiet{ended})
		}
		if failed > 0 && ended != nil {
			d := reconnectDelay(failed)
			c.OnEvent.Emit(Event{Kind: EventWarning, Text: fmt.Sprintf("%s; reconnecting in %s (%d in a row failed)", last, FormatDuration(d), failed)})
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return nil, failed, fmt.Errorf("not sent: %w", cancelCause(ctx))
			}
		}
		conn, err := c.dial(ctx)
		if err == nil {
			if ended != nil {
				c.OnEvent.Emit(Event{Kind: EventInfo, Text: c.endedText(ended) + "; reconnected"})
			}
			return conn, failed, nil
		}
		if ctx.Err() != nil || ended == nil || errors.Is(err, errHandshake) {
			return nil, failed, err
		}
		failed++
		last = trimConnect(err)
	}
}

// reconnectDelay is the wait before reconnect number try.
func reconnectDelay(try int) time.Duration {
	d := min(ReconnectBase<<min(try-1, 16), RetryCap)
	return d/2 + rand.N(d/2+1)
}

// slotPicker spreads a bulk send's senders over the pool's slots: there
// are BulkOptions.Connections slots at first, and more (up to a bound)
// while a server grants fewer streams on a connection than the senders
// that share it.
type slotPicker struct {
	workers int // senders in all
	limit   int // most slots
	n       atomic.Int32
}

func newSlotPicker(workers, conns int) *slotPicker {
	p := &slotPicker{workers: workers, limit: max(conns, min(maxPoolConnections, workers))}
	p.n.Store(int32(conns))
	return p
}

// slot is sender w's slot now.
func (p *slotPicker) slot(w int) int { return w % int(p.n.Load()) }

// check grows the pool by one when conn, having answered at least once
// (APNs allows one stream until a valid provider token, then more),
// grants fewer streams than the senders of a slot.
func (p *slotPicker) check(conn *h2.Conn) {
	n := p.n.Load()
	if int(n) >= p.limit || conn.Answered() == 0 {
		return
	}
	if share := (p.workers + int(n) - 1) / int(n); conn.StreamLimit() < share {
		p.n.CompareAndSwap(n, n+1)
	}
}
