//lint:file-ignore SA1019 x/net/http2's client is what sideshow/apns2 and most Go APNs clients use: the simulator is tested against it

package simulator

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender"

	"golang.org/x/net/http2"
)

// env is what a reason case works with: a started server with a test
// clock, on the shared fixture.
type env struct {
	t   *testing.T
	f   *fixture
	s   *Server
	clk *clock
}

// tokenHeader is a valid token-auth header set (demo key, demo topic)
// changed by name/value pairs; the value "-" removes the header.
func (e *env) tokenHeader(kv ...string) http.Header {
	h := hdr("authorization", bearer(jwtFor(e.t, e.f.demo.Key, e.clk.Now())), "apns-topic", DemoBundleID)
	return edit(h, kv)
}

// certHeader is a valid certificate-auth header set (demo topic).
func (e *env) certHeader(kv ...string) http.Header {
	return edit(hdr("apns-topic", DemoBundleID), kv)
}

func edit(h http.Header, kv []string) http.Header {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "-" {
			h.Del(kv[i])
		} else {
			h.Set(kv[i], kv[i+1])
		}
	}
	return h
}

// viaToken sends p on a new token-auth connection.
func (e *env) viaToken(p push) answer {
	return send(e.t, e.s, dial(e.t, e.s, nil), p)
}

// viaCert sends p on a new connection authenticated with cert.
func (e *env) viaCert(cert *PushCert, p push) answer {
	return send(e.t, e.s, dial(e.t, e.s, cert), p)
}

var tokenSerial int

// freshToken is a device token no other case uses.
func freshToken() string {
	tokenSerial++
	return fmt.Sprintf("%064x", 0xabc000+tokenSerial)
}

// failWith injects reason for a fresh token and sends a valid push to it.
func failWith(reason string) func(e *env) answer {
	return func(e *env) answer {
		tok := freshToken()
		e.s.Fail(tok, reason)
		return e.viaToken(push{token: tok, header: e.tokenHeader()})
	}
}

type reasonCase struct {
	reason string
	name   string
	run    func(e *env) answer
}

