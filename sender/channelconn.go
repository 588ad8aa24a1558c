package sender

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"sync"

	"golang.org/x/net/http2"
)

// The channel client's connections: x/net's HTTP/2 transport, with a
// watcher that reads the GOAWAY debug data the transport keeps to itself.
// (The device client has its own lean connection, h2conn.)

// clientConn is one connection of the channel client.
type clientConn struct {
	cc      *http2.ClientConn
	watcher *goAwayWatcher
	sends   int
}

// errRetryOnNewConn marks a request the server never took (closed by a
// GOAWAY without a reason): it is safe to send again on a new connection.
var errRetryOnNewConn = errors.New("server closed the connection before taking the request")

// goAwayWatcher sits between the HTTP/2 transport and its connection and
// reads a copy of everything the server sends with http2.Framer, to catch
// the GOAWAY frame whose debug data x/net's transport keeps to itself.
type goAwayWatcher struct {
	net.Conn
	pw *io.PipeWriter // nil once the copy stopped

	mu     sync.Mutex
	goAway *GoAwayError
	seen   chan struct{} // closed when a GOAWAY arrives
	done   chan struct{} // closed when the watcher stops reading
	onSeen func(*GoAwayError)
}

func watchGoAway(conn net.Conn, host string, onSeen func(*GoAwayError)) *goAwayWatcher {
	pr, pw := io.Pipe()
	w := &goAwayWatcher{Conn: conn, pw: pw, seen: make(chan struct{}), done: make(chan struct{}), onSeen: onSeen}
	go w.run(pr, host)
	return w
}

func (w *goAwayWatcher) run(pr *io.PipeReader, host string) {
	defer close(w.done)
	fr := http2.NewFramer(io.Discard, pr)
	fr.SetMaxReadFrameSize(1 << 24)
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			// Stop copying; the transport reads on undisturbed.
			pr.CloseWithError(err)
			return
		}
		if ga, ok := f.(*http2.GoAwayFrame); ok {
			e := &GoAwayError{Host: host, Code: ga.ErrCode, Debug: string(ga.DebugData())}
			var body struct {
				Reason string `json:"reason"`
			}
			if json.Unmarshal(ga.DebugData(), &body) == nil {
				e.Reason = body.Reason
			}
			w.mu.Lock()
			first := w.goAway == nil
			if first {
				w.goAway = e
				close(w.seen)
			}
			w.mu.Unlock()
			if first && w.onSeen != nil {
				w.onSeen(e)
			}
		}
	}
}

// Read passes the server's bytes to the transport and a copy to the framer.
func (w *goAwayWatcher) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	if w.pw != nil {
		if n > 0 {
			if _, werr := w.pw.Write(p[:n]); werr != nil {
				w.pw = nil
			}
		}
		if err != nil && w.pw != nil {
			w.pw.CloseWithError(err)
			w.pw = nil
		}
	}
	return n, err
}

// GoAway is the GOAWAY seen so far, or nil.
func (w *goAwayWatcher) GoAway() *GoAwayError {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.goAway
}

// awaitGoAway waits until a GOAWAY is seen or the connection ends (or
// limit passes) and returns it: after a failed request, this tells a
// GOAWAY apart from other failures.
func (w *goAwayWatcher) awaitGoAway(limit <-chan struct{}) *GoAwayError {
	select {
	case <-w.seen:
	case <-w.done:
	case <-limit:
	}
	return w.GoAway()
}
