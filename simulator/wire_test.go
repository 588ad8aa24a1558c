//lint:file-ignore SA1019 x/net/http2's client is what sideshow/apns2 and most Go APNs clients use: the simulator is tested against it

package simulator

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// rawClient speaks HTTP/2 frame by frame, to see exactly what the
// server writes: SETTINGS, GOAWAY, RST_STREAM, which streams are answered.
type rawClient struct {
	t   *testing.T
	tc  *tls.Conn
	fr  *http2.Framer
	enc *hpack.Encoder
	buf bytes.Buffer
}

func newRawClient(t *testing.T, s *Server, cert *PushCert) *rawClient {
	t.Helper()
	c := &rawClient{t: t, tc: dialTLS(t, s, cert)}
	c.enc = hpack.NewEncoder(&c.buf)
	c.fr = http2.NewFramer(c.tc, c.tc)
	c.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	io.WriteString(c.tc, http2.ClientPreface)
	c.fr.WriteSettings()
	return c
}

// post sends a push on stream id: HEADERS then DATA with END_STREAM.
func (c *rawClient) post(id uint32, kv ...string) {
	c.t.Helper()
	c.buf.Reset()
	for _, f := range [][2]string{{":method", "POST"}, {":scheme", "https"}, {":path", devicePath + DemoToken}, {":authority", "localhost"}} {
		c.enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	for i := 0; i+1 < len(kv); i += 2 {
		c.enc.WriteField(hpack.HeaderField{Name: kv[i], Value: kv[i+1]})
	}
	if err := c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: c.buf.Bytes(), EndHeaders: true}); err != nil {
		c.t.Fatal(err)
	}
	if err := c.fr.WriteData(id, true, []byte(`{"aps":{"alert":"hi"}}`)); err != nil {
		c.t.Fatal(err)
	}
}

// next reads the next frame within limit (nil and the error at the end).
func (c *rawClient) next(limit time.Duration) (http2.Frame, error) {
	c.tc.SetReadDeadline(time.Now().Add(limit))
	f, err := c.fr.ReadFrame()
	if err != nil {
		return nil, err
	}
	if st, ok := f.(*http2.SettingsFrame); ok && !st.IsAck() {
		c.fr.WriteSettingsAck()
	}
	return f, nil
}

// wireLog is what a raw client read until the connection ended.
type wireLog struct {
	goAway  *http2.GoAwayFrame
	debug   string            // its debug data
	status  map[uint32]string // stream: :status answered
	resets  map[uint32]http2.ErrCode
	streams []uint32 // MAX_CONCURRENT_STREAMS values, in order
	err     error    // how it ended
	frames  int
}

// readAll reads until the connection ends or limit passes.
func (c *rawClient) readAll(limit time.Duration) wireLog {
	c.t.Helper()
	w := wireLog{status: map[uint32]string{}, resets: map[uint32]http2.ErrCode{}}
	end := time.Now().Add(limit)
	for {
		f, err := c.next(time.Until(end))
		if err != nil {
			w.err = err
			return w
		}
		c.record(&w, f)
	}
}

func (c *rawClient) record(w *wireLog, f http2.Frame) {
	w.frames++
	switch f := f.(type) {
	case *http2.GoAwayFrame:
		// The framer owns the frame: keep a copy.
		w.goAway = &http2.GoAwayFrame{LastStreamID: f.LastStreamID, ErrCode: f.ErrCode}
		w.debug = string(f.DebugData())
	case *http2.MetaHeadersFrame:
		w.status[f.StreamID] = f.PseudoValue("status")
	case *http2.RSTStreamFrame:
		w.resets[f.StreamID] = f.ErrCode
	case *http2.SettingsFrame:
		if v, ok := f.Value(http2.SettingMaxConcurrentStreams); ok {
			w.streams = append(w.streams, v)
		}
	}
}

func ended(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || isReset(err)
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && !errors.Is(err, os.ErrDeadlineExceeded)
}

