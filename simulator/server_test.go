//lint:file-ignore SA1019 x/net/http2's client is what sideshow/apns2 and most Go APNs clients use: the simulator is tested against it

package simulator

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// TestNewServer checks the httptest-like lifecycle: NewServer makes its own
// authority and demo credentials, serves them, and Close (twice) ends
// every connection.
func TestNewServer(t *testing.T) {
	s := NewServer()
	if s.Environment != Sandbox || s.Authority == nil || s.Demo == nil {
		t.Fatalf("NewServer: environment %q, authority %v, demo %v", s.Environment, s.Authority, s.Demo)
	}
	if host, _, err := net.SplitHostPort(s.Addr); err != nil || host != "127.0.0.1" {
		t.Fatalf("Addr %q", s.Addr)
	}
	cc := dial(t, s, s.Demo.Cert)
	if a := send(t, s, cc, push{header: hdr("apns-topic", DemoBundleID)}); a.Status != 200 {
		t.Fatalf("demo certificate: %d %s", a.Status, a.Body)
	}
	e := &env{t: t, f: &fixture{demo: s.Demo}, s: s, clk: &clock{t: time.Now()}}
	if a := e.viaToken(push{header: e.tokenHeader()}); a.Status != 200 {
		t.Fatalf("demo key: %d %s", a.Status, a.Body)
	}
	if err := s.Listen("127.0.0.1:0"); err == nil {
		t.Error("Listen on a started server succeeded")
	}

	s.Close()
	s.Close()
	if _, err := trySend(s, cc, push{header: hdr("apns-topic", DemoBundleID)}); err == nil {
		t.Error("request answered after Close")
	}
	if c, err := net.DialTimeout("tcp", s.Addr, time.Second); err == nil {
		c.Close()
		t.Error("still listening after Close")
	}
}

// TestListenRefuses checks the environments and addresses Listen refuses.
func TestListenRefuses(t *testing.T) {
	f := getFixture(t)
	local := &Server{Authority: f.authority, Demo: f.demo, Environment: "local"}
	if err := local.Listen("127.0.0.1:0"); err == nil {
		local.Close()
		t.Error("a local-environment server started")
	}
	s, _ := startServer(t, f, nil)
	busy := &Server{Authority: f.authority, Demo: f.demo}
	if err := busy.Listen(s.Addr); err == nil {
		busy.Close()
		t.Errorf("Listen on the busy %s succeeded", s.Addr)
	}
}

// TestShutdown checks the graceful close: GOAWAY to open connections,
// then Shutdown returns once they are gone, or gives up at ctx's end.
func TestShutdown(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, nil)
	cc := dial(t, s, f.demo.Cert)
	if a := send(t, s, cc, push{header: hdr("apns-topic", DemoBundleID)}); a.Status != 200 {
		t.Fatalf("before shutdown: %d %s", a.Status, a.Body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if st := cc.State(); !st.Closing && !st.Closed {
		t.Errorf("client connection after Shutdown: %+v, want closing (GOAWAY)", st)
	}
	if _, err := tls.Dial("tcp", s.Addr, &tls.Config{RootCAs: s.Authority.Pool()}); err == nil {
		t.Error("still accepting after Shutdown")
	}

	// A request that is never answered makes Shutdown give up at ctx's end.
	hold, release := make(chan struct{}), make(chan struct{})
	s2, _ := startServer(t, f, func(s *Server) {
		s.beforeAnswer = func(Record) { close(hold); <-release }
	})
	cc2 := dial(t, s2, f.demo.Cert)
	go trySend(s2, cc2, push{header: hdr("apns-topic", DemoBundleID)})
	<-hold
	time.AfterFunc(300*time.Millisecond, func() { close(release) }) // Close waits for the handler
	short, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	if err := s2.Shutdown(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown with a request unanswered: %v, want the deadline", err)
	}
}

// TestShutdownLetsInFlightRequestsFinish: requests being answered when
// Shutdown begins are answered normally after the GOAWAY, none lost.
func TestShutdownLetsInFlightRequestsFinish(t *testing.T) {
	f := getFixture(t)
	const n = 20
	arrived := make(chan struct{}, n)
	release := make(chan struct{})
	s, _ := startServer(t, f, func(s *Server) {
		s.beforeAnswer = func(Record) {
			arrived <- struct{}{}
			<-release
		}
	})
	tap := newFrameTap(dialTLS(t, s, f.demo.Cert))
	cc, err := (&http2.Transport{}).NewClientConn(tap)
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	results := make(chan answer, n)
	for i := 0; i < n; i++ {
		go func() {
			a, err := trySend(s, cc, push{header: hdr("apns-topic", DemoBundleID)})
			if err != nil {
				a.Reason = err.Error()
			}
			results <- a
		}()
	}
	for i := 0; i < n; i++ {
		<-arrived
	}
	stopped := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		stopped <- s.Shutdown(ctx)
	}()
	select { // the client has the GOAWAY before the answers
	case debug := <-tap.goAway:
		if debug != `{"reason":"Shutdown"}` {
			t.Errorf("GOAWAY debug data %q", debug)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no GOAWAY")
	}
	close(release)
	for i := 0; i < n; i++ {
		if a := <-results; a.Status != 200 {
			t.Errorf("in-flight request: %d %s", a.Status, a.Reason)
		}
	}
	if err := <-stopped; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if c := s.Counts(); c.Accepted != n {
		t.Errorf("the server counts %d accepted, the client got %d", c.Accepted, n)
	}
}