var reasonCases = []reasonCase{
	{"BadCollapseId", "65 bytes in 33 characters", func(e *env) answer {
		return e.viaToken(push{header: e.tokenHeader("apns-collapse-id", "a"+strings.Repeat("é", 32))})
	}},
	{"BadDeviceToken", "odd length", func(e *env) answer {
		return e.viaToken(push{token: DemoToken[:63], header: e.tokenHeader()})
	}},
	{"BadDeviceToken", "not hex", func(e *env) answer {
		return e.viaToken(push{token: "zz" + DemoToken[2:], header: e.tokenHeader()})
	}},
	{"BadDeviceToken", "2 bytes (1234)", func(e *env) answer {
		return e.viaToken(push{token: "1234", header: e.tokenHeader()})
	}},
	{"BadDeviceToken", "31 bytes", func(e *env) answer {
		return e.viaToken(push{token: DemoToken[:62], header: e.tokenHeader()})
	}},
	{"BadDeviceToken", "8 bytes of a pasted description", func(e *env) answer {
		return e.viaToken(push{token: "740f4707bebcf74f", header: e.tokenHeader()})
	}},
	{"BadDeviceToken", "101 bytes", func(e *env) answer {
		return e.viaToken(push{token: strings.Repeat("ab", 101), header: e.tokenHeader()})
	}},
	{"BadDeviceToken", "token of the other environment", func(e *env) answer {
		tok := freshToken()
		e.s.OtherEnvironment(tok)
		return e.viaToken(push{token: tok, header: e.tokenHeader()})
	}},
	{"BadExpirationDate", "not a number", func(e *env) answer {
		return e.viaToken(push{header: e.tokenHeader("apns-expiration", "tomorrow")})
	}},
	{"BadExpirationDate", "negative", func(e *env) answer {
		return e.viaToken(push{header: e.tokenHeader("apns-expiration", "-1")})
	}},
	{"BadMessageId", "not a UUID", func(e *env) answer {
		return e.viaToken(push{header: e.tokenHeader("apns-id", "123e4567e89b12d3a4564266554400a0")})
	}},
	{"BadPriority", "7", func(e *env) answer {
		return e.viaToken(push{header: e.tokenHeader("apns-priority", "7")})
	}},
	{"BadPriority", "10 for background", func(e *env) answer {
		return e.viaToken(push{header: e.tokenHeader("apns-priority", "10", "apns-push-type", "background")})
	}},
	{"BadTopic", "voip push to the app topic", func(e *env) answer {
		return e.viaToken(push{header: e.tokenHeader("apns-push-type", "voip")})
	}},
	{"BadTopic", "alert push to the voip topic (certificate)", func(e *env) answer {
		return e.viaCert(e.f.demo.Cert, push{header: e.certHeader("apns-topic", DemoBundleID+".voip", "apns-push-type", "alert")})
	}},
	{"DeviceTokenNotForTopic", "token registered for another app", func(e *env) answer {
		tok := freshToken()
		e.s.RegisterToken(tok, "com.example.other")
		return e.viaToken(push{token: tok, header: e.tokenHeader()})
	}},
	{"DuplicateHeaders", "apns-priority twice", func(e *env) answer {
		h := e.tokenHeader()
		h["Apns-Priority"] = []string{"10", "10"}
		return e.viaToken(push{header: h})
	}},
	{"IdleTimeout", "injected", failWith("IdleTimeout")},
	{"InvalidPushType", "banner", func(e *env) answer {
		return e.viaToken(push{header: e.tokenHeader("apns-push-type", "banner")})
	}},
	{"MissingDeviceToken", "path /3/device/", func(e *env) answer {
		return e.viaToken(push{path: "/3/device/", header: e.tokenHeader()})
	}},
	{"MissingTopic", "token auth without topic", func(e *env) answer {
		return e.viaToken(push{header: e.tokenHeader("apns-topic", "-")})
	}},
	{"MissingTopic", "certificate with three topics, none given", func(e *env) answer {
		return e.viaCert(e.f.demo.Cert, push{header: e.certHeader("apns-topic", "-")})
	}},
	{"PayloadEmpty", "no body", func(e *env) answer {
		return e.viaToken(push{body: noBody, header: e.tokenHeader()})
	}},
	{"TopicDisallowed", "bundle not of the key's team", func(e *env) answer {
		return e.viaToken(push{header: e.tokenHeader("apns-topic", "com.example.teamtwo")})
	}},
	{"TopicDisallowed", "topic not in the certificate", func(e *env) answer {
		return e.viaCert(e.f.demo.Cert, push{header: e.certHeader("apns-topic", "com.example.other")})
	}},
	{"BadCertificate", "issued by another authority", func(e *env) answer {
		return e.viaCert(e.f.foreign, push{header: e.certHeader()})
	}},
	{"BadCertificate", "expired", func(e *env) answer {
		return e.viaCert(e.f.expired, push{header: e.certHeader()})
	}},
	{"BadCertificate", "no environment marker", func(e *env) answer {
		return e.viaCert(e.f.notPush, push{header: e.certHeader()})
	}},
	{"BadCertificateEnvironment", "production certificate: GOAWAY with debug data", goAwayCase},
	{"ExpiredProviderToken", "iat 61 minutes old", func(e *env) answer {
		h := e.tokenHeader("authorization", bearer(jwtFor(e.t, e.f.demo.Key, e.clk.Now().Add(-61*time.Minute))))
		return e.viaToken(push{header: h})
	}},
	{"ExpiredProviderToken", "clock moved 61 minutes past iat", func(e *env) answer {
		h := e.tokenHeader()
		e.clk.Advance(61 * time.Minute)
		return e.viaToken(push{header: h})
	}},
	{"ExpiredProviderToken", "iat 61 minutes ahead", func(e *env) answer {
		h := e.tokenHeader("authorization", bearer(jwtFor(e.t, e.f.demo.Key, e.clk.Now().Add(61*time.Minute))))
		return e.viaToken(push{header: h})
	}},
	{"Forbidden", "injected", failWith("Forbidden")},
	{"InvalidProviderToken", "not a JWT", func(e *env) answer {
		return e.viaToken(push{header: e.tokenHeader("authorization", "bearer not.a.jwt")})
	}},
	{"InvalidProviderToken", "unknown key id", func(e *env) answer {
		k := *e.f.other
		k.KeyID = "UNKNOWN123"
		return e.viaToken(push{header: e.tokenHeader("authorization", bearer(jwtFor(e.t, &k, e.clk.Now())))})
	}},
	{"InvalidProviderToken", "signed by another key", func(e *env) answer {
		k := *e.f.other
		k.KeyID = DemoKeyID
		return e.viaToken(push{header: e.tokenHeader("authorization", bearer(jwtFor(e.t, &k, e.clk.Now())))})
	}},
	{"InvalidProviderToken", "issuer not the key's team", func(e *env) answer {
		k := *e.f.demo.Key
		k.TeamID = e.f.otherTeam.TeamID
		return e.viaToken(push{header: e.tokenHeader("authorization", bearer(jwtFor(e.t, &k, e.clk.Now())))})
	}},
	{"InvalidProviderToken", "second team on the connection", func(e *env) answer {
		cc := dial(e.t, e.s, nil)
		if a := send(e.t, e.s, cc, push{header: e.tokenHeader()}); a.Status != 200 {
			e.t.Fatalf("first push: %d %s", a.Status, a.Reason)
		}
		e.clk.Advance(21 * time.Minute)
		h := e.tokenHeader("authorization", bearer(jwtFor(e.t, e.f.otherTeam, e.clk.Now())), "apns-topic", "com.example.teamtwo")
		return send(e.t, e.s, cc, push{header: h})
	}},
	{"MissingProviderToken", "no authorization", func(e *env) answer {
		return e.viaToken(push{header: e.tokenHeader("authorization", "-")})
	}},
	{"MissingProviderToken", "not bearer", func(e *env) answer {
		return e.viaToken(push{header: e.tokenHeader("authorization", "Basic dXNlcjpwYXNz")})
	}},
	{"MissingProviderToken", "bearer without token", func(e *env) answer {
		return e.viaToken(push{header: e.tokenHeader("authorization", "bearer ")})
	}},
	{"UnrelatedKeyIdInToken", "second key of the team on the connection", func(e *env) answer {
		cc := dial(e.t, e.s, nil)
		if a := send(e.t, e.s, cc, push{header: e.tokenHeader()}); a.Status != 200 {
			e.t.Fatalf("first push: %d %s", a.Status, a.Reason)
		}
		e.clk.Advance(21 * time.Minute)
		return send(e.t, e.s, cc, push{header: e.tokenHeader("authorization", bearer(jwtFor(e.t, e.f.other, e.clk.Now())))})
	}},
	{"BadEnvironmentKeyIdInToken", "production key, Apple's documented spelling", func(e *env) answer {
		s, clk := startServer(e.t, e.f, func(s *Server) { s.EnvironmentKeyReason = "BadEnvironmentKeyIdInToken" })
		h := e.tokenHeader("authorization", bearer(jwtFor(e.t, e.f.prodKey, clk.Now())))
		return send(e.t, s, dial(e.t, s, nil), push{header: h})
	}},
	{"BadEnvironmentKeyInToken", "production key, default spelling", func(e *env) answer {
		return e.viaToken(push{header: e.tokenHeader("authorization", bearer(jwtFor(e.t, e.f.prodKey, e.clk.Now())))})
	}},
	{"BadPath", "/3/devices/", func(e *env) answer {
		return e.viaToken(push{path: "/3/devices/" + DemoToken, header: e.tokenHeader()})
	}},
	{"BadPath", "/3/device without slash", func(e *env) answer {
		return e.viaToken(push{path: "/3/device", header: e.tokenHeader()})
	}},
	{"MethodNotAllowed", "GET", func(e *env) answer {
		return e.viaToken(push{method: http.MethodGet, body: noBody, header: e.tokenHeader()})
	}},
	{"ExpiredToken", "expired token", func(e *env) answer {
		tok := freshToken()
		e.s.Expire(tok)
		return e.viaToken(push{token: tok, header: e.tokenHeader()})
	}},
	{"Unregistered", "unregistered token", func(e *env) answer {
		tok := freshToken()
		at := time.UnixMilli(1496371306210)
		e.s.Unregister(tok, at)
		a := e.viaToken(push{token: tok, header: e.tokenHeader()})
		if a.Timestamp == nil || *a.Timestamp != at.UnixMilli() {
			e.t.Errorf("timestamp = %v, want %d; body %s", a.Timestamp, at.UnixMilli(), a.Body)
		}
		return a
	}},
	{"PayloadTooLarge", "4097 bytes alert", func(e *env) answer {
		return e.viaToken(push{body: repeat(4097), header: e.tokenHeader()})
	}},
	{"PayloadTooLarge", "100 KB, more than the server reads", func(e *env) answer {
		return e.viaToken(push{body: repeat(100 << 10), header: e.tokenHeader()})
	}},
	{"PayloadTooLarge", "5121 bytes voip", func(e *env) answer {
		return e.viaCert(e.f.demo.Cert, push{body: repeat(5121),
			header: e.certHeader("apns-topic", DemoBundleID+".voip", "apns-push-type", "voip")})
	}},
	{"TooManyProviderTokenUpdates", "new JWT 5 minutes after the first", func(e *env) answer {
		cc := dial(e.t, e.s, nil)
		if a := send(e.t, e.s, cc, push{header: e.tokenHeader()}); a.Status != 200 {
			e.t.Fatalf("first push: %d %s", a.Status, a.Reason)
		}
		e.clk.Advance(5 * time.Minute)
		return send(e.t, e.s, cc, push{header: e.tokenHeader()})
	}},
	{"TooManyRequests", "injected", failWith("TooManyRequests")},
	{"InternalServerError", "injected", failWith("InternalServerError")},
	{"ServiceUnavailable", "injected", failWith("ServiceUnavailable")},
	{"Shutdown", "injected", failWith("Shutdown")},
}

