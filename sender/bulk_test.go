package sender_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"apnsconsole/sender"
)

// token i as clean hex.
func tokenN(i int) string { return fmt.Sprintf("%064x", i) }

// sendN streams n notifications through c and returns the results by
// input index, failing the test unless there is exactly one per
// notification. A hang fails after a minute rather than stalling CI.
func sendN(t *testing.T, ctx context.Context, c *sender.Client, n int, opts sender.BulkOptions) []sender.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	in := make(chan *sender.Notification)
	go func() {
		defer close(in)
		for i := range n {
			in <- alert(t, tokenN(i), "bulk")
		}
	}()
	results := make([]sender.Result, n)
	seen := make([]bool, n)
	count := 0
	for r := range c.SendStream(ctx, in, opts) {
		if r.Index < 0 || r.Index >= n || seen[r.Index] {
			t.Fatalf("result with index %d (seen before: %v)", r.Index, r.Index >= 0 && r.Index < n && seen[r.Index])
		}
		if (r.Response == nil) == (r.Err == nil) {
			t.Fatalf("result %d has response %v and error %v: want exactly one", r.Index, r.Response, r.Err)
		}
		if r.Notification.Token != tokenN(r.Index) {
			t.Fatalf("result %d is for token %s", r.Index, r.Notification.Token)
		}
		seen[r.Index] = true
		results[r.Index] = r
		count++
	}
	if count != n {
		t.Fatalf("%d results for %d notifications", count, n)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("the send did not end within a minute")
	}
	return results
}

type outcome struct{ accepted, rejected, unconfirmed, failed int }

func outcomes(rs []sender.Result) outcome {
	var o outcome
	for _, r := range rs {
		switch {
		case r.Response != nil && r.Response.Accepted():
			o.accepted++
		case r.Response != nil:
			o.rejected++
		case r.Unconfirmed():
			o.unconfirmed++
		default:
			o.failed++
		}
	}
	return o
}

func TestSendStreamAnswersEveryNotificationAsItCompletes(t *testing.T) {
	var inflight, peak atomic.Int32
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		now := inflight.Add(1)
		for {
			p := peak.Load()
			if now <= p || peak.CompareAndSwap(p, now) {
				break
			}
		}
		go func() {
			// Later requests are answered sooner: completion order differs
			// from input order.
			time.Sleep(time.Duration(5-req.N%5) * time.Millisecond)
			inflight.Add(-1)
			c.Answer(req.Stream, 200, "")
		}()
	})
	c := r.client(t)
	in := make(chan *sender.Notification)
	go func() {
		defer close(in)
		for i := range 500 {
			in <- alert(t, tokenN(i), "bulk")
		}
	}()
	var order []int
	for res := range c.SendStream(context.Background(), in, sender.BulkOptions{Concurrency: 20}) {
		if res.Err != nil || !res.Response.Accepted() || res.Attempts != 1 {
			t.Fatalf("result %d: %v %+v attempts %d", res.Index, res.Err, res.Response, res.Attempts)
		}
		order = append(order, res.Index)
	}
	if len(order) != 500 {
		t.Fatalf("%d results for 500", len(order))
	}
	inOrder := true
	for i, idx := range order {
		inOrder = inOrder && idx == i
	}
	if inOrder {
		t.Errorf("results came back in input order: they should stream as they complete")
	}
	if p := peak.Load(); p > 20 || p < 2 {
		t.Errorf("peak in flight %d, want 2 to 20 (--concurrency 20)", p)
	}
	if n := r.conns.Load(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}

func TestSendStreamSpreadsOverConnections(t *testing.T) {
	r := newResponder(t, func(c *rawConn, req rawRequest) { c.Answer(req.Stream, 200, "") })
	c := r.client(t)
	rs := sendN(t, context.Background(), c, 200, sender.BulkOptions{Concurrency: 10, Connections: 3})
	if o := outcomes(rs); o.accepted != 200 {
		t.Fatalf("%+v", o)
	}
	if n := r.conns.Load(); n != 3 {
		t.Errorf("%d connections, want 3", n)
	}
}

