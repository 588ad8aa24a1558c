package sender_test

// Long-lived connections against a responder (responder_test.go): GOAWAY
// with requests in flight on several connections, a dropped connection
// with answers in flight, RST_STREAM, the idle PING, the reconnect the
// window sees after IdleTimeout.

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
)

// serverLog is what a test server processed: each token's count, as a
// faithful server would log it.
type serverLog struct {
	mu   sync.Mutex
	seen map[string]int
}

func (l *serverLog) add(token string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]int{}
	}
	l.seen[token]++
}

func (l *serverLog) count(token string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seen[token]
}

func tokenOf(req rawRequest) string { return strings.TrimPrefix(req.Header[":path"], "/3/device/") }

// goAwayConn is one connection's state on a server that sends GOAWAY.
type goAwayConn struct {
	n        int
	goneAt   uint32 // the GOAWAY's last stream id, once sent
	goneOut  bool
	answered uint32 // the highest stream answered
}

// Every connection sends GOAWAY (Shutdown) at its 25th request while
// others are in flight, with a last-stream-id below the newest ones: the
// streams at or below it are answered, those above go again on a new
// connection. Exactly one outcome per token, all accepted; no token
// processed twice; no attempt counted for the unprocessed.
func TestGoAwayInFlightOnEveryConnection(t *testing.T) {
	defer func(b time.Duration) { sender.ReconnectBase = b }(sender.ReconnectBase)
	sender.ReconnectBase = time.Millisecond
	var log serverLog
	var mu sync.Mutex
	conns := map[int32]*goAwayConn{}
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		mu.Lock()
		defer mu.Unlock()
		h := conns[c.N]
		if h == nil {
			h = &goAwayConn{}
			conns[c.N] = h
		}
		if !h.goneOut {
			if h.n++; h.n == 25 {
				// Three streams above the last one: this one and the two
				// before it, still in flight.
				// A faithful server never names a last stream below
				// one it answered.
				h.goneOut, h.goneAt = true, max(req.Stream-6, h.answered)
				c.GoAway(h.goneAt, http2.ErrCodeNo, `{"reason":"Shutdown"}`)
				go func() { time.Sleep(100 * time.Millisecond); c.Close() }()
				return
			}
		}
		go func() {
			time.Sleep(2 * time.Millisecond) // in flight a while
			// Deciding and answering under mu: the GOAWAY cannot come
			// between them on the wire and disown an answer already
			// decided (the server would have processed a stream it then
			// says it did not).
			mu.Lock()
			defer mu.Unlock()
			if !h.goneOut || req.Stream <= h.goneAt {
				log.add(tokenOf(req))
				c.Answer(req.Stream, 200, "")
				h.answered = max(h.answered, req.Stream)
			}
		}()
	})
	c := r.client(t)
	const n = 600
	rs := sendN(t, context.Background(), c, n, sender.BulkOptions{Concurrency: 8, Connections: 4})
	unprocessed := 0
	for i, res := range rs {
		if res.Outcome() != sender.OutcomeAccepted {
			t.Fatalf("token %d: %v %v", i, res.Outcome(), res.Err)
		}
		if res.Attempts != 1 {
			t.Errorf("token %d: %d attempts, want 1 (a stream the server did not process is no attempt)", i, res.Attempts)
		}
		unprocessed += res.Unprocessed
		if k := log.count(tokenN(i)); k != 1 {
			t.Errorf("token %d processed %d times by the server, want once", i, k)
		}
	}
	if unprocessed == 0 {
		t.Errorf("no stream above a GOAWAY's last stream id went again: the test did not test")
	}
	if k := r.conns.Load(); k < 5 {
		t.Errorf("%d connections: every GOAWAY should have been followed by a new one", k)
	}
}

