package sender_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
)

// authRecorder answers ExpiredProviderToken to the provider tokens in
// stale and 200 to the others, and records each request's token.
type authRecorder struct {
	mu    sync.Mutex
	seen  []string
	stale map[string]bool
	all   bool // every token is stale
}

func (a *authRecorder) handle(c *rawConn, req rawRequest) {
	auth := req.Header["authorization"]
	a.mu.Lock()
	a.seen = append(a.seen, auth)
	stale := a.stale[auth] || a.all
	a.mu.Unlock()
	if stale {
		c.Answer(req.Stream, 403, `{"reason":"ExpiredProviderToken"}`)
		return
	}
	c.Answer(req.Stream, 200, "")
}

func (a *authRecorder) staleNow() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.stale = map[string]bool{}
	for _, s := range a.seen {
		a.stale[s] = true
	}
}

func (a *authRecorder) tokens() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.seen...)
}

func topicAlert(t *testing.T) *sender.Notification {
	n := alert(t, apnstest.DemoToken, "x")
	n.Topic = apnstest.DemoBundleID
	return n
}

func TestExpiredProviderTokenIsSentAgainOnceWithANewToken(t *testing.T) {
	var a authRecorder
	r := newResponder(t, a.handle)
	clk := &clock{now: time.Now()}
	c := r.clientWith(t, demoKey(t))
	c.Now = clk.Now
	if resp, err := c.Send(context.Background(), topicAlert(t)); err != nil || !resp.Accepted() {
		t.Fatalf("first send: %v %+v", err, resp)
	}
	a.staleNow()
	clk.add(25 * time.Minute) // past the 20-minute guard, short of the 50-minute renewal
	resp, err := c.Send(context.Background(), topicAlert(t))
	if err != nil || !resp.Accepted() {
		t.Fatalf("after ExpiredProviderToken: %v %+v, want it sent again with a new token and accepted", err, resp)
	}
	seen := a.tokens()
	if len(seen) != 3 || seen[1] != seen[0] || seen[2] == seen[1] || !strings.HasPrefix(seen[2], "bearer ") {
		t.Fatalf("provider tokens on the wire: %d requests, want the first token twice and then a new one", len(seen))
	}

	// Only once: a server that calls every token stale gets two requests.
	a.mu.Lock()
	a.all = true
	a.mu.Unlock()
	clk.add(25 * time.Minute)
	resp, err = c.Send(context.Background(), topicAlert(t))
	if err != nil || resp.Reason != "ExpiredProviderToken" {
		t.Fatalf("%v %+v", err, resp)
	}
	if n := len(a.tokens()); n != 5 {
		t.Errorf("%d requests in all, want 5 (one retry, not a loop)", n)
	}
}

// The 20-minute guard: APNs answers TooManyProviderTokenUpdates to a
// token renewed sooner, so a stale verdict on a young token is reported,
// not retried with yet another token.
func TestStaleVerdictOnAYoungTokenIsNotRetried(t *testing.T) {
	var a authRecorder
	r := newResponder(t, a.handle)
	clk := &clock{now: time.Now()}
	c := r.clientWith(t, demoKey(t))
	c.Now = clk.Now
	if resp, err := c.Send(context.Background(), topicAlert(t)); err != nil || !resp.Accepted() {
		t.Fatalf("first send: %v %+v", err, resp)
	}
	a.staleNow()
	clk.add(5 * time.Minute)
	resp, err := c.Send(context.Background(), topicAlert(t))
	if err != nil || resp.Status != 403 || resp.Reason != "ExpiredProviderToken" {
		t.Fatalf("%v %+v, want the 403 ExpiredProviderToken reported", err, resp)
	}
	if seen := a.tokens(); len(seen) != 2 || seen[1] != seen[0] {
		t.Errorf("%d requests, want 2 with the same token: no new token within 20 minutes", len(seen))
	}
}

// A GOAWAY with NO_ERROR and no reason, before the request was taken:
// the request goes out again on a new connection.
func TestGoAwayWithoutReasonIsSentAgainOnANewConnection(t *testing.T) {
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		if c.N == 1 {
			c.GoAway(0, http2.ErrCodeNo, "")
			return
		}
		c.Answer(req.Stream, 200, "")
	})
	c := r.client(t)
	resp, err := c.Send(context.Background(), alert(t, apnstest.DemoToken, "x"))
	if err != nil || !resp.Accepted() {
		t.Fatalf("%v %+v, want it accepted on a second connection", err, resp)
	}
	if n := r.conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
	// Every time: reconnects with back-off, then reported, not looped.
	defer func(b time.Duration) { sender.ReconnectBase = b }(sender.ReconnectBase)
	sender.ReconnectBase = time.Millisecond
	r2 := newResponder(t, func(c *rawConn, req rawRequest) { c.GoAway(0, http2.ErrCodeNo, "") })
	c2 := r2.client(t)
	_, err = c2.Send(context.Background(), alert(t, apnstest.DemoToken, "x"))
	if !errors.Is(err, sender.ErrConnect) || !strings.Contains(err.Error(), "reconnects to "+r2.Addr+" in a row failed") || !strings.Contains(err.Error(), "GOAWAY NO_ERROR") {
		t.Errorf("err = %v", err)
	}
	if n := r2.conns.Load(); n != sender.MaxReconnects {
		t.Errorf("%d connections, want %d", n, sender.MaxReconnects)
	}
}
