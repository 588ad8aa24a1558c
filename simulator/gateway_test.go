package simulator_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"apnsconsole/sender/legacy"
	"apnsconsole/simulator"
)

// The bytes in these tests are written out by hand (big-endian, as in
// APNS-REFERENCE §4), so the gateway is checked against the reference and
// not against package sender's packer.

const demoTokenHex = "740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad"

// payloadHex is {"aps":{}} (10 bytes).
const payloadHex = "7b22617073223a7b7d7d"

var (
	pkiOnce sync.Once
	pkiA    *simulator.Authority
	pkiD    *simulator.Demo
	pkiErr  error
)

// pki is one authority and demo for every gateway of these tests (RSA keys
// are slow to make).
func pki(t testing.TB) (*simulator.Authority, *simulator.Demo) {
	t.Helper()
	pkiOnce.Do(func() {
		if pkiA, pkiErr = simulator.NewAuthority(); pkiErr == nil {
			pkiD, pkiErr = pkiA.NewDemo()
		}
	})
	if pkiErr != nil {
		t.Fatal(pkiErr)
	}
	return pkiA, pkiD
}

func newGateway(t testing.TB) *simulator.Gateway {
	t.Helper()
	a, d := pki(t)
	g := simulator.NewGateway(a, d)
	t.Cleanup(g.Close)
	return g
}

// unhex reads hex written with spaces for legibility.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad test hex %q: %v", s, err)
	}
	return b
}

// dialGateway connects with cert (nil: none) over TLS.
func dialGateway(t testing.TB, g *simulator.Gateway, addr string, cert *simulator.PushCert) (*tls.Conn, error) {
	t.Helper()
	cfg := &tls.Config{RootCAs: g.Authority.Pool()}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{{Certificate: [][]byte{cert.Cert.Raw}, PrivateKey: cert.Key}}
	}
	tc, err := tls.Dial("tcp", addr, cfg)
	if err == nil {
		t.Cleanup(func() { tc.Close() })
	}
	return tc, err
}

// exchange writes b on a new connection, ends its side, and returns
// everything the gateway answers until it closes the connection.
func exchange(t *testing.T, g *simulator.Gateway, b []byte) []byte {
	t.Helper()
	tc, err := dialGateway(t, g, g.Addr, g.Demo.Cert)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tc.Write(b); err != nil {
		t.Fatal(err)
	}
	tc.CloseWrite() // close_notify: the gateway reads to the end, then closes
	tc.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(tc)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("reading the answer: %v (got % x)", err, got)
	}
	return got
}

func TestGatewayAnswersAsAPNs(t *testing.T) {
	token := demoTokenHex
	bad := strings.Repeat("ab", 32)
	long := strings.Repeat("cd", 101)
	bigPayload := "7b22617073223a7b7d2c2278223a22" + strings.Repeat("61", 2049-15-2) + "227d" // {"aps":{},"x":"aaa…"} of 2049 bytes
	cases := []struct {
		name string
		in   string // hex
		want string // hex of the error response; "" = closed without one
	}{
		{"unknown command", "07 00000001", "08 80 00000000"},
		{"enhanced, empty token", "01 00000007 00000000 0000 000a" + payloadHex, "08 02 00000007"},
		{"enhanced, 31-byte token answered at once", "01 00000007 00000000 001f", "08 05 00000007"},
		{"enhanced, little-endian token length", "01 00000007 00000000 2000" + token, "08 05 00000007"},
		{"enhanced, empty payload", "01 00000007 00000000 0020" + token + "0000", "08 04 00000007"},
		{"enhanced, 257-byte payload", "01 00000007 00000000 0020" + token + "0101", "08 07 00000007"},
		{"enhanced, invalid token", "01 00000009 00000000 0020" + bad + "000a" + payloadHex, "08 08 00000009"},
		{"frame without token", "02 00000014 03 0004 0000000b 02 000a" + payloadHex, "08 02 0000000b"},
		{"frame without payload", "02 0000002a 01 0020" + token + " 03 0004 0000000c", "08 04 0000000c"},
		{"frame with a 101-byte token", "02 0000007c 03 0004 0000000d 01 0065" + long + " 02 000a" + payloadHex, "08 05 0000000d"},
		{"frame with a 2-byte token", "02 00000019 03 0004 00000015 01 0002 abcd 02 000a" + payloadHex, "08 05 00000015"},
		{"frame with a 33-byte token", "02 00000038 03 0004 00000016 01 0021" + token + "ee 02 000a" + payloadHex, "08 05 00000016"},
		{"frame with a 2049-byte payload", "02 0000082e 03 0004 0000000e 01 0020" + token + " 02 0801" + bigPayload, "08 07 0000000e"},
		{"frame with an unknown item", "02 0000000b 03 0004 0000000f 09 0001 00", "08 80 0000000f"},
		{"frame with an item past its end", "02 0000000a 03 0004 00000010 01 0020", "08 80 00000010"},
		{"frame with item 3 twice", "02 0000000e 03 0004 00000011 03 0004 00000012", "08 80 00000011"},
		{"frame with priority 7", "02 0000000b 03 0004 00000013 05 0001 07", "08 80 00000013"},
		{"frame with a little-endian length", "02 7e000000", "08 80 00000000"},
		{"simple, bad token size: closed without a word", "00 0010" + strings.Repeat("00", 16), ""},
		{"simple, invalid token: closed without a word", "00 0020" + bad + "000a" + payloadHex, ""},
	}
	g := newGateway(t)
	g.Fail(bad, legacy.StatusInvalidToken)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := exchange(t, g, unhex(t, c.in))
			if want := unhex(t, c.want); !bytes.Equal(got, want) {
				t.Errorf("answer % x, want % x", got, want)
			}
		})
	}
	if n := len(g.Accepted()); n != 0 {
		t.Errorf("the gateway accepted %d of these, want none", n)
	}
	if n := len(g.Records()); n != len(cases) {
		t.Errorf("%d records, want one per case (%d)", n, len(cases))
	}
}