// SETTINGS_MAX_CONCURRENT_STREAMS 1 → 1000 → 1 mid-send: each connection
// keeps to the limit in force (streams already open may finish), the
// send uses the room when it comes, and the pool opens more connections
// (bounded) while a server grants fewer streams than asked for.
func TestSendStreamFollowsMaxConcurrentStreams1To1000To1(t *testing.T) {
	var mu sync.Mutex
	type connState struct {
		inflight, peak1, peak1000, peakBack int
		phase                               int // 0: limit 1; 1: 1000; 2: 1 sent; 3: old streams done
	}
	conns := map[int32]*connState{}
	r := newResponder(t, nil)
	r.Settings = []http2.Setting{{ID: http2.SettingMaxConcurrentStreams, Val: 1}}
	r.handle = func(c *rawConn, req rawRequest) {
		mu.Lock()
		st := conns[c.N]
		if st == nil {
			st = &connState{}
			conns[c.N] = st
		}
		st.inflight++
		switch st.phase {
		case 0:
			st.peak1 = max(st.peak1, st.inflight)
		case 1:
			st.peak1000 = max(st.peak1000, st.inflight)
		case 3:
			st.peakBack = max(st.peakBack, st.inflight)
		}
		switch {
		case st.phase == 0 && req.N >= 20:
			st.phase = 1
			c.Do(func(fr *http2.Framer) {
				fr.WriteSettings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 1000})
			})
		case st.phase == 1 && req.N >= 600:
			st.phase = 2
			c.Do(func(fr *http2.Framer) { fr.WriteSettings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 1}) })
		}
		mu.Unlock()
		go func() {
			time.Sleep(time.Millisecond)
			mu.Lock()
			st.inflight--
			if st.phase == 2 && st.inflight == 0 {
				st.phase = 3
			}
			mu.Unlock()
			c.Answer(req.Stream, 200, "")
		}()
	}
	c := r.client(t)
	rs := sendN(t, context.Background(), c, 1500, sender.BulkOptions{Concurrency: 50})
	if o := outcomes(rs); o.accepted != 1500 {
		t.Fatalf("%+v", o)
	}
	mu.Lock()
	defer mu.Unlock()
	peak1000, back := 0, 0
	for n, st := range conns {
		if st.peak1 > 1 || st.peakBack > 1 {
			t.Errorf("connection %d: %d and %d in flight under SETTINGS_MAX_CONCURRENT_STREAMS 1, want 1", n, st.peak1, st.peakBack)
		}
		peak1000 = max(peak1000, st.peak1000)
		if st.phase == 3 {
			back++
		}
	}
	if peak1000 < 2 {
		t.Errorf("peak in flight %d on a connection after the server raised the limit to 1000: the room was not used", peak1000)
	}
	if back == 0 {
		t.Errorf("no connection saw the limit back at 1 with its old streams done")
	}
	if n := len(conns); n < 2 || n > 16 {
		t.Errorf("%d connections: want more than one while the server granted 1 stream of the 50 asked for, and at most 16", n)
	}
}

// A server that accepts TCP and never answers: the connect timeout ends
// the one shared dial and every notification is answered at once with
// that cause, instead of each waiting out its own timeout behind a lock.
func TestSilentServerFailsFastWithOneResultEach(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	}()
	r := &responder{Addr: ln.Addr().String()}
	c := r.client(t)
	c.ConnectTimeout = 300 * time.Millisecond
	// The per-request timeout is long: were each notification to wait its
	// own, 1,000 of them would take hours and sendN would fail at a minute.
	c.Timeout = time.Hour
	rs := sendN(t, context.Background(), c, 1000, sender.BulkOptions{})
	for _, res := range rs {
		if !errors.Is(res.Err, sender.ErrConnect) || res.Unconfirmed() || res.Attempts != 0 {
			t.Fatalf("result %d: %v (attempts %d), want a connection failure, never sent", res.Index, res.Err, res.Attempts)
		}
		if !strings.Contains(res.Err.Error(), "connect timeout") {
			t.Fatalf("result %d does not name the cause: %v", res.Index, res.Err)
		}
	}
	if n := accepted.Load(); n != 1 {
		t.Errorf("%d connections to the silent server, want 1 (one dial shared by every sender)", n)
	}
}

