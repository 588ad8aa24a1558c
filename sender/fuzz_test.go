package sender

// Fuzz targets for the parsers of outside input in package sender: pasted
// device tokens, typed payloads and custom JSON, and the GOAWAY frames
// (with their debug data) a server sends. `make fuzz` runs each for a
// while; `go test` runs their seeds and testdata/fuzz as ordinary tests.

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/http2"
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

// readerConn is a net.Conn whose reads come from r; the watcher calls
// nothing else.
type readerConn struct {
	net.Conn
	r io.Reader
}

func (c readerConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// watchAll passes stream through a goAwayWatcher as the HTTP/2 transport
// would read it, checks that the transport gets every byte unchanged, and
// waits for the watcher to stop.
func watchAll(t *testing.T, stream []byte) *goAwayWatcher {
	t.Helper()
	var seen []*GoAwayError
	w := watchGoAway(readerConn{r: bytes.NewReader(stream)}, "api.example:443", func(e *GoAwayError) { seen = append(seen, e) })
	got, err := io.ReadAll(w)
	if err != nil || !bytes.Equal(got, stream) {
		t.Fatalf("the transport read %d bytes (%v) of %d, or other bytes", len(got), err, len(stream))
	}
	<-w.done
	if ga := w.GoAway(); len(seen) != 0 && (len(seen) != 1 || seen[0] != ga) || ga != nil && len(seen) != 1 {
		t.Fatalf("onSeen was called %d times for GOAWAY %v", len(seen), ga)
	}
	return w
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
	f.Fuzz(func(t *testing.T, code uint32, debug []byte, settingsFirst bool) {
		var stream bytes.Buffer
		fr := http2.NewFramer(&stream, nil)
		if settingsFirst {
			fr.WriteSettings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 1000})
		}
		if err := fr.WriteGoAway(0, http2.ErrCode(code), debug); err != nil {
			t.Skip(err) // too large for a frame
		}
		ga := watchAll(t, stream.Bytes()).GoAway()
		if ga == nil {
			t.Fatalf("no GOAWAY seen in %x", stream.Bytes())
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
		if msg := ga.Error(); !strings.Contains(msg, ga.Host) || !strings.Contains(msg, ga.Reason) {
			t.Fatalf("Error() = %q names neither the host nor the reason %q", msg, ga.Reason)
		}
	})
}

// FuzzGoAwayWatcher feeds the watcher any bytes a server might send: it
// must hand every byte to the transport unchanged, stop, and report a
// GOAWAY only when the bytes hold one.
func FuzzGoAwayWatcher(f *testing.F) {
	var ok bytes.Buffer
	fr := http2.NewFramer(&ok, nil)
	fr.WriteSettings()
	fr.WriteGoAway(1, http2.ErrCodeNo, []byte(`{"reason":"IdleTimeout"}`))
	f.Add(ok.Bytes())
	f.Add(ok.Bytes()[:ok.Len()-3])
	f.Add([]byte{})
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
	f.Add([]byte{0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}) // GOAWAY with no debug data
	f.Add([]byte{0, 0, 4, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0})             // GOAWAY too short
	f.Add([]byte{0xff, 0xff, 0xff, 7, 0, 0, 0, 0, 0})                // 16 MB announced
	f.Fuzz(func(t *testing.T, stream []byte) {
		ga := watchAll(t, stream).GoAway()
		if ga != nil && !bytes.Contains(stream, []byte(ga.Debug)) {
			t.Fatalf("GOAWAY debug %q is not in the stream", ga.Debug)
		}
		if ga != nil && len(stream) < 9+8 {
			t.Fatalf("GOAWAY %+v from %d bytes, fewer than a frame", ga, len(stream))
		}
	})
}