func TestGatewayDiscardsWhatFollowsARefusal(t *testing.T) {
	g := newGateway(t)
	bad := strings.Repeat("ab", 32)
	g.Fail(bad, legacy.StatusInvalidToken)
	good := func(id string) string { return "01 " + id + " 00000000 0020" + demoTokenHex + "000a" + payloadHex }
	stream := good("00000001") + "01 00000002 00000000 0020" + bad + "000a" + payloadHex + good("00000003")
	got := exchange(t, g, unhex(t, stream))
	if want := unhex(t, "08 08 00000002"); !bytes.Equal(got, want) {
		t.Fatalf("answer % x, want % x", got, want)
	}
	acc := g.Accepted()
	if len(acc) != 1 || acc[0].Identifier != 1 {
		t.Fatalf("accepted %+v, want identifier 1 only (3 came after the refusal)", acc)
	}
	if hex.EncodeToString(acc[0].Frame) != strings.Join(strings.Fields(good("00000001")), "") {
		t.Errorf("recorded frame % x is not the bytes sent", acc[0].Frame)
	}
	if acc[0].Token != demoTokenHex || string(acc[0].Payload) != `{"aps":{}}` || acc[0].Format != simulator.FormatEnhanced || acc[0].Expiration == nil || acc[0].Expiration.Unix() != 0 {
		t.Errorf("record %+v does not describe the frame", acc[0])
	}
}

func TestGatewayRecordsFrameItems(t *testing.T) {
	g := newGateway(t)
	// items: token, payload, identifier 5, expiration 1700000000, priority 5
	frame := "02 00000042 01 0020" + demoTokenHex + " 02 000a" + payloadHex + " 03 0004 00000005 04 0004 6553f100 05 0001 05"
	if got := exchange(t, g, unhex(t, frame)); len(got) != 0 {
		t.Fatalf("a good frame was answered % x", got)
	}
	waitIdle(t, g)
	acc := g.Accepted()
	if len(acc) != 1 {
		t.Fatalf("accepted %d, want 1", len(acc))
	}
	r := acc[0]
	if r.Identifier != 5 || r.Priority != 5 || r.Expiration == nil || r.Expiration.Unix() != 1700000000 || r.Token != demoTokenHex || r.Format != simulator.FormatFrame {
		t.Errorf("record %+v does not describe the frame", r)
	}
	if !bytes.Equal(r.Frame, unhex(t, frame)) {
		t.Errorf("recorded frame % x", r.Frame)
	}
}

// waitIdle waits until the gateway has handled every connection.
func waitIdle(t testing.TB, g *simulator.Gateway) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := g.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestGatewayShutdownNamesTheLastNotificationTaken(t *testing.T) {
	g := newGateway(t)
	g.ShutdownAfter(2)
	one := func(id string) string { return "01 " + id + " 00000000 0020" + demoTokenHex + "000a" + payloadHex }
	got := exchange(t, g, unhex(t, one("00000001")+one("00000002")+one("00000003")))
	if want := unhex(t, "08 0a 00000002"); !bytes.Equal(got, want) {
		t.Fatalf("answer % x, want % x", got, want)
	}
	if n := len(g.Accepted()); n != 2 {
		t.Errorf("accepted %d, want 2", n)
	}
	// Once only: the next connection takes everything.
	if got := exchange(t, g, unhex(t, one("00000003"))); len(got) != 0 {
		t.Errorf("after the shutdown, answer % x", got)
	}
}