// The connection drops (no GOAWAY) with answers in flight: those are
// unconfirmed (never sent again, never "not sent"); the rest go on a new
// connection. Every unconfirmed one is one the server took; none twice.
func TestDropWithAnswersInFlightLeavesThemUnconfirmed(t *testing.T) {
	var log serverLog
	var mu sync.Mutex
	var held []rawRequest
	dropped := false
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		log.add(tokenOf(req))
		mu.Lock()
		defer mu.Unlock()
		if c.N > 1 || dropped {
			c.Answer(req.Stream, 200, "")
			return
		}
		if req.N <= 20 {
			c.Answer(req.Stream, 200, "")
			return
		}
		held = append(held, req)
		if len(held) == 6 {
			dropped = true
			c.Close() // answers in flight are lost
		}
	})
	c := r.client(t)
	rs := sendN(t, context.Background(), c, 200, sender.BulkOptions{Concurrency: 6})
	counts := map[sender.Outcome]int{}
	for i, res := range rs {
		counts[res.Outcome()]++
		if res.Outcome() == sender.OutcomeUnconfirmed {
			if log.count(tokenN(i)) != 1 || res.Attempts != 1 {
				t.Errorf("unconfirmed token %d: the server took it %d times (attempts %d), want once", i, log.count(tokenN(i)), res.Attempts)
			}
		}
		if log.count(tokenN(i)) > 1 {
			t.Errorf("token %d sent %d times", i, log.count(tokenN(i)))
		}
	}
	if counts[sender.OutcomeUnconfirmed] < 1 || counts[sender.OutcomeUnconfirmed] > 6 || counts[sender.OutcomeAccepted]+counts[sender.OutcomeUnconfirmed] != 200 {
		t.Errorf("outcomes %v: want the answers lost in the drop unconfirmed and the rest accepted", counts)
	}
}

// RST_STREAM on one stream: REFUSED_STREAM means not processed (sent
// again, no attempt counted); any other code leaves it unconfirmed.
func TestResetStream(t *testing.T) {
	for _, tc := range []struct {
		code http2.ErrCode
		want sender.Outcome
	}{{http2.ErrCodeRefusedStream, sender.OutcomeAccepted}, {http2.ErrCodeInternal, sender.OutcomeUnconfirmed}} {
		t.Run(tc.code.String(), func(t *testing.T) {
			var log serverLog
			r := newResponder(t, func(c *rawConn, req rawRequest) {
				if req.N == 5 {
					c.Reset(req.Stream, tc.code)
					return
				}
				log.add(tokenOf(req))
				c.Answer(req.Stream, 200, "")
			})
			c := r.client(t)
			rs := sendN(t, context.Background(), c, 20, sender.BulkOptions{Concurrency: 1, Retries: sender.NoRetries})
			var odd []sender.Result
			for _, res := range rs {
				if res.Outcome() != sender.OutcomeAccepted || res.Unprocessed > 0 {
					odd = append(odd, res)
				}
			}
			if len(odd) != 1 || odd[0].Outcome() != tc.want {
				t.Fatalf("%d results out of the ordinary (want 1, %v): %+v", len(odd), tc.want, odd)
			}
			if tc.want == sender.OutcomeAccepted && (odd[0].Unprocessed != 1 || odd[0].Attempts != 1) {
				t.Errorf("refused stream: %d unprocessed, %d attempts; want 1 and 1", odd[0].Unprocessed, odd[0].Attempts)
			}
		})
	}
}

// A connection idle past Client.IdlePing is checked with a PING before
// it takes the next request; a busy one is not.
func TestIdleConnectionIsPingedBeforeReuse(t *testing.T) {
	var pingsAtRequest []int32
	var mu sync.Mutex
	var r *responder
	r = newResponder(t, func(c *rawConn, req rawRequest) {
		mu.Lock()
		pingsAtRequest = append(pingsAtRequest, r.pings.Load())
		mu.Unlock()
		c.Answer(req.Stream, 200, "")
	})
	c := r.client(t)
	c.IdlePing = 50 * time.Millisecond
	send := func() {
		if resp, err := c.Send(context.Background(), alert(t, apnstest.DemoToken, "x")); err != nil || !resp.Accepted() {
			t.Fatalf("%v %+v", err, resp)
		}
	}
	send()
	send() // at once: no PING
	time.Sleep(120 * time.Millisecond)
	send() // idle past IdlePing: a PING first
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(pingsAtRequest, []int32{0, 0, 1}) {
		t.Errorf("PINGs seen by the server at each request: %v, want [0 0 1]", pingsAtRequest)
	}
	if n := r.conns.Load(); n != 1 {
		t.Errorf("%d connections, want 1: the PING was answered", n)
	}
}

