package sender_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
)

// The channel client on a bad network, against a responder (see
// responder_test.go) that plays channel management.

func channelClientOf(t *testing.T, r *responder, log *apnstest.EventLog) *sender.ChannelClient {
	c := &sender.ChannelClient{Credential: demoKey(t), Environment: sender.Local, ManagementHost: r.Addr, RootCAs: r.Pool, Timeout: 5 * time.Second, OnEvent: log.Add}
	t.Cleanup(func() { c.Close() })
	return c
}

// answerChannels answers a list request with one channel.
func answerChannels(c *rawConn, req rawRequest) {
	c.Answer(req.Stream, 200, `{"channels":["dHN0"]}`, "apns-request-id", "11111111-2222-3333-4444-555555555555")
}

// A server that takes the request and never answers: the request ends at
// the client's Timeout as unconfirmed (it may have been carried out), and
// the next request gets a new connection.
func TestChannelClientGivesUpOnAStuckManagementServer(t *testing.T) {
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		if c.N > 1 {
			answerChannels(c, req)
		} // the first connection never answers
	})
	var log apnstest.EventLog
	c := channelClientOf(t, r, &log)
	c.Timeout = 300 * time.Millisecond
	_, err := c.ListChannels(context.Background(), apnstest.DemoBundleID)
	if !errors.Is(err, sender.ErrConnect) || !errors.Is(err, sender.ErrUnconfirmed) || !strings.Contains(err.Error(), "no answer from "+r.Addr+" in time") {
		t.Fatalf("err = %v, want an unconfirmed request with no answer in time", err)
	}
	resp, err := c.ListChannels(context.Background(), apnstest.DemoBundleID)
	if err != nil || resp.Status != 200 || len(resp.Channels) != 1 || resp.RequestID == "" {
		t.Fatalf("after a stuck connection: %+v, %v", resp, err)
	}
	if n := r.conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2 (the stuck one is given up)", n)
	}
	if n := log.Count(sender.EventError); n != 1 {
		t.Errorf("%d error events, want 1:\n%s", n, log.Text())
	}
}

// A GOAWAY without a reason below the request's stream: the server did
// not take it, so it is sent again, once, on a new connection; twice is an
// error saying so. Each request ends with one outcome.
func TestChannelClientResendsAfterAGoAwayMidRequest(t *testing.T) {
	var goAways atomic.Int32
	goAways.Store(1)
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		if c.N <= goAways.Load() {
			c.GoAway(0, http2.ErrCodeNo, "")
			c.Close()
			return
		}
		answerChannels(c, req)
	})
	var log apnstest.EventLog
	c := channelClientOf(t, r, &log)
	resp, err := c.ListChannels(context.Background(), apnstest.DemoBundleID)
	if err != nil || resp.Status != 200 || len(resp.Channels) != 1 {
		t.Fatalf("after one GOAWAY: %+v, %v", resp, err)
	}
	if !strings.Contains(log.Text(), "sending again on a new connection") || r.requests.Load() != 2 {
		t.Errorf("%d requests; the resend is not told:\n%s", r.requests.Load(), log.Text())
	}

	goAways.Store(1000)
	_, err = c.ListChannels(context.Background(), apnstest.DemoBundleID)
	if !errors.Is(err, sender.ErrConnect) || !strings.Contains(err.Error(), "closed the connection twice before taking the request") {
		t.Fatalf("after two GOAWAYs: %v", err)
	}
	if n := log.Count(sender.EventError); n != 1 {
		t.Errorf("%d error events, want 1:\n%s", n, log.Text())
	}
}

// A server killed with the request in flight: one error, at once (not at
// the timeout), saying it may have been carried out; no blind resend of a
// create.
func TestChannelClientReportsAServerKilledMidRequest(t *testing.T) {
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		if tc, ok := c.nc.(interface{ NetConn() net.Conn }); ok {
			if tcp, ok := tc.NetConn().(*net.TCPConn); ok {
				tcp.SetLinger(0) // a reset, as a killed process may leave
			}
		}
		c.Close()
	})
	var log apnstest.EventLog
	c := channelClientOf(t, r, &log)
	c.Timeout = time.Minute
	_, err := c.CreateChannel(context.Background(), apnstest.DemoBundleID, sender.NoMessageStored)
	if !errors.Is(err, sender.ErrConnect) || !errors.Is(err, sender.ErrUnconfirmed) || !strings.Contains(err.Error(), "it may have been carried out") {
		t.Fatalf("err = %v, want an unconfirmed request", err)
	}
	if strings.Contains(err.Error(), "in time") {
		t.Errorf("the failure waited for the timeout: %v", err)
	}
	if n := r.requests.Load(); n != 1 {
		t.Errorf("the create was sent %d times, want once", n)
	}
	if n := log.Count(sender.EventError); n != 1 {
		t.Errorf("%d error events, want 1:\n%s", n, log.Text())
	}
}

// APNs calls the provider token stale: the channel client sends the
// request once more with a new token, and only once.
func TestChannelClientRetriesOnceWithANewProviderToken(t *testing.T) {
	var a authRecorder
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		a.mu.Lock()
		stale := a.stale[req.Header["authorization"]] || a.all
		a.seen = append(a.seen, req.Header["authorization"])
		a.mu.Unlock()
		if stale {
			c.Answer(req.Stream, 403, `{"reason":"ExpiredProviderToken"}`)
			return
		}
		answerChannels(c, req)
	})
	clk := &clock{now: time.Now()}
	var log apnstest.EventLog
	c := channelClientOf(t, r, &log)
	c.Now = clk.Now
	if resp, err := c.ListChannels(context.Background(), apnstest.DemoBundleID); err != nil || resp.Status != 200 {
		t.Fatalf("first list: %v %+v", err, resp)
	}
	a.staleNow()
	clk.add(25 * time.Minute) // past the 20-minute guard
	resp, err := c.ListChannels(context.Background(), apnstest.DemoBundleID)
	if err != nil || resp.Status != 200 {
		t.Fatalf("after ExpiredProviderToken: %v %+v, want it sent again with a new token", err, resp)
	}
	if seen := a.tokens(); len(seen) != 3 || seen[1] != seen[0] || seen[2] == seen[1] {
		t.Fatalf("%d requests: want the first token twice, then a new one", len(seen))
	}
	a.mu.Lock()
	a.all = true
	a.mu.Unlock()
	clk.add(25 * time.Minute)
	if resp, err = c.ListChannels(context.Background(), apnstest.DemoBundleID); err != nil || resp.Reason != "ExpiredProviderToken" {
		t.Fatalf("%v %+v", err, resp)
	}
	if n := len(a.tokens()); n != 5 {
		t.Errorf("%d requests in all, want 5 (one retry, not a loop)", n)
	}
}
