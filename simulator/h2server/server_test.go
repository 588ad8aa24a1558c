package h2server

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// serve runs h on a loopback listener (no TLS: the server takes any
// net.Conn) and returns a framer client connected to it.
func serve(t *testing.T, s *Server, h http.Handler, clientSettings ...http2.Setting) (*http2.Framer, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.NewConn(c).Serve(h)
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	io.WriteString(c, ClientPreface)
	fr := http2.NewFramer(c, c)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	fr.WriteSettings(clientSettings...)
	return fr, c
}

func request(t *testing.T, fr *http2.Framer, id uint32, endStream bool) {
	t.Helper()
	var b bytes.Buffer
	enc := hpack.NewEncoder(&b)
	for _, kv := range [][2]string{{":method", "GET"}, {":scheme", "http"}, {":path", "/x"}, {":authority", "localhost"}} {
		enc.WriteField(hpack.HeaderField{Name: kv[0], Value: kv[1]})
	}
	fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: b.Bytes(), EndHeaders: true, EndStream: endStream})
}

// TestFlowControlAndContinuation: a response whose headers pass the
// client's frame size goes out as HEADERS + CONTINUATION, and its body
// within the client's windows, the rest after WINDOW_UPDATE.
func TestFlowControlAndContinuation(t *testing.T) {
	big := strings.Repeat("v", 20000)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-big", big)
		w.Write(bytes.Repeat([]byte("b"), 100))
	})
	fr, c := serve(t, &Server{}, h, http2.Setting{ID: http2.SettingInitialWindowSize, Val: 10})
	request(t, fr, 1, true)
	var body []byte
	var gotHeaders, updated bool
	for len(body) < 100 {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("after %d body bytes: %v", len(body), err)
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				fr.WriteSettingsAck()
			}
		case *http2.MetaHeadersFrame:
			gotHeaders = true
			var v string
			for _, hf := range f.RegularFields() {
				if hf.Name == "x-big" {
					v = hf.Value
				}
			}
			if v != big || f.PseudoValue("status") != "200" {
				t.Errorf("headers: status %q, x-big of %d bytes", f.PseudoValue("status"), len(v))
			}
		case *http2.DataFrame:
			body = append(body, f.Data()...)
			if len(body) > 10 && !updated {
				t.Fatalf("%d body bytes past a window of 10", len(body))
			}
			if len(body) == 10 {
				updated = true
				fr.WriteWindowUpdate(1, 90)
			}
		}
	}
	if !gotHeaders || len(body) != 100 {
		t.Errorf("headers %v, body %d bytes", gotHeaders, len(body))
	}
}

// TestMaxConcurrentStreamsIsEnforced: once the client acknowledged
// MAX_CONCURRENT_STREAMS 1, a second stream while one is being answered
// is refused with REFUSED_STREAM.
func TestMaxConcurrentStreamsIsEnforced(t *testing.T) {
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release })
	defer close(release)
	s := &Server{Settings: Settings{MaxConcurrentStreams: 1}}
	fr, c := serve(t, s, h)
	for acked := false; !acked; {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatal(err)
		}
		if st, ok := f.(*http2.SettingsFrame); ok && !st.IsAck() {
			fr.WriteSettingsAck()
			acked = true
		}
	}
	request(t, fr, 1, true)
	request(t, fr, 3, true)
	for {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatal(err)
		}
		if rst, ok := f.(*http2.RSTStreamFrame); ok {
			if rst.StreamID != 3 || rst.ErrCode != http2.ErrCodeRefusedStream {
				t.Errorf("RST_STREAM %d %v, want 3 REFUSED_STREAM", rst.StreamID, rst.ErrCode)
			}
			return
		}
	}
}
