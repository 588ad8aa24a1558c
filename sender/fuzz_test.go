package sender

// Fuzz targets for the parsers of outside input in package sender: pasted
// device tokens, typed payloads and custom JSON, and whatever bytes a
// server sends to h2.Conn (GOAWAY frames and their debug data included).
// `make fuzz` runs each for a while; `go test` runs their seeds and
// testdata/fuzz as ordinary tests.

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"apnsconsole/sender/h2"
)

// FuzzParseToken checks that any pasted text is either refused with a
// *TokenError that names a problem and a fix, or gives a non-empty token
// whose hex digits all come from the text, in order, and which parses back
// from its own String().
func FuzzParseToken(f *testing.F) {
	for _, s := range []string{
		demoTokenHex, "<740f4707 bebcf74f>", "{length = 2, bytes = 0xabcd}", "32 bytes", "0x", "\xff\xfe", "a\xffb",
		"ExpoPushToken[", "{length = 99999999999999999999, bytes = 0x}", "{length=0,bytes=0X}",
		"{length = 8, bytes = 0x01234567 89abcdef }", `Optional("` + demoTokenHex + `")`, "“0a0b”", "74:0f:47", "0X74, 0x0f",
		"dA9HB76890+bfCXUjjNYlF9qoB2l3bOHRix+r2G7eK0=", "123e4567-e89b-12d3-a456-426655440000", "x:APA91b", "740f…78ad",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := ParseToken(s)
		if err != nil {
			var te *TokenError
			if !errors.Is(err, ErrInvalidToken) || !errors.As(err, &te) {
				t.Fatalf("ParseToken(%q): error %T %v is not a *TokenError wrapping ErrInvalidToken", s, err, err)
			}
			if te.Problem == "" || te.Fix == "" {
				t.Fatalf("ParseToken(%q): error %q lacks a problem or a fix", s, err)
			}
			if tok != nil {
				t.Fatalf("ParseToken(%q) = %s together with error %v", s, tok, err)
			}
			return
		}
		if len(tok) == 0 {
			t.Fatalf("ParseToken(%q) accepted an empty token", s)
		}
		if !isSubsequence(tok.String(), strings.ToLower(s)) {
			t.Fatalf("ParseToken(%q) = %s: digits that are not in the text", s, tok)
		}
		again, err := ParseToken(tok.String())
		if err != nil || !bytes.Equal(again, tok) {
			t.Fatalf("ParseToken(%q) = %s, which does not parse back: %s, %v", s, tok, again, err)
		}
	})
}

// isSubsequence reports whether sub's bytes appear in s in order.
func isSubsequence(sub, s string) bool {
	for i := 0; i < len(sub); i++ {
		j := strings.IndexByte(s, sub[i])
		if j < 0 {
			return false
		}
		s = s[j+1:]
	}
	return true
}

// tokenForms are the ways people paste a token (APNS-REFERENCE §5), each
// writing the bytes b.
var tokenForms = []func(b []byte) string{
	func(b []byte) string { return hex.EncodeToString(b) },
	func(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) },
	func(b []byte) string { return "<" + groupHex(b, 4, " ") + ">" }, // NSData description before iOS 13
	func(b []byte) string { return groupHex(b, 1, ":") },
	func(b []byte) string { return groupHex(b, 1, "-") },
	func(b []byte) string { return groupHex(b, 2, " ") },
	func(b []byte) string { return "0x" + hex.EncodeToString(b) },
	func(b []byte) string { return "0X" + groupHex(b, 1, ", 0x") },
	func(b []byte) string { return " \"" + hex.EncodeToString(b) + "\"\n" },
	func(b []byte) string { return "“" + hex.EncodeToString(b) + "”" },
	func(b []byte) string { return `Optional("` + hex.EncodeToString(b) + `")` },
	func(b []byte) string { h := hex.EncodeToString(b); return h[:len(h)/2] + "\r\n" + h[len(h)/2:] },
	func(b []byte) string { // the iOS 13+ description, which shows every byte up to 24
		return fmt.Sprintf("{length = %d, bytes = 0x%s }", len(b), groupHex(b, 4, " "))
	},
}

// groupHex writes b as hex in groups of n bytes joined by sep.
func groupHex(b []byte, n int, sep string) string {
	var groups []string
	for len(b) > 0 {
		k := min(n, len(b))
		groups = append(groups, hex.EncodeToString(b[:k]))
		b = b[k:]
	}
	return strings.Join(groups, sep)
}