// TestSettingsAsAPNs: the first SETTINGS carry APNs' observed values; a
// token connection has one stream until its first valid token, then the
// full count; with StrictStreams a rejection drops it to one and the next
// acceptance raises it again.
func TestSettingsAsAPNs(t *testing.T) {
	f := getFixture(t)
	s, clk := startServer(t, f, func(s *Server) { s.StrictStreams = true })
	c := newRawClient(t, s, nil)
	first, err := c.next(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	st, ok := first.(*http2.SettingsFrame)
	if !ok {
		t.Fatalf("first frame %v, want SETTINGS", first)
	}
	want := map[http2.SettingID]uint32{
		http2.SettingHeaderTableSize: 4096, http2.SettingMaxConcurrentStreams: 1,
		http2.SettingInitialWindowSize: 65535, http2.SettingMaxFrameSize: 16384, http2.SettingMaxHeaderListSize: 8000,
	}
	for id, v := range want {
		if got, ok := st.Value(id); !ok || got != v {
			t.Errorf("SETTINGS %v = %d (sent %v), want %d", id, got, ok, v)
		}
	}
	jwt := bearer(jwtFor(t, f.demo.Key, clk.Now()))
	good := []string{"authorization", jwt, "apns-topic", DemoBundleID}
	// What a stream's answer brings: the SETTINGS before it, its status.
	answer := func(id uint32, kv ...string) (status string, streams []uint32) {
		c.post(id, kv...)
		w := wireLog{status: map[uint32]string{}, resets: map[uint32]http2.ErrCode{}}
		for w.status[id] == "" {
			f, err := c.next(5 * time.Second)
			if err != nil {
				t.Fatalf("stream %d: %v", id, err)
			}
			c.record(&w, f)
		}
		return w.status[id], w.streams
	}
	if st, mcs := answer(1, good...); st != "200" || len(mcs) != 1 || mcs[0] != 1000 {
		t.Errorf("first valid token: %s, SETTINGS %v, want 200 after MAX_CONCURRENT_STREAMS 1000", st, mcs)
	}
	if st, mcs := answer(3, "authorization", jwt, "apns-topic", DemoBundleID, "apns-priority", "7"); st != "400" || len(mcs) != 1 || mcs[0] != 1 {
		t.Errorf("a rejection: %s, SETTINGS %v, want 400 after MAX_CONCURRENT_STREAMS 1", st, mcs)
	}
	if st, mcs := answer(5, good...); st != "200" || len(mcs) != 1 || mcs[0] != 1000 {
		t.Errorf("the next acceptance: %s, SETTINGS %v, want 200 after MAX_CONCURRENT_STREAMS 1000", st, mcs)
	}
	if st, mcs := answer(7, good...); st != "200" || len(mcs) != 0 {
		t.Errorf("another acceptance: %s, SETTINGS %v, want 200 and no SETTINGS", st, mcs)
	}
}

// TestCertificateConnectionsGetEveryStream: a certificate connection
// needs no token: the full count from the first SETTINGS.
func TestCertificateConnectionsGetEveryStream(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, nil)
	c := newRawClient(t, s, f.demo.Cert)
	first, err := c.next(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := first.(*http2.SettingsFrame).Value(http2.SettingMaxConcurrentStreams); v != 1000 {
		t.Errorf("MAX_CONCURRENT_STREAMS %d, want 1000", v)
	}
}

// TestGoAwayAnswersEveryStreamItCovers: with requests in flight, a
// goaway= fault's last-stream-id covers the streams before the one that
// triggered it; each of those is answered (after the GOAWAY), none after
// it is, and the server counts exactly what was answered.
func TestGoAwayAnswersEveryStreamItCovers(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, func(s *Server) { s.Latency = 200 * time.Millisecond })
	if err := s.AddFault("goaway=Shutdown,every=4"); err != nil {
		t.Fatal(err)
	}
	c := newRawClient(t, s, f.demo.Cert)
	for id := uint32(1); id <= 11; id += 2 {
		c.post(id, "apns-topic", DemoBundleID)
	}
	w := c.readAll(10 * time.Second)
	if w.goAway == nil {
		t.Fatalf("no GOAWAY (%v)", w.err)
	}
	last := w.goAway.LastStreamID
	if debug := w.debug; debug != `{"reason":"Shutdown"}` || w.goAway.ErrCode != http2.ErrCodeNo {
		t.Errorf("GOAWAY %v %q", w.goAway.ErrCode, debug)
	}
	if last < 1 || last > 9 {
		t.Fatalf("last-stream-id %d: the fourth request checked is one of 3…11, so 1…9", last)
	}
	answered := 0
	for id := uint32(1); id <= 11; id += 2 {
		st, ok := w.status[id]
		switch {
		case id <= last && st != "200":
			t.Errorf("stream %d ≤ last-stream-id %d: answered %q, want 200", id, last, st)
		case id > last && ok:
			t.Errorf("stream %d > last-stream-id %d answered %s", id, last, st)
		}
		if ok {
			answered++
		}
	}
	if !ended(w.err) {
		t.Errorf("after the answers: %v, want the connection closed", w.err)
	}
	cnt := s.Counts()
	if int(cnt.Accepted) != answered || cnt.GoAways != 1 {
		t.Errorf("the server counts %d accepted and %d GOAWAYs; the client got %d answers and one GOAWAY", cnt.Accepted, cnt.GoAways, answered)
	}
	for _, r := range s.Accepted() {
		_ = r
	}
}

