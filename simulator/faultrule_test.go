package simulator_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/credential"
	"apnsconsole/simulator"
)

func TestParseFault(t *testing.T) {
	good := map[string]string{
		"status=503":                           "status=503,reason=ServiceUnavailable",
		"status=429,every=3":                   "status=429,reason=TooManyRequests,every=3",
		"status=500":                           "status=500,reason=InternalServerError",
		"status=410, first=2":                  "status=410,reason=Unregistered,first=2",
		"status=503,reason=Shutdown,rate=0.25": "status=503,reason=Shutdown,rate=0.25",
		"goaway=Shutdown,every=1000":           "goaway=Shutdown,every=1000",
		"status=400,reason=BadDeviceToken,token=" + strings.Repeat("AB", 32): "status=400,reason=BadDeviceToken,token=" + strings.Repeat("ab", 32),
	}
	for rule, want := range good {
		f, err := simulator.ParseFault(rule)
		if err != nil || f.String() != want {
			t.Errorf("ParseFault(%q) = %q, %v; want %q", rule, f, err, want)
		}
	}
	bad := map[string]string{ // rule → the key the error must name
		"":                           "status=N",
		"every=3":                    "status",
		"status=200":                 "status",
		"status=abc":                 "status",
		"status=418":                 "reason",
		"status=503,reason=":         "reason",
		"status=503,every=0":         "every",
		"status=503,first=-1":        "first",
		"status=503,rate=1.5":        "rate",
		"status=503,token=1234":      "token",
		"status=503,colour=red":      "colour",
		"status=503,status=500":      "status",
		"goaway=Shutdown,status=503": "goaway",
		"goaway=Shut down":           "goaway",
		"reason=Shutdown,goaway=X":   "reason",
		"status=503,every":           "every",
	}
	for rule, key := range bad {
		_, err := simulator.ParseFault(rule)
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("ParseFault(%q) error %v, want one naming %q", rule, err, key)
		}
	}
	if _, _, err := simulator.ParseLatency("20ms±30ms"); err == nil {
		t.Error("ParseLatency took a spread larger than the delay")
	}
	if b, j, err := simulator.ParseLatency("20ms±5ms"); err != nil || b != 20*time.Millisecond || j != 5*time.Millisecond {
		t.Errorf("ParseLatency(20ms±5ms) = %v %v %v", b, j, err)
	}
}