// The window's case: APNs closes the idle connection with GOAWAY
// (IdleTimeout); the next Send reconnects without an error and says so.
func TestNextSendAfterIdleTimeoutReconnects(t *testing.T) {
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		c.Answer(req.Stream, 200, "")
		if c.N == 1 {
			c.GoAway(req.Stream, http2.ErrCodeNo, `{"reason":"IdleTimeout"}`)
			go func() { time.Sleep(20 * time.Millisecond); c.Close() }()
		}
	})
	var log apnstest.EventLog
	c := r.client(t)
	c.OnEvent = log.Add
	for i := range 2 {
		if resp, err := c.Send(context.Background(), alert(t, apnstest.DemoToken, "x")); err != nil || !resp.Accepted() {
			t.Fatalf("send %d: %v %+v", i+1, err, resp)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if text := log.Text(); !strings.Contains(text, "info     APNs closed the connection: IdleTimeout; reconnected") && !strings.Contains(text, "APNs closed the connection: IdleTimeout; reconnected") {
		t.Errorf("events lack the reconnect:\n%s", text)
	}
	if n := r.conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

// An answer's body over the limit is refused, not cut short (a truncated
// body would read as another answer).
func TestOversizedAnswerIsRefused(t *testing.T) {
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		c.AnswerBody(req.Stream, 400, []byte(`{"reason":"BadDeviceToken","x":"`+strings.Repeat("a", 70<<10)+`"}`))
	})
	c := r.client(t)
	resp, err := c.Send(context.Background(), alert(t, apnstest.DemoToken, "x"))
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("an answer of 70 KiB: %v %+v, want it refused as larger than the limit", err, resp)
	}
	// A body under the limit is read whole.
	r2 := newResponder(t, func(c *rawConn, req rawRequest) {
		c.AnswerBody(req.Stream, 400, []byte(`{"reason":"BadDeviceToken","x":"`+strings.Repeat("a", 40<<10)+`"}`))
	})
	resp, err = r2.client(t).Send(context.Background(), alert(t, apnstest.DemoToken, "x"))
	if err != nil || resp.Reason != "BadDeviceToken" {
		t.Fatalf("an answer of 40 KiB: %v %+v", err, resp)
	}
}

// A reason no reconnection can fix, in a GOAWAY or in answers, stops the
// send: one cause, shared by every notification not sent.
func TestSendEndingReasonStopsTheSendOnce(t *testing.T) {
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		c.Answer(req.Stream, 403, `{"reason":"InvalidProviderToken"}`)
	})
	c := r.client(t)
	rs := sendN(t, context.Background(), c, 300, sender.BulkOptions{Concurrency: 4})
	var cause *sender.StoppedError
	rejected := 0
	for i, res := range rs {
		switch res.Outcome() {
		case sender.OutcomeRejected:
			rejected++
		case sender.OutcomeNotSent:
			se := sender.StopCause(res.Err)
			if se == nil || (cause != nil && se != cause) {
				t.Fatalf("token %d: %v: want the one shared cause", i, res.Err)
			}
			cause = se
		default:
			t.Fatalf("token %d: %v", i, res.Outcome())
		}
	}
	if cause == nil || rejected > 8 || !strings.Contains(cause.Error(), "InvalidProviderToken") {
		t.Errorf("%d rejected, cause %v: want the send stopped after the first answers", rejected, cause)
	}
}

func TestOutcomeWords(t *testing.T) {
	var words []string
	for _, o := range sender.Outcomes {
		words = append(words, o.String()+"/"+o.Key())
	}
	if got := strings.Join(words, " "); got != "accepted/accepted rejected/rejected not sent/not_sent unconfirmed/unconfirmed" {
		t.Errorf("%s", got)
	}
	if (sender.Result{Err: errors.New("x")}).Outcome() != sender.OutcomeNotSent {
		t.Error("an error without ErrUnconfirmed is not sent")
	}
}