// A server that takes requests and stops answering (SIGSTOP): the
// requests written are unconfirmed, never "failed, try again".
func TestStalledServerLeavesWrittenRequestsUnconfirmed(t *testing.T) {
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		if req.N <= 5 {
			c.Answer(req.Stream, 200, "")
		}
	})
	c := r.client(t)
	c.Timeout = 300 * time.Millisecond
	rs := sendN(t, context.Background(), c, 30, sender.BulkOptions{Concurrency: 10, Retries: sender.NoRetries})
	o := outcomes(rs)
	if o.accepted != 5 || o.accepted+o.unconfirmed+o.failed != 30 || o.unconfirmed < 5 {
		t.Fatalf("%+v: want 5 accepted and the rest unconfirmed or not sent", o)
	}
	for _, res := range rs {
		if res.Unconfirmed() {
			if res.Attempts != 1 || !strings.Contains(res.Err.Error(), "may have been delivered: check before resending") {
				t.Errorf("unconfirmed result %d: %v (attempts %d)", res.Index, res.Err, res.Attempts)
			}
		} else if res.Err != nil && res.Attempts != 0 {
			t.Errorf("result %d failed after being written: %v", res.Index, res.Err)
		}
	}
}

// The server is killed mid-send: what was written is unconfirmed, what
// was not is answered at once with the connection failure.
func TestKilledServerGivesOneResultEach(t *testing.T) {
	defer func(b time.Duration) { sender.ReconnectBase = b }(sender.ReconnectBase)
	sender.ReconnectBase = time.Millisecond // it does not come back: the reconnects fail fast
	var r *responder
	r = newResponder(t, func(c *rawConn, req rawRequest) {
		if req.N < 10 {
			c.Answer(req.Stream, 200, "")
			return
		}
		if req.N == 10 {
			r.Close() // the listener and every connection
		}
	})
	c := r.client(t)
	rs := sendN(t, context.Background(), c, 100, sender.BulkOptions{Concurrency: 4})
	o := outcomes(rs)
	// Nine were answered; an answer still unread when the connection is
	// reset may be lost, and then that notification is unconfirmed.
	if o.accepted > 9 || o.accepted+o.unconfirmed < 10 || o.unconfirmed < 1 || o.accepted+o.unconfirmed+o.failed != 100 {
		t.Fatalf("%+v", o)
	}
	for _, res := range rs {
		if res.Err != nil && !res.Unconfirmed() && !errors.Is(res.Err, sender.ErrConnect) {
			t.Errorf("result %d: %v", res.Index, res.Err)
		}
	}
}

// The server drops the connection and comes back (a restart): the
// requests it had are unconfirmed, the rest go out on a new connection.
func TestRestartedServerResumesOnANewConnection(t *testing.T) {
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		if c.N == 1 && req.N == 10 {
			c.Close()
			return
		}
		if c.N == 1 && req.N > 10 {
			return
		}
		c.Answer(req.Stream, 200, "")
	})
	c := r.client(t)
	rs := sendN(t, context.Background(), c, 100, sender.BulkOptions{Concurrency: 4})
	o := outcomes(rs)
	if o.failed != 0 || o.unconfirmed < 1 || o.accepted+o.unconfirmed != 100 {
		t.Fatalf("%+v: want the written ones unconfirmed and the rest accepted", o)
	}
	if n := r.conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