// goAwayCase connects with a production-only certificate to the sandbox
// server, speaking HTTP/2 with a bare framer, and returns the reason from
// the GOAWAY's debug data with the status the server recorded.
func goAwayCase(e *env) answer {
	t := e.t
	tc := dialTLS(t, e.s, e.f.production)
	tc.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(tc, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(tc, tc)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	var seen []string
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("no GOAWAY (frames: %v): %v", seen, err)
		}
		seen = append(seen, f.Header().Type.String())
		ga, ok := f.(*http2.GoAwayFrame)
		if !ok {
			continue
		}
		if ga.LastStreamID != 0 || ga.ErrCode != http2.ErrCodeNo {
			t.Errorf("GOAWAY LastStreamID=%d ErrCode=%v, want 0 NO_ERROR", ga.LastStreamID, ga.ErrCode)
		}
		if want := `{"reason":"BadCertificateEnvironment"}`; string(ga.DebugData()) != want {
			t.Errorf("debug data %q, want %q", ga.DebugData(), want)
		}
		if seen[0] != "SETTINGS" {
			t.Errorf("frames %v: SETTINGS should come first", seen)
		}
		var v struct{ Reason string }
		json.Unmarshal(ga.DebugData(), &v)
		// The server then closes: the next read ends the connection.
		if _, err := fr.ReadFrame(); err == nil {
			t.Error("connection still open after GOAWAY")
		}
		a := answer{Reason: v.Reason}
		for _, r := range e.s.Records() {
			if r.GoAway && r.Reason == v.Reason {
				a.Status = r.Status
			}
		}
		return a
	}
}