func TestGatewayRefusesForeignCertificates(t *testing.T) {
	g := newGateway(t)
	prod, err := g.Authority.IssuePushCert(simulator.PushCertSpec{BundleID: simulator.DemoBundleID, Production: true})
	if err != nil {
		t.Fatal(err)
	}
	other, err := simulator.NewAuthority()
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := other.IssuePushCert(simulator.PushCertSpec{BundleID: simulator.DemoBundleID, Sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	for name, cert := range map[string]*simulator.PushCert{"production-only": prod, "another CA": stranger, "none": nil} {
		for _, addr := range []string{g.Addr, g.FeedbackAddr} {
			if _, err := dialGateway(t, g, addr, cert); err == nil {
				t.Errorf("%s: the handshake with %s succeeded", name, addr)
			}
		}
	}
	if n := g.RefusedHandshakes(); n != 4 { // "none" fails before the check
		t.Errorf("refused %d handshakes, want 4", n)
	}
}

func TestFeedbackServiceListsUnregisteredTokensOnce(t *testing.T) {
	g := newGateway(t)
	g.Unregister("<"+demoTokenHex[:8]+" "+demoTokenHex[8:]+">", time.Unix(1700000000, 0))
	g.Unregister(strings.Repeat("01", 80), time.Unix(1700000001, 0)) // a Simulator-sized token
	read := func() []byte {
		tc, err := dialGateway(t, g, g.FeedbackAddr, g.Demo.Cert)
		if err != nil {
			t.Fatal(err)
		}
		tc.SetReadDeadline(time.Now().Add(10 * time.Second))
		b, err := io.ReadAll(tc)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	want := unhex(t, "6553f100 0020"+demoTokenHex+" 6553f101 0050"+strings.Repeat("01", 80))
	if got := read(); !bytes.Equal(got, want) {
		t.Errorf("feedback\n% x\nwant\n% x", got, want)
	}
	if got := read(); len(got) != 0 {
		t.Errorf("the list was not forgotten once read: % x", got)
	}
}

// TestGatewayClosesStalledNotifications: a notification cut short is
// given StallTimeout to finish, then the connection closes; a connection
// idle between notifications stays open.
func TestGatewayClosesStalledNotifications(t *testing.T) {
	a, d := pki(t)
	g := simulator.NewUnstartedGateway(a, d)
	g.StallTimeout = 200 * time.Millisecond
	g.Start()
	t.Cleanup(g.Close)

	tc, err := dialGateway(t, g, g.Addr, g.Demo.Cert)
	if err != nil {
		t.Fatal(err)
	}
	tc.Write(unhex(t, "00 0020 740f4707")) // a simple notification cut inside its token
	tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(tc); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Error("a stalled notification kept the connection open")
	}

	idle, err := dialGateway(t, g, g.Addr, g.Demo.Cert)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(4 * g.StallTimeout)
	idle.Write(unhex(t, "01 00000007 00000000 0020 "+demoTokenHex+" 000a "+payloadHex))
	for deadline := time.Now().Add(5 * time.Second); len(g.Accepted()) == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if acc := g.Accepted(); len(acc) != 1 || acc[0].Identifier != 7 {
		t.Errorf("after idling, accepted %+v, want notification 7", acc)
	}
}

// TestGatewayTakesTheFaultRules: goaway= is status 10 with the last
// identifier taken, binary=N refuses that notification with N, drop
// closes with no answer; each happens where the rule says.
func TestGatewayTakesTheFaultRules(t *testing.T) {
	one := func(id string) string { return "01 " + id + " 00000000 0020" + demoTokenHex + "000a" + payloadHex }
	three := unhex(t, one("00000001")+one("00000002")+one("00000003"))
	cases := []struct {
		rule  string
		want  string // the error response, "" for none
		taken int
	}{
		{"goaway=Shutdown,every=3", "08 0a 00000002", 2},
		{"binary=8,every=2", "08 08 00000002", 1},
		{"binary=7,first=1", "08 07 00000001", 0},
		{"drop,every=2", "", 1},
		{"status=500", "", 3}, // HTTP/2 only: ignored
	}
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			g := newGateway(t)
			if err := g.AddFault(tc.rule); err != nil {
				t.Fatal(err)
			}
			got := exchange(t, g, three)
			if want := unhex(t, tc.want); !bytes.Equal(got, want) {
				t.Errorf("answer % x, want % x", got, want)
			}
			waitIdle(t, g)
			if n := len(g.Accepted()); n != tc.taken {
				t.Errorf("taken %d, want %d", n, tc.taken)
			}
		})
	}
}