// faultClient is a sender.Client (the app's own, not written for these
// tests) on a server with the given fault rules.
func faultClient(t *testing.T, adjust func(*simulator.Server), rules ...string) (*simulator.Server, *sender.Client) {
	t.Helper()
	a, d := pki(t)
	s := &simulator.Server{Authority: a, Demo: d}
	if adjust != nil {
		adjust(s)
	}
	for _, r := range rules {
		if err := s.AddFault(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	cred, err := credential.ParseP8(d.Key.P8, simulator.DemoKeyID, simulator.DemoTeamID)
	if err != nil {
		t.Fatal(err)
	}
	c := &sender.Client{Credential: cred, Environment: sender.Local, Host: s.Addr, RootCAs: a.Pool()}
	t.Cleanup(func() { c.Close() })
	return s, c
}

func sendOne(t *testing.T, c *sender.Client, token string) (*sender.Response, error) {
	t.Helper()
	p, err := sender.BuildPayload(sender.Message{Body: "fault"})
	if err != nil {
		t.Fatal(err)
	}
	return c.Send(context.Background(), &sender.Notification{Token: token, Topic: simulator.DemoBundleID, Payload: p})
}

// outcome is what the client saw: "200", "503 ServiceUnavailable",
// "GOAWAY Shutdown".
func outcome(r *sender.Response, err error) string {
	var ga *sender.GoAwayError
	switch {
	case errors.As(err, &ga):
		return "GOAWAY " + ga.Reason
	case err != nil:
		return "error " + err.Error()
	case r.Reason != "":
		return strings.TrimSpace(itoa(r.Status) + " " + r.Reason)
	}
	return itoa(r.Status)
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestEveryFaultKindSeenByTheClient(t *testing.T) {
	other := strings.Repeat("ee", 32)
	cases := []struct {
		name  string
		rules []string
		token []string // per send; default DemoToken
		want  []string
	}{
		{"status every 3", []string{"status=503,every=3"}, nil,
			[]string{"200", "200", "503 ServiceUnavailable", "200", "200", "503 ServiceUnavailable"}},
		{"first 2 with reason", []string{"status=429,first=2"}, nil,
			[]string{"429 TooManyRequests", "429 TooManyRequests", "200"}},
		{"500", []string{"status=500,first=1"}, nil, []string{"500 InternalServerError", "200"}},
		{"410 with a timestamp", []string{"status=410,first=1"}, nil, []string{"410 Unregistered", "200"}},
		{"one token only", []string{"status=400,reason=BadDeviceToken,token=" + other}, []string{simulator.DemoToken, other, simulator.DemoToken},
			[]string{"200", "400 BadDeviceToken", "200"}},
		{"rate 1", []string{"status=503,reason=Shutdown,rate=1"}, nil, []string{"503 Shutdown", "503 Shutdown"}},
		{"rate 0", []string{"status=503,rate=0"}, nil, []string{"200", "200"}},
		// A GOAWAY ends the connection, not the send: the client sends
		// what the server did not process again on a new connection (the
		// next request, which the rule lets through).
		{"goaway", []string{"goaway=Shutdown,every=2"}, nil, []string{"200", "200", "200"}},
		{"goaway wins", []string{"status=503,every=2", "goaway=InternalServerError,every=4"}, nil,
			[]string{"200", "503 ServiceUnavailable", "200", "200"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, c := faultClient(t, nil, tc.rules...)
			for i, want := range tc.want {
				tok := simulator.DemoToken
				if tc.token != nil {
					tok = tc.token[i]
				}
				r, err := sendOne(t, c, tok)
				if got := outcome(r, err); got != want {
					t.Errorf("send %d: %s, want %s", i+1, got, want)
				}
				if err == nil && r.Reason == "Unregistered" && r.Timestamp.IsZero() {
					t.Errorf("send %d: 410 Unregistered without a timestamp", i+1)
				}
			}
			if n := int(s.Counts().Requests + s.Counts().GoAways); n != len(tc.want) && !strings.HasPrefix(tc.name, "goaway") {
				t.Errorf("the server counted %d requests, want %d", n, len(tc.want))
			}
		})
	}
}

// TestFaultRateIsRepeatableWithASeed: the same seed fails the same sends.
func TestFaultRateIsRepeatableWithASeed(t *testing.T) {
	run := func() string {
		_, c := faultClient(t, func(s *simulator.Server) { s.Seed = 42 }, "status=503,rate=0.5")
		var b strings.Builder
		for i := 0; i < 20; i++ {
			r, err := sendOne(t, c, simulator.DemoToken)
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString(itoa(r.Status)[:1])
		}
		return b.String()
	}
	first, second := run(), run()
	if first != second || !strings.Contains(first, "2") || !strings.Contains(first, "5") {
		t.Errorf("seed 42 gave %s then %s: want the same mix of 200 and 503", first, second)
	}
}

// TestLatencyDelaysAnswers: every answer waits at least Latency.
func TestLatencyDelaysAnswers(t *testing.T) {
	_, c := faultClient(t, func(s *simulator.Server) { s.Latency, s.LatencyJitter = 60*time.Millisecond, 20*time.Millisecond })
	sendOne(t, c, simulator.DemoToken) // the handshake is not timed
	for i := 0; i < 3; i++ {
		r, err := sendOne(t, c, simulator.DemoToken)
		if err != nil || r.Status != 200 || r.Duration < 40*time.Millisecond {
			t.Errorf("send %d: %v %v in %v, want 200 after at least 40 ms", i, r, err, r.Duration)
		}
	}
}

// TestGoAwayUnderConcurrentSends: with GOAWAYs among concurrent streams,
// every send still ends with exactly one outcome, and every notification
// the client was told was taken is among the server's records.
func TestGoAwayUnderConcurrentSends(t *testing.T) {
	s, c := faultClient(t, nil, "goaway=Shutdown,every=7")
	const n = 60
	results := make(chan string, n)
	for i := 0; i < n; i++ {
		go func() {
			r, err := sendOne(t, c, simulator.DemoToken)
			if err == nil {
				results <- "ok " + r.ApnsID
				return
			}
			results <- outcome(r, err)
		}()
	}
	for i := 0; i < n; i++ {
		select {
		case got := <-results:
			if id, ok := strings.CutPrefix(got, "ok "); ok {
				taken := false
				for _, a := range s.Accepted() {
					taken = taken || a.ApnsID == id
				}
				if !taken {
					t.Errorf("the client was told %s was taken, the server has no record of it", id)
				}
			} else if !strings.HasPrefix(got, "GOAWAY") && !strings.HasPrefix(got, "error") {
				t.Errorf("unexpected outcome %s", got)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("only %d of %d sends ended", i, n)
		}
	}
}