// TestEveryReason makes the server answer every reason in sender.Reasons,
// and fails if a reason has no case.
func TestEveryReason(t *testing.T) {
	f := getFixture(t)
	s, clk := startServer(t, f, nil)
	covered := make(map[string]bool)
	for _, tc := range reasonCases {
		covered[tc.reason] = true
		t.Run(tc.reason+"/"+tc.name, func(t *testing.T) {
			e := &env{t: t, f: f, s: s, clk: clk}
			a := tc.run(e)
			want, known := pinnedStatus[tc.reason] // Apple's table, not the client's
			if !known {
				t.Fatalf("%s is not a reason Apple documents", tc.reason)
			}
			if a.Reason != tc.reason || a.Status != want {
				t.Errorf("got %d %q, want %d %q (body %s)", a.Status, a.Reason, want, tc.reason, a.Body)
			}
			if a.Header != nil {
				checkErrorHeaders(t, a)
			}
		})
	}
	for _, r := range sender.Reasons {
		if !covered[r.Name] {
			t.Errorf("no case makes the server answer %s", r.Name)
		}
	}
}

// checkErrorHeaders checks an error answer's framing: JSON body, an
// apns-id, no apns-unique-id.
func checkErrorHeaders(t *testing.T, a answer) {
	t.Helper()
	if ct := a.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("content-type %q", ct)
	}
	if id := a.Header.Get("apns-id"); !isCanonicalUUID(id) {
		t.Errorf("apns-id %q", id)
	}
	if a.Header.Get("apns-unique-id") != "" {
		t.Error("apns-unique-id on an error")
	}
	var keys map[string]any
	if err := json.NewDecoder(bytes.NewReader(a.Body)).Decode(&keys); err != nil {
		t.Fatalf("body %q: %v", a.Body, err)
	}
	for k := range keys {
		if k != "reason" && !(k == "timestamp" && keys["reason"] == "Unregistered") {
			t.Errorf("unexpected body key %q in %s", k, a.Body)
		}
	}
}

