package simulator

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// connGroup is a simulator's listeners and open connections, so that Close
// ends them all and waits for their goroutines. Server and Gateway each
// have one.
type connGroup struct {
	mu        sync.Mutex
	closed    bool
	listeners []net.Listener
	conns     map[net.Conn]struct{}
	wg        sync.WaitGroup // accept loops and connection goroutines
	accepted  atomic.Uint64  // connections accepted so far, across listeners
	refused   atomic.Uint64  // connections closed on arrival, over maxConns
	maxConns  int            // 0: no limit; set before serve
}

// serve accepts connections on ln in the background until ln closes. Each
// runs handle(conn, number) on its own goroutine, numbered from 1 in the
// order accepted, and is forgotten when handle returns.
func (g *connGroup) serve(ln net.Listener, handle func(net.Conn, uint64)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		ln.Close()
		return
	}
	g.listeners = append(g.listeners, ln)
	g.wg.Add(1)
	go g.acceptLoop(ln, handle)
}

func (g *connGroup) acceptLoop(ln net.Listener, handle func(net.Conn, uint64)) {
	defer g.wg.Done()
	for {
		raw, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond) // e.g. out of file descriptors: try again
			continue
		}
		switch g.track(raw) {
		case trackClosed:
			raw.Close()
			return
		case trackFull:
			g.refused.Add(1)
			raw.Close()
			continue
		}
		n := g.accepted.Add(1)
		go func() {
			defer g.untrack(raw)
			handle(raw, n)
		}()
	}
}

// What track did with a connection.
const (
	trackOK     = iota
	trackClosed // the group is closed
	trackFull   // maxConns are open
)

// track registers a connection (and its goroutine) unless the group is
// closed or full.
func (g *connGroup) track(c net.Conn) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return trackClosed
	}
	if g.maxConns > 0 && len(g.conns) >= g.maxConns {
		return trackFull
	}
	if g.conns == nil {
		g.conns = make(map[net.Conn]struct{})
	}
	g.conns[c] = struct{}{}
	g.wg.Add(1)
	return trackOK
}

func (g *connGroup) untrack(c net.Conn) {
	g.mu.Lock()
	delete(g.conns, c)
	g.mu.Unlock()
	g.wg.Done()
}

// open is the number of connections still open.
func (g *connGroup) open() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.conns)
}

func (g *connGroup) isClosed() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.closed
}

// stopListening closes the listeners; open connections go on.
func (g *connGroup) stopListening() {
	g.mu.Lock()
	lns := g.listeners
	g.mu.Unlock()
	for _, ln := range lns {
		ln.Close()
	}
}

// drain waits until every connection has closed, or ctx's done channel
// closes; it reports whether they all closed.
func (g *connGroup) drain(done <-chan struct{}) bool {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for g.open() > 0 {
		select {
		case <-done:
			return false
		case <-tick.C:
		}
	}
	return true
}

// close closes the listeners and every connection and waits for their
// goroutines. Calling it again does nothing.
func (g *connGroup) close() {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return
	}
	g.closed = true
	lns := g.listeners
	conns := make([]net.Conn, 0, len(g.conns))
	for c := range g.conns {
		conns = append(conns, c)
	}
	g.mu.Unlock()
	for _, ln := range lns {
		ln.Close()
	}
	for _, c := range conns {
		c.Close()
	}
	g.wg.Wait()
}