// FuzzParseTokenForms checks the round trip: any token bytes, written in
// any form ParseToken documents, parse back to exactly those bytes.
func FuzzParseTokenForms(f *testing.F) {
	demo, _ := hex.DecodeString(demoTokenHex)
	for i := range tokenForms {
		f.Add(demo, uint8(i))
	}
	f.Add([]byte{0xab}, uint8(2))
	f.Add(bytes.Repeat([]byte{0x01, 0x23}, 12), uint8(12))
	f.Fuzz(func(t *testing.T, b []byte, form uint8) {
		write := tokenForms[int(form)%len(tokenForms)]
		if int(form)%len(tokenForms) == len(tokenForms)-1 && len(b) > 24 {
			b = b[:24] // iOS elides the middle of longer tokens
		}
		if len(b) == 0 {
			if tok, err := ParseToken(write(b)); err == nil {
				t.Fatalf("ParseToken(%q) = %q, want an error for no bytes", write(b), tok)
			}
			return
		}
		s := write(b)
		tok, err := ParseToken(s)
		if err != nil || !bytes.Equal(tok, b) {
			t.Fatalf("ParseToken(%q) = %x, %v; want %x", s, tok, err, b)
		}
	})
}

// FuzzBuildPayload checks that whatever is typed either is refused with a
// *PayloadError naming a problem and a fix, or gives a payload that
// ValidatePayload accepts, whose aps comes first and carries the typed
// alert, badge and sound, and which keeps every custom key's value.
func FuzzBuildPayload(f *testing.F) {
	f.Add("b", "", "", "", 0, false, `{"aps":{"category":"x"},"k":[1,{"a":null}]}`)
	f.Add("", "t", "s", "default", 3, true, `{"aps":{"alert":{"title":"t"}}}`)
	f.Add("<&>", "", "", "", -1, true, `{"a":1,"a":2}`)
	f.Add("", "", "", "", 0, false, `{"aps":{"content-available":1}}`)
	f.Add("\xff", "", "", "", 0, false, `{"k":"\ud800"}`)
	f.Add("", "", "", "", 0, false, `{"aps":[]}`)
	f.Add(strings.Repeat("x", 5000), "", "", "", 0, false, "")
	f.Fuzz(func(t *testing.T, body, title, subtitle, sound string, badge int, hasBadge bool, custom string) {
		m := Message{Body: body, Title: title, Subtitle: subtitle, Sound: sound, Custom: custom}
		if hasBadge {
			m.Badge = &badge
		}
		p, err := BuildPayload(m)
		if err != nil {
			var pe *PayloadError
			if !errors.As(err, &pe) || pe.Problem == "" || pe.Fix == "" {
				t.Fatalf("BuildPayload(%+v): error %T %v is not a *PayloadError with a problem and a fix", m, err, err)
			}
			if !errors.Is(err, ErrPayloadTooLarge) {
				if p != nil {
					t.Fatalf("BuildPayload(%+v) = %s with error %v", m, p, err)
				}
				return
			}
			if len(p) <= DefaultPayloadLimit {
				t.Fatalf("BuildPayload(%+v): too large at %d bytes", m, len(p))
			}
		}
		if verr := ValidatePayload(p, 1<<20); verr != nil {
			t.Fatalf("BuildPayload(%+v) = %s, which is invalid: %v", m, p, verr)
		}
		if !bytes.HasPrefix(p, []byte(`{"aps":{`)) {
			t.Fatalf("BuildPayload(%+v) = %s: aps is not first", m, p)
		}
		var top map[string]any // keys are case-sensitive: "Aps" is a custom key
		if json.Unmarshal(p, &top) != nil {
			t.Fatalf("BuildPayload(%+v) = %s: not JSON", m, p)
		}
		aps, _ := top["aps"].(map[string]any)
		wantAlert := func() any {
			if title == "" && subtitle == "" {
				return jsonRoundTrip(body)
			}
			d := map[string]any{}
			for k, v := range map[string]string{"title": title, "subtitle": subtitle, "body": body} {
				if v != "" {
					d[k] = jsonRoundTrip(v)
				}
			}
			return d
		}
		if (body != "" || title != "" || subtitle != "") && !reflect.DeepEqual(aps["alert"], wantAlert()) {
			t.Fatalf("BuildPayload(%+v) = %s: alert is %#v, want %#v", m, p, aps["alert"], wantAlert())
		}
		if hasBadge && aps["badge"] != float64(badge) {
			t.Fatalf("BuildPayload(%+v) = %s: badge is %v, want %d", m, p, aps["badge"], badge)
		}
		if sound != "" && aps["sound"] != jsonRoundTrip(sound) {
			t.Fatalf("BuildPayload(%+v) = %s: sound is %v, want %q", m, p, aps["sound"], sound)
		}
		var c map[string]any
		if json.Unmarshal([]byte(custom), &c) == nil {
			for k, v := range c {
				if k != "aps" && !reflect.DeepEqual(top[k], v) {
					t.Fatalf("BuildPayload(%+v) = %s: custom key %q is %#v, want %#v", m, p, k, top[k], v)
				}
			}
		}
	})
}

