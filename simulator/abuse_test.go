package simulator

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// TestContinuationFloodIsCut: HEADERS followed by CONTINUATION frames that
// never end the header block is cut off once past MAX_HEADER_LIST_SIZE:
// the connection closes rather than buffering without end.
func TestContinuationFloodIsCut(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, nil)
	c := newRawClient(t, s, f.demo.Cert)
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	enc.WriteField(hpack.HeaderField{Name: ":method", Value: "POST"})
	c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: block.Bytes()})
	chunk := bytes.Repeat([]byte{0x40, 0x01, 'x', 0x01, 'y'}, 3000) // literal fields, 15 KB per frame
	sent := 0
	for ; sent < 2000; sent++ { // 30 MB if nothing stopped it
		c.tc.SetWriteDeadline(time.Now().Add(5 * time.Second))
		if err := c.fr.WriteContinuation(1, false, chunk); err != nil {
			break
		}
	}
	if sent == 2000 {
		t.Fatalf("the server took %d CONTINUATION frames (%d MB) of one header block", sent, sent*len(chunk)>>20)
	}
	if w := c.readAll(10 * time.Second); !ended(w.err) {
		t.Errorf("after the flood: %v, want the connection closed", w.err)
	}
}

// TestRapidResetIsBounded: a client that opens streams and resets them at
// once, 20,000 times, neither grows the server without bound nor stops it
// answering others.
func TestRapidResetIsBounded(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, func(s *Server) { s.Latency = 50 * time.Millisecond })
	c := newRawClient(t, s, f.demo.Cert)
	go io.Copy(io.Discard, c.tc) // whatever the server answers
	for id := uint32(1); id < 40000; id += 2 {
		c.post(id, "apns-topic", DemoBundleID)
		if err := c.fr.WriteRSTStream(id, http2.ErrCodeCancel); err != nil {
			break
		}
	}
	cc := dial(t, s, f.demo.Cert)
	if a := send(t, s, cc, push{header: hdr("apns-topic", DemoBundleID)}); a.Status != 200 {
		t.Errorf("another client after the resets: %d %s", a.Status, a.Body)
	}
	if n := s.Counts().Accepted; n > 2000 {
		t.Errorf("%d of the reset streams were answered: the server kept working for a client that left", n)
	}
}

// TestHugeBodyIsAnsweredAndTheRestDiscarded: a 1 MB body is answered 413
// PayloadTooLarge without being kept, and the connection goes on.
func TestHugeBodyIsAnsweredAndTheRestDiscarded(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, nil)
	cc := dial(t, s, f.demo.Cert)
	a := send(t, s, cc, push{body: strings.Repeat("x", 1<<20), header: hdr("apns-topic", DemoBundleID)})
	if a.Status != 413 || a.Reason != "PayloadTooLarge" {
		t.Errorf("1 MB body: %d %s", a.Status, a.Body)
	}
	if b := send(t, s, cc, push{header: hdr("apns-topic", DemoBundleID)}); b.Status != 200 {
		t.Errorf("the next request: %d %s", b.Status, b.Body)
	}
	for _, r := range s.Records() {
		if len(r.Payload) > maxPayloadBuffer+1 {
			t.Errorf("a record keeps %d bytes of payload", len(r.Payload))
		}
	}
}

// TestGarbageAfterThePrefaceClosesTheConnection: bytes that are not
// HTTP/2 frames end the connection (with a GOAWAY when they parse as a
// frame of the wrong kind).
func TestGarbageAfterThePrefaceClosesTheConnection(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, nil)
	c := newRawClient(t, s, f.demo.Cert)
	c.tc.Write([]byte{0, 0, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0}) // WINDOW_UPDATE of 0 on the connection: PROTOCOL_ERROR
	if w := c.readAll(10 * time.Second); !ended(w.err) || w.goAway == nil || w.goAway.ErrCode != http2.ErrCodeProtocol {
		t.Errorf("a zero WINDOW_UPDATE: GOAWAY %v, end %v; want GOAWAY PROTOCOL_ERROR and the close", w.goAway, w.err)
	}
}

// TestNetHTTPClientThroughGoAways: Go's own net/http client (HTTP/2 over
// TLS) sends 300 notifications, 20 at a time, through a GOAWAY every 25
// requests: every one is answered once, none twice, none hangs.
func TestNetHTTPClientThroughGoAways(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, func(s *Server) { s.Latency = time.Millisecond })
	if err := s.AddFault("goaway=Shutdown,every=25"); err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: s.Authority.Pool(),
			Certificates: []tls.Certificate{{Certificate: [][]byte{f.demo.Cert.Cert.Raw}, PrivateKey: f.demo.Cert.Key}}},
		ForceAttemptHTTP2: true,
	}
	tr.Protocols = new(http.Protocols)
	tr.Protocols.SetHTTP2(true)
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 20 * time.Second}
	const n = 300
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := map[string]int{}
	ids := make(chan string, n)
	for i := 0; i < n; i++ {
		ids <- fmt.Sprintf("00000000-0000-4000-8000-%012x", i+1)
	}
	close(ids)
	for w := 0; w < 20; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ids {
				for attempt := 0; attempt < 5; attempt++ {
					req, _ := http.NewRequest(http.MethodPost, "https://"+s.Addr+devicePath+DemoToken, strings.NewReader(`{"aps":{"alert":"hi"}}`))
					req.Header.Set("apns-topic", DemoBundleID)
					req.Header.Set("apns-id", id)
					res, err := client.Do(req)
					if err != nil {
						continue // a GOAWAY net/http did not retry itself: not processed, safe to send again
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					mu.Lock()
					if res.StatusCode == 200 {
						ok[id]++
					}
					mu.Unlock()
					break
				}
			}
		}()
	}
	wg.Wait()
	seen := map[string]int{}
	for _, a := range s.Accepted() {
		seen[a.ApnsID]++
	}
	if len(ok) != n || len(seen) != n {
		t.Errorf("the client saw %d accepted, the server accepted %d, want %d", len(ok), len(seen), n)
	}
	for id, k := range seen {
		if k != 1 || ok[id] != 1 {
			t.Errorf("%s: accepted %d times by the server, %d by the client", id, k, ok[id])
		}
	}
	if s.Counts().GoAways == 0 {
		t.Error("no GOAWAY")
	}
}