// GOAWAY mid-stream: the streams above its last stream id were not
// processed and go out again on a new connection.
func TestGoAwayMidStreamSendsTheUnprocessedAgain(t *testing.T) {
	var held []uint32
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		switch {
		case c.N == 1 && req.N < 10:
			held = append(held, req.Stream)
		case c.N == 1 && req.N == 10:
			// Processed the five lowest streams; the five above were not.
			// (Requests complete out of stream order when their DATA
			// frames interleave.)
			held = append(held, req.Stream)
			slices.Sort(held)
			c.GoAway(held[4], http2.ErrCodeNo, "")
			for _, s := range held[:5] {
				c.Answer(s, 200, "")
			}
		case c.N == 1:
		default:
			c.Answer(req.Stream, 200, "")
		}
	})
	c := r.client(t)
	rs := sendN(t, context.Background(), c, 60, sender.BulkOptions{Concurrency: 10})
	if o := outcomes(rs); o.accepted != 60 {
		t.Fatalf("%+v", o)
	}
	again := 0
	for _, res := range rs {
		if res.Attempts != 1 {
			t.Errorf("result %d: %d attempts: a stream the server did not process is not an attempt", res.Index, res.Attempts)
		}
		if res.Unprocessed == 1 {
			again++
		}
	}
	if again != 5 {
		t.Errorf("%d notifications sent a second time after the GOAWAY, want 5", again)
	}
	if n := r.conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

// A GOAWAY with APNs' reason ends the send: every notification gets it,
// without a new connection each.
func TestGoAwayWithAReasonAnswersEveryNotification(t *testing.T) {
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		c.GoAway(0, http2.ErrCodeNo, `{"reason":"BadCertificateEnvironment"}`)
	})
	c := r.client(t)
	rs := sendN(t, context.Background(), c, 50, sender.BulkOptions{Concurrency: 4})
	for _, res := range rs {
		var ga *sender.GoAwayError
		if !errors.As(res.Err, &ga) || ga.Reason != "BadCertificateEnvironment" {
			t.Fatalf("result %d: %v", res.Index, res.Err)
		}
	}
	if n := r.conns.Load(); n > 2 {
		t.Errorf("%d connections: the send should stop at the refusal", n)
	}
}

func TestRetriesOnlyWhatAppleAdvises(t *testing.T) {
	defer func(b time.Duration) { sender.RetryBase = b }(sender.RetryBase)
	sender.RetryBase = time.Millisecond
	var mu sync.Mutex
	seen := map[string]int{}
	// Token i's answers, one per attempt (the last repeats).
	script := map[int][]int{0: {503, 503, 200}, 1: {500}, 2: {429, 200}, 3: {410}, 4: {400}, 5: {403}, 6: {413}, 7: {200}}
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		path := req.Header[":path"]
		mu.Lock()
		seen[path]++
		k := seen[path]
		mu.Unlock()
		var i int
		fmt.Sscanf(strings.TrimPrefix(path, "/3/device/"), "%x", &i)
		answers := script[i]
		status := answers[min(k, len(answers))-1]
		switch status {
		case 200:
			c.Answer(req.Stream, 200, "")
		case 429:
			c.Answer(req.Stream, 429, `{"reason":"TooManyRequests"}`, "retry-after", "1")
		default:
			c.Answer(req.Stream, status, `{"reason":"X"}`)
		}
	})
	c := r.client(t)
	rs := sendN(t, context.Background(), c, 8, sender.BulkOptions{})
	want := []struct{ status, attempts int }{{200, 3}, {500, 3}, {200, 2}, {410, 1}, {400, 1}, {403, 1}, {413, 1}, {200, 1}}
	for i, w := range want {
		res := rs[i]
		if res.Response == nil || res.Response.Status != w.status || res.Attempts != w.attempts {
			t.Errorf("token %d: %v %+v after %d attempts, want %d after %d", i, res.Err, res.Response, res.Attempts, w.status, w.attempts)
		}
	}
	// --retries 0: once only.
	mu.Lock()
	clear(seen)
	mu.Unlock()
	rs = sendN(t, context.Background(), c, 2, sender.BulkOptions{Retries: sender.NoRetries})
	if res := rs[0]; res.Response == nil || res.Response.Status != 503 || res.Attempts != 1 {
		t.Errorf("with no retries: %v %+v after %d attempts", res.Err, res.Response, res.Attempts)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	var first time.Time
	var gap time.Duration
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		if req.N == 1 {
			first = time.Now()
			c.Answer(req.Stream, 503, `{"reason":"ServiceUnavailable"}`, "retry-after", "1")
			return
		}
		gap = time.Since(first)
		c.Answer(req.Stream, 200, "")
	})
	c := r.client(t)
	rs := sendN(t, context.Background(), c, 1, sender.BulkOptions{})
	if !rs[0].Response.Accepted() || rs[0].Attempts != 2 {
		t.Fatalf("%v %+v", rs[0].Err, rs[0].Response)
	}
	// Not a timing assertion on speed: the client must not come back
	// before the second the server asked for.
	if gap < time.Second {
		t.Errorf("sent again after %v, before the server's Retry-After of 1 s", gap)
	}
}