// jsonRoundTrip is s as encoding/json gives it back (invalid UTF-8
// becomes U+FFFD).
func jsonRoundTrip(s string) any {
	b, _ := json.Marshal(s)
	var v any
	json.Unmarshal(b, &v)
	return v
}

// FuzzValidatePayload checks that any bytes are either accepted as a JSON
// object with an aps dictionary within the limit, or refused with a
// *PayloadError that gives the size and limit, wrapping
// ErrPayloadTooLarge exactly when the size is the only problem.
func FuzzValidatePayload(f *testing.F) {
	f.Add([]byte(`{"aps":{"alert":"hi"}}`), 0)
	f.Add([]byte(`{"aps":{}}`), 5)
	f.Add([]byte(`{"aps":1}`), 4096)
	f.Add([]byte(`[{"aps":{}}]`), 256)
	f.Add([]byte(" \n"), 2048)
	f.Add([]byte(`{"aps":{}, "x":"`+"\xff"+`"}`), -1)
	f.Add([]byte(`{"aps":{}}{"aps":{}}`), 0)
	f.Fuzz(func(t *testing.T, p []byte, limit int) {
		err := ValidatePayload(p, limit)
		want := limit
		if want <= 0 {
			want = DefaultPayloadLimit
		}
		var top map[string]any
		shapeOK := json.Unmarshal(p, &top) == nil && top != nil
		if shapeOK {
			_, shapeOK = top["aps"].(map[string]any)
		}
		if err == nil {
			if !shapeOK || len(p) > want {
				t.Fatalf("ValidatePayload(%q, %d) accepted it", p, limit)
			}
			return
		}
		var pe *PayloadError
		if !errors.As(err, &pe) || pe.Problem == "" || pe.Fix == "" || pe.Size != len(p) || pe.Limit != want {
			t.Fatalf("ValidatePayload(%q, %d): error %#v lacks a problem, fix, size or limit", p, limit, err)
		}
		if tooLarge := errors.Is(err, ErrPayloadTooLarge); tooLarge != (shapeOK && len(p) > want) {
			t.Fatalf("ValidatePayload(%q, %d) = %v: too large is %v", p, limit, err, tooLarge)
		}
	})
}

// h2run is what an h2.Conn made of a server's bytes: the GOAWAYs it
// reported and each request's outcome.
type h2run struct {
	conn     *h2.Conn // nil when the handshake failed
	seen     []*GoAwayError
	outcomes []h2outcome
}

type h2outcome struct {
	ans     *h2.Answer
	written bool
	err     error
}

