package h2server

import (
	"net"
	"time"
)

// writeLoop writes what the connection queues, in batches, until it
// closes, and tells the answers waiting for their bytes.
func (c *Conn) writeLoop() {
	defer close(c.writerDone)
	var ready []callback
	for {
		c.mu.Lock()
		for len(c.out.b) == 0 && !c.closing && !c.dead {
			c.dataCond.Wait()
		}
		if c.dead || len(c.out.b) == 0 { // closed, or closing with everything written
			hangUp := !c.dead
			drop := c.dropping
			c.writerGone = true
			lost := c.callbacks
			c.callbacks = nil
			c.mu.Unlock()
			for _, cb := range lost {
				cb.fn(ErrLost)
			}
			if hangUp {
				c.hangUp(drop)
			}
			return
		}
		buf := c.out.b
		c.out.b = c.spare[:0]
		c.mu.Unlock()

		c.nc.SetWriteDeadline(time.Now().Add(c.srv.stall()))
		_, err := c.nc.Write(buf)

		c.mu.Lock()
		if cap(buf) <= 256<<10 {
			c.spare = buf[:0]
		} else {
			c.spare = nil
		}
		if err != nil {
			c.dead = true
			c.doneCond.Broadcast()
			c.mu.Unlock()
			c.nc.Close()
			continue // tells the callbacks they are lost, then returns
		}
		c.written += int64(len(buf))
		n := 0
		for n < len(c.callbacks) && c.callbacks[n].end <= c.written {
			n++
		}
		ready = append(ready[:0], c.callbacks[:n]...)
		c.callbacks = append(c.callbacks[:0], c.callbacks[n:]...)
		c.mu.Unlock()
		for i, cb := range ready {
			cb.fn(nil)
			ready[i] = callback{}
		}
	}
}

// closeWriter is a connection that can end its sending side.
type closeWriter interface{ CloseWrite() error }

// netConner is a TLS connection's access to the one below it.
type netConner interface{ NetConn() net.Conn }

// hangUp ends a connection whose last bytes are written: after a GOAWAY,
// TLS's close_notify then TCP's FIN; for Drop, only the FIN (no
// close_notify: the connection simply ends). Then it gives the client a
// second to close its side, so that unread bytes don't turn the close
// into a reset that could destroy what was written.
func (c *Conn) hangUp(drop bool) {
	if !drop {
		if cw, ok := c.nc.(closeWriter); ok {
			cw.CloseWrite()
		}
	}
	if nc, ok := c.nc.(netConner); ok {
		for raw := nc.NetConn(); raw != nil; {
			if cw, ok := raw.(closeWriter); ok {
				cw.CloseWrite()
				break
			}
			inner, ok := raw.(netConner)
			if !ok {
				break
			}
			raw = inner.NetConn()
		}
	}
	time.AfterFunc(time.Second, func() { c.nc.Close() })
}