// The server goes away (listener and connections) and comes back on the
// same address a moment later: the client reconnects with back-off and
// goes on; what was in flight is unconfirmed, nothing is "not sent".
func TestServerRestartMidSendIsReconnected(t *testing.T) {
	defer func(b time.Duration) { sender.ReconnectBase = b }(sender.ReconnectBase)
	sender.ReconnectBase = 50 * time.Millisecond
	answer := func(c *rawConn, req rawRequest) { c.Answer(req.Stream, 200, "") }
	var r *responder
	var once sync.Once
	r = newResponder(t, func(c *rawConn, req rawRequest) {
		if req.N < 50 {
			answer(c, req)
			return
		}
		once.Do(func() {
			r.Close()
			go func() {
				time.Sleep(200 * time.Millisecond)
				newResponderAt(t, r.authority, r.Addr, answer)
			}()
		})
	})
	c := r.client(t)
	rs := sendN(t, context.Background(), c, 300, sender.BulkOptions{Concurrency: 4})
	counts := map[sender.Outcome]int{}
	for _, res := range rs {
		counts[res.Outcome()]++
	}
	if counts[sender.OutcomeNotSent] != 0 || counts[sender.OutcomeRejected] != 0 || counts[sender.OutcomeAccepted] < 290 {
		t.Errorf("outcomes %v: want all accepted but the few in flight at the restart", counts)
	}
}

// 503 Shutdown: the server is going away; the retry and the rest go on a
// new connection.
func TestShutdownAnswerMovesToANewConnection(t *testing.T) {
	defer func(b time.Duration) { sender.RetryBase = b }(sender.RetryBase)
	sender.RetryBase = time.Millisecond
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		if c.N == 1 {
			c.Answer(req.Stream, 503, `{"reason":"Shutdown"}`)
			return
		}
		c.Answer(req.Stream, 200, "")
	})
	c := r.client(t)
	resp, err := c.Send(context.Background(), alert(t, apnstest.DemoToken, "x"))
	if err != nil || resp.Status != 503 {
		t.Fatalf("Send (no retries): %v %+v", err, resp)
	}
	rs := sendN(t, context.Background(), c, 20, sender.BulkOptions{Concurrency: 2})
	for i, res := range rs {
		if res.Outcome() != sender.OutcomeAccepted || res.Attempts != 1 {
			t.Errorf("token %d: %v after %d attempts, want accepted at once on a new connection", i, res.Outcome(), res.Attempts)
		}
	}
	if n := r.conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

// --resend-unconfirmed: the notifications whose answers were lost go
// again (counted as attempts): duplicates accepted, gaps not.
func TestResendUnconfirmedSendsThemAgain(t *testing.T) {
	defer func(b time.Duration) { sender.RetryBase = b }(sender.RetryBase)
	sender.RetryBase = time.Millisecond
	var log serverLog
	var mu sync.Mutex
	var held []rawRequest
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		log.add(tokenOf(req))
		mu.Lock()
		defer mu.Unlock()
		if c.N == 1 && req.N > 20 {
			if held = append(held, req); len(held) == 4 {
				c.Close() // four answers lost
			}
			return
		}
		c.Answer(req.Stream, 200, "")
	})
	c := r.client(t)
	rs := sendN(t, context.Background(), c, 100, sender.BulkOptions{Concurrency: 4, ResendUnconfirmed: true})
	twice := 0
	for i, res := range rs {
		if res.Outcome() != sender.OutcomeAccepted {
			t.Fatalf("token %d: %v %v", i, res.Outcome(), res.Err)
		}
		if res.Attempts == 2 {
			twice++
			if log.count(tokenN(i)) != 2 {
				t.Errorf("token %d sent again, but the server saw it %d times", i, log.count(tokenN(i)))
			}
		}
	}
	if twice != 4 {
		t.Errorf("%d sent twice, want the 4 whose answers were lost", twice)
	}
}