// h2Read runs an h2.Conn against a server that sends stream and hangs up.
// With handshake, the server first completes the HTTP/2 start with an
// empty SETTINGS and waits (at most 2 s) until the client has opened
// requests streams; without it, stream is all the client gets from the
// start. Everything is bounded by deadlines: a hang fails the test.
func h2Read(t *testing.T, stream []byte, handshake bool, requests int) h2run {
	t.Helper()
	cl, sv := net.Pipe()
	defer sv.Close()
	defer cl.Close()
	sv.SetDeadline(time.Now().Add(10 * time.Second))
	opened := make(chan struct{})
	drained := make(chan struct{})
	go func() { // the server reads what the client writes, counting requests
		defer close(drained)
		var preface [len(http2.ClientPreface)]byte
		if _, err := io.ReadFull(sv, preface[:]); err != nil {
			return
		}
		fr := http2.NewFramer(nil, sv)
		n := 0
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				if !errors.As(err, new(http2.StreamError)) && !errors.Is(err, http2.ErrFrameTooLarge) {
					io.Copy(io.Discard, sv)
					return
				}
				continue
			}
			if _, ok := f.(*http2.HeadersFrame); ok {
				if n++; n == requests {
					close(opened)
				}
			}
		}
	}()
	sent := make(chan struct{})
	go func() { // the server's side of the conversation
		defer close(sent)
		if handshake {
			fr := http2.NewFramer(sv, nil)
			if fr.WriteSettings() != nil {
				return
			}
			if requests > 0 {
				select {
				case <-opened:
				case <-time.After(2 * time.Second):
				}
			}
		}
		sv.Write(stream)
		sv.Close()
	}()
	var run h2run
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := h2.NewConn(ctx, cl, "api.example:443", func(code http2.ErrCode, debug []byte) error {
		ga := parseGoAway("api.example:443", code, debug)
		run.seen = append(run.seen, ga)
		return ga
	})
	if err != nil {
		if handshake && len(stream) == 0 {
			// nothing to refuse: the handshake itself cannot fail
			t.Fatalf("handshake with a plain SETTINGS failed: %v", err)
		}
		<-sent
		return run
	}
	run.conn = conn
	run.outcomes = make([]h2outcome, requests)
	var wg sync.WaitGroup
	for i := range requests {
		wg.Go(func() {
			req := &h2.Request{Path: fmt.Sprintf("/3/device/%d", i), Body: []byte(`{"aps":{}}`)}
			if i%2 == 1 {
				req = &h2.Request{Method: "GET", Path: "/1/apps/x/all-channels", MaxBody: 100}
			}
			o := &run.outcomes[i]
			o.ans, o.written, o.err = conn.RoundTrip(ctx, req, 5*time.Second)
		})
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(8 * time.Second):
		t.Fatalf("requests still open 8 s after the server hung up (stream %x)", stream)
	}
	<-sent
	select {
	case <-conn.Done():
	case <-time.After(5 * time.Second):
		t.Fatalf("the connection did not end after the server hung up (stream %x)", stream)
	}
	return run
}

// check holds for any bytes: every request ends with exactly one outcome
// (an answer or an error, never a timeout: the server hung up), nothing
// stays open, and a GOAWAY is reported at most once, as the connection's,
// with debug data taken from the bytes.
func (run h2run) check(t *testing.T, stream []byte) {
	t.Helper()
	for i, o := range run.outcomes {
		if (o.ans == nil) == (o.err == nil) {
			t.Fatalf("request %d: answer %+v and error %v", i, o.ans, o.err)
		}
		if errors.Is(o.err, h2.ErrAnswerTimeout) || errors.Is(o.err, context.DeadlineExceeded) {
			t.Fatalf("request %d waited out its deadline though the server hung up: %v", i, o.err)
		}
		if o.ans != nil && len(o.ans.Body) > h2.DefaultMaxBody {
			t.Fatalf("request %d: a %d-byte body kept", i, len(o.ans.Body))
		}
	}
	if c := run.conn; c != nil {
		open, active := c.InFlight()
		if open != 0 || active != 0 {
			t.Fatalf("%d streams open, %d counted active after the end", open, active)
		}
		if len(run.seen) > 1 || len(run.seen) == 1 && run.seen[0] != goAwayOf(c) || len(run.seen) == 0 && goAwayOf(c) != nil {
			t.Fatalf("GOAWAY reported %d times, connection has %v", len(run.seen), goAwayOf(c))
		}
	}
	for _, ga := range run.seen {
		if !bytes.Contains(stream, []byte(ga.Debug)) || len(stream) < 9+8+len(ga.Debug) {
			t.Fatalf("GOAWAY %+v: its debug data is not in the %d bytes sent", ga, len(stream))
		}
	}
}