// TestDropClosesWithoutGoAway: --fault drop closes the connection after
// reading the request, with no GOAWAY and no answer; the requests it read
// are recorded as unanswered, none as answered.
func TestDropClosesWithoutGoAway(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, func(s *Server) { s.Latency = 100 * time.Millisecond })
	if err := s.AddFault("drop,every=3"); err != nil {
		t.Fatal(err)
	}
	c := newRawClient(t, s, f.demo.Cert)
	for id := uint32(1); id <= 5; id += 2 {
		c.post(id, "apns-topic", DemoBundleID)
	}
	w := c.readAll(10 * time.Second)
	if w.goAway != nil || len(w.status) != 0 || !ended(w.err) {
		t.Errorf("drop: GOAWAY %v, answers %v, end %v: want none, none, closed", w.goAway, w.status, w.err)
	}
	// The requests in their latency learn of the drop when they wake.
	cnt := s.Counts()
	for end := time.Now().Add(5 * time.Second); cnt.NoAnswer < 3 && time.Now().Before(end); cnt = s.Counts() {
		time.Sleep(5 * time.Millisecond)
	}
	if cnt.Accepted != 0 || cnt.NoAnswer != 3 {
		t.Errorf("counts %+v, want 0 accepted and 3 unanswered", cnt)
	}
	drops := 0
	for _, r := range s.Records() {
		if r.Status != 0 || r.NoAnswer == "" {
			t.Errorf("record %d %q of a dropped connection", r.Status, r.NoAnswer)
		}
		if r.NoAnswer == NoAnswerDrop {
			drops++
		}
	}
	if drops != 1 {
		t.Errorf("%d records say drop, want 1", drops)
	}
}

// TestResetAnswersWithRSTStream: --fault reset resets that stream; the
// next is answered.
func TestResetAnswersWithRSTStream(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, nil)
	if err := s.AddFault("reset,first=1"); err != nil {
		t.Fatal(err)
	}
	c := newRawClient(t, s, f.demo.Cert)
	c.post(1, "apns-topic", DemoBundleID)
	c.post(3, "apns-topic", DemoBundleID)
	w := wireLog{status: map[uint32]string{}, resets: map[uint32]http2.ErrCode{}}
	for len(w.status)+len(w.resets) < 2 {
		f, err := c.next(5 * time.Second)
		if err != nil {
			t.Fatalf("%v (so far %+v)", err, w)
		}
		c.record(&w, f)
	}
	// The first request checked is reset (either stream: they are
	// checked concurrently), the other answered.
	for reset, answered := range map[uint32]uint32{1: 3, 3: 1} {
		if w.resets[reset] == http2.ErrCodeInternal && w.status[reset] == "" && w.status[answered] == "200" {
			recs := s.Records()
			if len(recs) != 2 || recs[0].NoAnswer != NoAnswerReset && recs[1].NoAnswer != NoAnswerReset {
				t.Errorf("records %+v, want one reset", recs)
			}
			return
		}
	}
	t.Errorf("resets %v, answers %v: want one stream reset INTERNAL_ERROR, the other 200", w.resets, w.status)
}

