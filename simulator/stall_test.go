package simulator

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// closedBy reports whether the server closes c within limit: a read then
// ends with EOF or a reset rather than the local deadline.
func closedBy(t *testing.T, c net.Conn, limit time.Duration) bool {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(limit))
	_, err := io.Copy(io.Discard, c)
	return !errors.Is(err, os.ErrDeadlineExceeded)
}

// TestStalledConnectionsAreClosed: a client that begins the preface, a
// frame or a TLS record and stops is cut off after StallTimeout, while a
// client idle between requests keeps its connection.
func TestStalledConnectionsAreClosed(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, func(s *Server) { s.StallTimeout = 200 * time.Millisecond })

	half := dialTLS(t, s, nil)
	io.WriteString(half, http2.ClientPreface[:10])
	if !closedBy(t, half, 5*time.Second) {
		t.Error("half a preface: connection still open")
	}

	halfFrame := dialTLS(t, s, nil)
	io.WriteString(halfFrame, http2.ClientPreface)
	http2.NewFramer(halfFrame, nil).WriteSettings()
	halfFrame.Write([]byte{0, 0, 5, 1}) // 4 bytes of a 9-byte HEADERS frame header
	if !closedBy(t, halfFrame, 5*time.Second) {
		t.Error("half a frame: connection still open")
	}

	// Half a TLS record, below HTTP/2.
	raw, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	tc := tls.Client(raw, &tls.Config{RootCAs: s.Authority.Pool(), NextProtos: []string{"h2"}, ServerName: "localhost"})
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	raw.Write([]byte{23, 3, 3}) // an application-data record header, cut short
	if !closedBy(t, tc, 5*time.Second) {
		t.Error("half a TLS record: connection still open")
	}

	// Idle between requests for several StallTimeouts: still served.
	cc := dial(t, s, f.demo.Cert)
	if a := send(t, s, cc, push{header: hdr("apns-topic", DemoBundleID)}); a.Status != 200 {
		t.Fatalf("first request: %d %s", a.Status, a.Body)
	}
	time.Sleep(4 * s.StallTimeout)
	if a := send(t, s, cc, push{header: hdr("apns-topic", DemoBundleID)}); a.Status != 200 {
		t.Errorf("after idling: %d %s", a.Status, a.Body)
	}
}

// TestHeadersWithoutBodyTimeOut: a request whose body never comes is
// ended after StallTimeout rather than holding its handler.
func TestHeadersWithoutBodyTimeOut(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, func(s *Server) { s.StallTimeout = 200 * time.Millisecond })
	pr, pw := io.Pipe()
	defer pw.Close()
	cc := dial(t, s, f.demo.Cert)
	req, err := http.NewRequest(http.MethodPost, "https://"+s.Addr+devicePath+DemoToken, pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("apns-topic", DemoBundleID)
	done := make(chan error, 1)
	go func() {
		res, err := cc.RoundTrip(req)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Error("a request without its body is still open after 10 s")
	}
}

// TestIdleConnectionsCloseAfterIdleTimeout: no request for IdleTimeout
// closes the connection (with a GOAWAY).
func TestIdleConnectionsCloseAfterIdleTimeout(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, func(s *Server) { s.IdleTimeout = 300 * time.Millisecond })
	c := dialTLS(t, s, nil)
	io.WriteString(c, http2.ClientPreface)
	http2.NewFramer(c, nil).WriteSettings()
	if !closedBy(t, c, 10*time.Second) {
		t.Error("idle connection still open after IdleTimeout")
	}
}

// TestMaxConns: beyond MaxConns, new connections are closed on arrival;
// once one closes, another is taken.
func TestMaxConns(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, func(s *Server) { s.MaxConns = 2 })
	a, b := dialTLS(t, s, nil), dialTLS(t, s, nil)
	_ = b
	for s.net.open() < 2 {
		time.Sleep(time.Millisecond)
	}
	cfg := &tls.Config{RootCAs: s.Authority.Pool(), NextProtos: []string{"h2"}}
	if c, err := tls.Dial("tcp", s.Addr, cfg); err == nil {
		c.Close()
		t.Error("a third connection was served with MaxConns 2")
	}
	if n := s.RefusedConns(); n != 1 {
		t.Errorf("RefusedConns %d, want 1", n)
	}
	a.Close()
	for s.net.open() > 1 {
		time.Sleep(time.Millisecond)
	}
	cc := dial(t, s, f.demo.Cert)
	if ans := send(t, s, cc, push{header: hdr("apns-topic", DemoBundleID)}); ans.Status != 200 {
		t.Errorf("after one closed: %d %s", ans.Status, ans.Body)
	}
}

// TestHugeHeadersAreRefused: headers beyond APNs' 8000-byte list are
// refused (431, or for one huge field the connection closes with
// COMPRESSION_ERROR) rather than kept in the records.
func TestHugeHeadersAreRefused(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, nil)
	cc := dial(t, s, f.demo.Cert)
	a, err := trySend(s, cc, push{header: hdr("apns-topic", DemoBundleID, "x-big", strings.Repeat("b", 100000))})
	if err == nil && a.Status != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("100 KB of headers: %d %s, want 431", a.Status, a.Body)
	}
	if n := len(s.Records()); n != 0 {
		t.Errorf("%d records of a refused request", n)
	}
}