// FuzzGoAwayDebugData checks how the client reads a GOAWAY: whatever its
// code and debug data, the error keeps them, takes the reason from a JSON
// {"reason": …} and no other, and says something naming the host.
func FuzzGoAwayDebugData(f *testing.F) {
	f.Add(uint32(0), []byte(`{"reason":"BadCertificateEnvironment"}`), true)
	f.Add(uint32(2), []byte(`{"reason":"Shutdown"}`), false)
	f.Add(uint32(0), []byte(`{"reason":7}`), true)
	f.Add(uint32(11), []byte(``), true)
	f.Add(uint32(0xffffffff), []byte("\x00\xff not json"), false)
	f.Add(uint32(0), []byte(`{"reason":"\u001b[2J"}`), true)
	// The reason is kept as sent, untrimmed, like an answer's reason
	// (encoding/json matches the key's case loosely, in both places).
	f.Add(uint32(0), []byte(`{"reAson":" "}`), true)
	f.Add(uint32(0), []byte(`{"reason":" Shutdown "}`), true)
	f.Fuzz(func(t *testing.T, code uint32, debug []byte, settingsFirst bool) {
		var stream bytes.Buffer
		fr := http2.NewFramer(&stream, nil)
		if settingsFirst {
			fr.WriteSettings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 1000})
		}
		if err := fr.WriteGoAway(0, http2.ErrCode(code), debug); err != nil {
			t.Skip(err) // too large for a frame
		}
		run := h2Read(t, stream.Bytes(), true, 1)
		run.check(t, stream.Bytes())
		if len(run.seen) != 1 {
			t.Fatalf("GOAWAY reported %d times from %x", len(run.seen), stream.Bytes())
		}
		ga := run.seen[0]
		if o := run.outcomes[0]; !errors.Is(o.err, h2.ErrNotProcessed) {
			t.Fatalf("a request above the GOAWAY's last stream ended with %+v, want not processed", o)
		}
		if ga.Code != http2.ErrCode(code) || ga.Debug != string(debug) || ga.Host != "api.example:443" {
			t.Fatalf("GoAwayError %+v, want code %d and debug %q", ga, code, debug)
		}
		var body struct {
			Reason string `json:"reason"`
		}
		if json.Unmarshal(debug, &body) != nil {
			body.Reason = ""
		}
		if ga.Reason != body.Reason {
			t.Fatalf("Reason = %q, want %q from debug %q", ga.Reason, body.Reason, debug)
		}
		if msg := ga.Error(); !strings.Contains(msg, ga.Host) || !strings.Contains(msg, Printable(ga.Reason)) || strings.ContainsFunc(msg, unicode.IsControl) {
			t.Fatalf("Error() = %q names neither the host nor the (escaped) reason %q, or carries a control character", msg, ga.Reason)
		}
	})
}

// FuzzH2ConnRead feeds h2.Conn any bytes a server might send, after the
// HTTP/2 start with requests open (handshake) or from the first byte:
// no panic, no hang, one outcome per request, and a GOAWAY reported only
// with debug data from the bytes (see h2run.check).
func FuzzH2ConnRead(f *testing.F) {
	frames := func(write func(fr *http2.Framer)) []byte {
		var b bytes.Buffer
		write(http2.NewFramer(&b, nil))
		return b.Bytes()
	}
	answer := func(fr *http2.Framer, id uint32, status string, body string) {
		var hb bytes.Buffer
		enc := hpack.NewEncoder(&hb)
		enc.WriteField(hpack.HeaderField{Name: ":status", Value: status})
		enc.WriteField(hpack.HeaderField{Name: "apns-request-id", Value: "r1\x1b[2J"})
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: hb.Bytes(), EndHeaders: true, EndStream: body == ""})
		if body != "" {
			fr.WriteData(id, true, []byte(body))
		}
	}
	ok := frames(func(fr *http2.Framer) {
		answer(fr, 1, "200", "")
		answer(fr, 3, "400", `{"reason":"BadDeviceToken"}`)
		answer(fr, 5, "200", strings.Repeat("x", 101)) // over the GET's 100 bytes
		fr.WriteGoAway(5, http2.ErrCodeNo, []byte(`{"reason":"Shutdown"}`))
	})
	for _, seed := range [][]byte{
		ok, ok[:len(ok)-3], {}, []byte("HTTP/1.1 400 Bad Request\r\n\r\n"),
		{0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, // GOAWAY with no debug data
		{0, 0, 4, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0},             // GOAWAY too short
		{0xff, 0xff, 0xff, 7, 0, 0, 0, 0, 0},                // 16 MB announced
		frames(func(fr *http2.Framer) {
			fr.WriteRSTStream(3, http2.ErrCodeRefusedStream)
			fr.WriteSettings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 0})
		}),
		frames(func(fr *http2.Framer) {
			fr.WriteGoAway(0, http2.ErrCodeNo, []byte("x"))
			fr.WriteGoAway(0, http2.ErrCodeNo, []byte("y"))
		}),
		frames(func(fr *http2.Framer) {
			fr.WritePing(false, [8]byte{})
			fr.WriteWindowUpdate(0, 1<<31-1)
			fr.WriteWindowUpdate(0, 1<<31-1)
		}),
	} {
		f.Add(seed, true)
		f.Add(seed, false)
	}
	f.Fuzz(func(t *testing.T, stream []byte, handshake bool) {
		h2Read(t, stream, handshake, 3).check(t, stream)
	})
}