// TestPingKeepsAConnectionPastIdleTimeout: a client that only PINGs is
// not idle; once it stops, the idle timeout closes the connection with
// GOAWAY {"reason":"IdleTimeout"}.
func TestPingKeepsAConnectionPastIdleTimeout(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, func(s *Server) { s.IdleTimeout = 300 * time.Millisecond })
	c := newRawClient(t, s, f.demo.Cert)
	pings := 0
	for start := time.Now(); time.Since(start) < 1200*time.Millisecond; {
		c.fr.WritePing(false, [8]byte{byte(pings)})
		pings++
		for {
			f, err := c.next(100 * time.Millisecond)
			if err != nil {
				break
			}
			if p, ok := f.(*http2.PingFrame); ok && p.IsAck() {
				continue
			}
			if _, ok := f.(*http2.GoAwayFrame); ok {
				t.Fatalf("GOAWAY after %d PINGs: the PINGs should keep the connection", pings)
			}
		}
	}
	w := c.readAll(5 * time.Second)
	if w.goAway == nil || w.debug != `{"reason":"IdleTimeout"}` {
		t.Errorf("idle after PINGs: GOAWAY %v %q (%v), want IdleTimeout", w.goAway, w.debug, w.err)
	}
}

// TestOneClientCannotFillMaxConns: a client that opens more idle
// connections than MaxConnsPerClient loses its oldest ones (with a
// GOAWAY) rather than filling MaxConns; another client, and the same one,
// still get through.
func TestOneClientCannotFillMaxConns(t *testing.T) {
	f := getFixture(t)
	const perClient, total = 20, 30
	s, _ := startServer(t, f, func(s *Server) { s.MaxConns, s.MaxConnsPerClient = total, perClient })
	for i := 0; i < 3*total; i++ {
		newRawClient(t, s, nil)
	}
	for s.net.evictions.Load() < 3*total-perClient-5 {
		time.Sleep(5 * time.Millisecond)
	}
	if n := s.RefusedConns(); n != 0 {
		t.Errorf("%d connections refused: the oldest idle ones should have made room", n)
	}
	// Another client (127.0.0.2 on loopback) and the same one get through.
	for _, local := range []string{"127.0.0.2", "127.0.0.1"} {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
		raw, err := d.Dial("tcp", s.Addr)
		if err != nil {
			t.Fatal(err)
		}
		tc := tls.Client(raw, &tls.Config{RootCAs: s.Authority.Pool(), NextProtos: []string{"h2"}, ServerName: "localhost",
			Certificates: []tls.Certificate{{Certificate: [][]byte{f.demo.Cert.Cert.Raw}, PrivateKey: f.demo.Cert.Key}}})
		cc, err := (&http2.Transport{}).NewClientConn(tc)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		a, err := trySend(s, cc, push{header: hdr("apns-topic", DemoBundleID)})
		if err != nil || a.Status != 200 {
			t.Errorf("client %s: %v %d", local, err, a.Status)
		}
		t.Logf("client %s answered in %v", local, time.Since(start))
		cc.Close()
	}
	s.net.mu.Lock()
	counted, mine := s.net.counted, s.net.perClient["127.0.0.1"]
	s.net.mu.Unlock()
	if counted > total || mine > perClient {
		t.Errorf("%d connections counted (%d from 127.0.0.1): MaxConns %d, MaxConnsPerClient %d", counted, mine, total, perClient)
	}
}
