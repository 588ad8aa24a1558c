package simulator

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxConnsPerClient caps the connections from one IP address, well
// below DefaultMaxConns, so that one client cannot lock out the others.
const DefaultMaxConnsPerClient = 100

// session is what the group can ask of a connection being served (the
// HTTP/2 server's Conn): whether it is answering anything, and to close
// it politely.
type session interface {
	Busy() bool
	GoAwayReason(reason string)
}

// tracked is one open connection.
type tracked struct {
	raw     net.Conn
	client  string // the remote IP address
	seq     uint64 // order of arrival
	sess    session
	evicted bool // closed to make room: no longer counted
}

// connGroup is a simulator's listeners and open connections, so that Close
// ends them all and waits for their goroutines. Server and Gateway each
// have one.
type connGroup struct {
	mu        sync.Mutex
	closed    bool
	listeners []net.Listener
	conns     map[net.Conn]*tracked
	perClient map[string]int // connections counted per client
	counted   int            // connections counted (open and not evicted)
	seq       uint64         // arrivals tracked
	wg        sync.WaitGroup // accept loops and connection goroutines
	accepted  atomic.Uint64  // connections accepted so far, across listeners
	refused   atomic.Uint64  // connections closed on arrival, over maxConns or maxPerClient
	evictions atomic.Uint64  // idle connections closed to make room for a client's new one
	// Set before serve; 0: no limit.
	maxConns, maxPerClient int
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
	trackFull   // maxConns are open, or maxPerClient from its client, none idle
)

// clientOf is the IP address a connection comes from.
func clientOf(c net.Conn) string {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return a.IP.String()
	}
	host, _, err := net.SplitHostPort(c.RemoteAddr().String())
	if err != nil {
		return c.RemoteAddr().String()
	}
	return host
}

// track registers a connection (and its goroutine) unless the group is
// closed or full. A client at maxPerClient makes room by closing its own
// oldest idle connection.
func (g *connGroup) track(c net.Conn) int {
	client := clientOf(c)
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return trackClosed
	}
	var evict *tracked
	if g.maxPerClient > 0 && g.perClient[client] >= g.maxPerClient {
		if evict = g.oldestIdleLocked(client); evict == nil {
			g.mu.Unlock()
			return trackFull
		}
		g.uncountLocked(evict)
	}
	if g.maxConns > 0 && g.counted >= g.maxConns {
		g.mu.Unlock()
		return trackFull
	}
	if g.conns == nil {
		g.conns = make(map[net.Conn]*tracked)
		g.perClient = make(map[string]int)
	}
	g.seq++
	g.conns[c] = &tracked{raw: c, client: client, seq: g.seq}
	g.perClient[client]++
	g.counted++
	g.wg.Add(1)
	g.mu.Unlock()
	if evict != nil {
		g.evictions.Add(1)
		if evict.sess != nil {
			evict.sess.GoAwayReason("IdleTimeout")
		} else {
			evict.raw.Close()
		}
	}
	return trackOK
}

// oldestIdleLocked is client's connection that arrived first among those
// answering nothing.
func (g *connGroup) oldestIdleLocked(client string) *tracked {
	var best *tracked
	for _, t := range g.conns {
		if t.client != client || t.evicted || best != nil && t.seq > best.seq {
			continue
		}
		if t.sess != nil && t.sess.Busy() {
			continue
		}
		best = t
	}
	return best
}

func (g *connGroup) uncountLocked(t *tracked) {
	if t.evicted {
		return
	}
	t.evicted = true
	g.counted--
	if g.perClient[t.client]--; g.perClient[t.client] <= 0 {
		delete(g.perClient, t.client)
	}
}

// attach tells the group which session serves raw.
func (g *connGroup) attach(raw net.Conn, s session) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t := g.conns[raw]; t != nil {
		t.sess = s
	}
}

func (g *connGroup) untrack(c net.Conn) {
	g.mu.Lock()
	if t := g.conns[c]; t != nil {
		g.uncountLocked(t)
		delete(g.conns, c)
	}
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

// goAwayAll sends every HTTP/2 connection a GOAWAY with
// {"reason":"Shutdown"}; connections not yet speaking HTTP/2 are closed.
func (g *connGroup) goAwayAll() {
	g.mu.Lock()
	var sess []session
	var raw []net.Conn
	for c, t := range g.conns {
		if t.sess != nil {
			sess = append(sess, t.sess)
		} else {
			raw = append(raw, c)
		}
	}
	g.mu.Unlock()
	for _, s := range sess {
		s.GoAwayReason("Shutdown")
	}
	for _, c := range raw {
		c.Close()
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