// Cancelling a send (Ctrl+C) says so: the notifications not yet sent are
// "cancelled", those awaiting an answer unconfirmed, none "check a
// firewall".
func TestCancelSaysCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		if req.N <= 3 {
			c.Answer(req.Stream, 200, "")
			return
		}
		cancel() // and never answer
	})
	c := r.client(t)
	rs := sendN(t, ctx, c, 40, sender.BulkOptions{Concurrency: 2})
	o := outcomes(rs)
	// The third answer may cross the cancel: then it is unconfirmed.
	if o.accepted < 2 || o.accepted > 3 || o.unconfirmed < 1 || o.failed < 30 {
		t.Fatalf("%+v", o)
	}
	for _, res := range rs {
		if res.Err != nil && !errors.Is(res.Err, sender.ErrCancelled) {
			t.Errorf("result %d: %v, want it to say cancelled", res.Index, res.Err)
		}
		if res.Err != nil && strings.Contains(res.Err.Error(), "firewall") {
			t.Errorf("result %d blames a firewall: %v", res.Index, res.Err)
		}
	}
}

// The header block is cached while only :path changes: the server must
// read every request's own headers, also when they change mid-send.
func TestEveryRequestCarriesItsOwnHeaders(t *testing.T) {
	var mu sync.Mutex
	bad := 0
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		var i int
		fmt.Sscanf(strings.TrimPrefix(req.Header[":path"], "/3/device/"), "%x", &i)
		want := fmt.Sprintf("com.example.t%d", i%3)
		if i%7 == 0 {
			want = "com.example.seven"
		}
		mu.Lock()
		if req.Header["apns-topic"] != want || req.Header[":method"] != "POST" || req.Header["content-length"] != fmt.Sprint(len(req.Body)) {
			bad++
		}
		mu.Unlock()
		c.Answer(req.Stream, 200, "")
	})
	c := r.client(t)
	in := make(chan *sender.Notification)
	go func() {
		defer close(in)
		for i := range 300 {
			n := alert(t, tokenN(i), strings.Repeat("x", 1+i%2))
			n.Topic = fmt.Sprintf("com.example.t%d", i%3)
			if i%7 == 0 {
				n.Topic = "com.example.seven"
			}
			in <- n
		}
	}()
	k := 0
	for res := range c.SendStream(context.Background(), in, sender.BulkOptions{Concurrency: 1}) {
		if res.Err != nil || !res.Response.Accepted() {
			t.Fatalf("%v %+v", res.Err, res.Response)
		}
		k++
	}
	if k != 300 || bad != 0 {
		t.Errorf("%d results, %d requests with another's headers", k, bad)
	}
}