// TestGoAwaySeenByClient shows how x/net's HTTP/2 client meets the
// BadCertificateEnvironment GOAWAY: RoundTrip fails with one of x/net's
// unexported connection errors, which carry no debug data; the reason is
// only visible to something reading the frames, such as a framer fed a
// copy of the bytes the connection reads.
func TestGoAwaySeenByClient(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, nil)
	tc := dialTLS(t, s, f.production)
	tap := newFrameTap(tc)
	cc, err := (&http2.Transport{}).NewClientConn(tap)
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	_, err = trySend(s, cc, push{header: hdr("apns-topic", DemoBundleID)})
	if err == nil {
		t.Fatal("request answered on a refused connection")
	}
	t.Logf("RoundTrip error: %T %v", err, err)
	var gae http2.GoAwayError
	switch msg := err.Error(); {
	case errors.As(err, &gae):
		if gae.DebugData != `{"reason":"BadCertificateEnvironment"}` {
			t.Errorf("GoAwayError debug data %q", gae.DebugData)
		}
	case msg == "http2: Transport received Server's graceful shutdown GOAWAY",
		msg == "http2: client conn not usable",
		msg == "http2: client conn could not be established":
	default:
		t.Errorf("unexpected RoundTrip error %q", msg)
	}
	select {
	case debug := <-tap.goAway:
		if debug != `{"reason":"BadCertificateEnvironment"}` {
			t.Errorf("tapped debug data %q", debug)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the tap saw no GOAWAY")
	}
}

// frameTap is a connection that hands a copy of what it reads to an
// http2.Framer, to catch GOAWAY debug data.
type frameTap struct {
	*tls.Conn
	pw     *io.PipeWriter
	goAway chan string
}

func newFrameTap(c *tls.Conn) *frameTap {
	pr, pw := io.Pipe()
	ft := &frameTap{Conn: c, pw: pw, goAway: make(chan string, 1)}
	go func() {
		fr := http2.NewFramer(nil, pr)
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				pr.CloseWithError(err)
				return
			}
			if ga, ok := f.(*http2.GoAwayFrame); ok {
				ft.goAway <- string(ga.DebugData())
				pr.Close()
				return
			}
		}
	}()
	return ft
}

func (ft *frameTap) Read(p []byte) (int, error) {
	n, err := ft.Conn.Read(p)
	if n > 0 {
		ft.pw.Write(p[:n]) // fails once the tap has stopped: ignored
	}
	return n, err
}
