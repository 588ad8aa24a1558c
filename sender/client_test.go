package sender_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

func demoP12(t testing.TB, s *apnstest.Server) *credential.Credential {
	t.Helper()
	cred, err := credential.ParseP12(s.Demo.P12, apnstest.DemoP12Password)
	if err != nil {
		t.Fatal(err)
	}
	return cred
}

func demoP8(t testing.TB, s *apnstest.Server) *credential.Credential {
	t.Helper()
	cred, err := credential.ParseP8(s.Demo.Key.P8, apnstest.DemoKeyID, apnstest.DemoTeamID)
	if err != nil {
		t.Fatal(err)
	}
	return cred
}

func localClient(s *apnstest.Server, cred *credential.Credential, log *apnstest.EventLog) *sender.Client {
	c := &sender.Client{Credential: cred, Environment: sender.Local, Host: s.Addr, RootCAs: s.Authority.Pool()}
	if log != nil {
		c.OnEvent = log.Add
	}
	return c
}

func alert(t testing.TB, token, body string) *sender.Notification {
	t.Helper()
	p, err := sender.BuildPayload(sender.Message{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	return &sender.Notification{Token: token, Payload: p}
}

func TestSendWithCertificateTellsTheWholeStory(t *testing.T) {
	s := apnstest.NewServer()
	defer s.Close()
	var log apnstest.EventLog
	c := localClient(s, demoP12(t, s), &log)
	defer c.Close()

	resp, err := c.Send(context.Background(), alert(t, apnstest.DemoToken, "hi <&>"))
	if err != nil {
		t.Fatalf("Send: %v\n%s", err, log.Text())
	}
	if !resp.Accepted() || resp.ApnsID == "" || resp.UniqueID == "" {
		t.Fatalf("want 200 with apns-id and apns-unique-id, got %+v", resp)
	}
	acc := s.Accepted()
	if len(acc) != 1 {
		t.Fatalf("simulator accepted %d, want 1", len(acc))
	}
	if got, want := string(acc[0].Payload), `{"aps":{"alert":"hi <&>"}}`; got != want {
		t.Errorf("payload on the wire = %s, want %s", got, want)
	}
	if acc[0].Topic != apnstest.DemoBundleID || string(acc[0].PushType) != string(sender.PushAlert) {
		t.Errorf("topic %q push type %q, want the certificate's bundle id and alert", acc[0].Topic, acc[0].PushType)
	}
	if !strings.EqualFold(acc[0].ApnsID, resp.ApnsID) {
		t.Errorf("apns-id %q answered, client read %q", acc[0].ApnsID, resp.ApnsID)
	}
	text := log.Text()
	for _, want := range []string{"tls TLS 1.3 handshake with 127.0.0.1 (ALPN h2", "server certificate: CN=APNs Console Local Simulator",
		"client certificate: ", "request POST /3/device/" + apnstest.DemoToken, "apns-topic: com.example.demo", "response 200 OK", "apns-unique-id: "} {
		if !strings.Contains(text, want) {
			t.Errorf("events lack %q:\n%s", want, text)
		}
	}
}

func TestOneHandshakeForManySends(t *testing.T) {
	s := apnstest.NewServer()
	defer s.Close()
	c := localClient(s, demoP12(t, s), nil)
	defer c.Close()
	for i := range 100 {
		resp, err := c.Send(context.Background(), alert(t, apnstest.DemoToken, fmt.Sprint("n", i)))
		if err != nil || !resp.Accepted() {
			t.Fatalf("send %d: %v %+v", i, err, resp)
		}
	}
	if h := c.Handshakes(); h != 1 {
		t.Errorf("100 sends made %d handshakes, want 1", h)
	}
}

func TestTokenKeyAuthNeverShowsTheJWT(t *testing.T) {
	s := apnstest.NewServer()
	defer s.Close()
	var log apnstest.EventLog
	c := localClient(s, demoP8(t, s), &log)
	defer c.Close()
	n := alert(t, apnstest.DemoToken, "from a .p8")
	n.Topic = apnstest.DemoBundleID
	resp, err := c.Send(context.Background(), n)
	if err != nil || !resp.Accepted() {
		t.Fatalf("Send: %v %+v\n%s", err, resp, log.Text())
	}
	if acc := s.Accepted(); len(acc) != 1 || acc[0].Auth != apnstest.AuthToken || acc[0].KeyID != apnstest.DemoKeyID {
		t.Fatalf("simulator recorded %+v, want one token-auth push with the demo key", acc)
	}
	text := log.Text()
	if !strings.Contains(text, "authorization: bearer <provider token, not shown>") {
		t.Errorf("events should mention the authorization header without its value:\n%s", text)
	}
	if strings.Contains(text, "eyJ") {
		t.Errorf("events show a JWT:\n%s", text)
	}
}

func TestTokenKeyNeedsATopic(t *testing.T) {
	s := apnstest.NewServer()
	defer s.Close()
	c := localClient(s, demoP8(t, s), nil)
	_, err := c.Send(context.Background(), alert(t, apnstest.DemoToken, "x"))
	if !errors.Is(err, sender.ErrInvalidNotification) || !strings.Contains(err.Error(), "bundle id") {
		t.Fatalf("want a clear missing-topic error, got %v", err)
	}
	if len(s.Records()) != 0 {
		t.Error("nothing should reach the server")
	}
}

// clock is a settable time source shared by a client and the simulator.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestProviderTokenIsCachedAndRenewedBeforeItGoesStale(t *testing.T) {
	clk := &clock{now: time.Now()}
	s := apnstest.NewUnstartedServer()
	s.Now = clk.Now
	s.Start()
	defer s.Close()
	var log apnstest.EventLog
	c := localClient(s, demoP8(t, s), &log)
	c.Now = clk.Now
	defer c.Close()
	send := func(step string) {
		t.Helper()
		n := alert(t, apnstest.DemoToken, step)
		n.Topic = apnstest.DemoBundleID
		resp, err := c.Send(context.Background(), n)
		if err != nil || !resp.Accepted() {
			t.Fatalf("%s: %v %+v\n%s", step, err, resp, log.Text())
		}
	}
	signed := func() int { return strings.Count(log.Text(), "Signed a new provider token") }

	send("first")
	clk.add(19 * time.Minute)
	send("19 minutes later") // a new JWT now would earn TooManyProviderTokenUpdates
	if signed() != 1 {
		t.Fatalf("JWT signed %d times in 19 minutes, want 1", signed())
	}
	clk.add(32 * time.Minute)
	send("51 minutes after the first") // the old JWT is near its 60-minute limit
	if signed() != 2 {
		t.Fatalf("JWT signed %d times after 51 minutes, want 2", signed())
	}
	if c.Handshakes() != 1 {
		t.Errorf("%d handshakes, want 1", c.Handshakes())
	}
}

func TestRejectionCarriesReasonTimestampAndHint(t *testing.T) {
	s := apnstest.NewServer()
	defer s.Close()
	gone := time.UnixMilli(1496371306210)
	s.Unregister(apnstest.DemoToken, gone)
	var log apnstest.EventLog
	c := localClient(s, demoP12(t, s), &log)
	defer c.Close()
	resp, err := c.Send(context.Background(), alert(t, apnstest.DemoToken, "x"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 410 || resp.Reason != "Unregistered" || !resp.Timestamp.Equal(gone) {
		t.Fatalf("got %d %s %v, want 410 Unregistered at %v", resp.Status, resp.Reason, resp.Timestamp, gone)
	}
	if !strings.Contains(log.Text(), "410 Unregistered") || !strings.Contains(log.Text(), "stop sending to this token") {
		t.Errorf("events lack the reason and its hint:\n%s", log.Text())
	}
}

func TestGoAwayReasonReachesTheUser(t *testing.T) {
	s := apnstest.NewUnstartedServer()
	s.Environment = apnstest.Production
	s.Start()
	defer s.Close()
	pc, err := s.Authority.IssuePushCert(apnstest.PushCertSpec{BundleID: apnstest.DemoBundleID, Sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	cred, err := credential.ParsePEM(pc.CertPEM, pc.KeyPEM, "")
	if err != nil {
		t.Fatal(err)
	}
	var log apnstest.EventLog
	c := &sender.Client{Credential: cred, Environment: sender.Production, Host: s.Addr, RootCAs: s.Authority.Pool(), OnEvent: log.Add}
	defer c.Close()
	start := time.Now()
	_, err = c.Send(context.Background(), alert(t, apnstest.DemoToken, "x"))
	var ga *sender.GoAwayError
	if !errors.As(err, &ga) || ga.Reason != "BadCertificateEnvironment" {
		t.Fatalf("want a GoAwayError with BadCertificateEnvironment, got %v\n%s", err, log.Text())
	}
	if !strings.Contains(err.Error(), "switch between sandbox and production") {
		t.Errorf("error lacks the hint: %v", err)
	}
	if !strings.Contains(log.Text(), "not marked for production") {
		t.Errorf("no warning before connecting:\n%s", log.Text())
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("the GOAWAY took %v to surface: it must not wait for a timeout", time.Since(start))
	}
}

func TestHeadersReachTheServer(t *testing.T) {
	s := apnstest.NewServer()
	defer s.Close()
	c := localClient(s, demoP12(t, s), nil)
	defer c.Close()
	exp := time.Unix(1893456000, 0)
	n := alert(t, apnstest.DemoToken, "ring")
	n.PushType, n.Priority, n.Expiration = sender.PushVoIP, 5, &exp
	n.CollapseID, n.ApnsID = "game-1", "123e4567-e89b-12d3-a456-4266554400a0"
	resp, err := c.Send(context.Background(), n)
	if err != nil || !resp.Accepted() {
		t.Fatalf("%v %+v", err, resp)
	}
	a := s.Accepted()[0]
	if a.Topic != "com.example.demo.voip" || string(a.PushType) != string(sender.PushVoIP) || a.Priority != 5 ||
		a.Expiration == nil || !a.Expiration.Equal(exp) || a.CollapseID != "game-1" || a.ApnsID != n.ApnsID {
		t.Errorf("server saw %+v", a)
	}
	if resp.ApnsID != n.ApnsID {
		t.Errorf("apns-id echoed %q, want %q", resp.ApnsID, n.ApnsID)
	}
}

func TestSendAllGivesOneResultPerToken(t *testing.T) {
	s := apnstest.NewServer()
	defer s.Close()
	c := localClient(s, demoP12(t, s), nil)
	defer c.Close()
	var ns []*sender.Notification
	for i := range 50 {
		ns = append(ns, alert(t, fmt.Sprintf("%064x", i+1), fmt.Sprint(i)))
	}
	s.Unregister(ns[7].Token, time.Now())
	ns[20].Token = "not hex"
	results := c.SendAll(context.Background(), ns)
	if len(results) != len(ns) {
		t.Fatalf("%d results for %d tokens", len(results), len(ns))
	}
	for i, r := range results {
		if r.Notification != ns[i] || (r.Response == nil) == (r.Err == nil) {
			t.Fatalf("result %d: %+v", i, r)
		}
		switch i {
		case 7:
			if r.Response.Status != 410 {
				t.Errorf("token 7: %+v", r.Response)
			}
		case 20:
			if !errors.Is(r.Err, sender.ErrInvalidToken) {
				t.Errorf("token 20: %v", r.Err)
			}
		default:
			if !r.Response.Accepted() {
				t.Errorf("token %d: %+v %v", i, r.Response, r.Err)
			}
		}
	}
	if got := len(s.Accepted()); got != 48 {
		t.Errorf("simulator accepted %d, want 48", got)
	}
	if c.Handshakes() != 1 {
		t.Errorf("%d handshakes, want 1", c.Handshakes())
	}
}

func TestConnectionFailureIsExplained(t *testing.T) {
	s := apnstest.NewServer()
	addr := s.Addr
	s.Close()
	c := &sender.Client{Credential: demoP12(t, s), Environment: sender.Local, Host: addr, RootCAs: s.Authority.Pool()}
	_, err := c.Send(context.Background(), alert(t, apnstest.DemoToken, "x"))
	if !errors.Is(err, sender.ErrConnect) || !strings.Contains(err.Error(), addr) {
		t.Fatalf("want ErrConnect naming %s, got %v", addr, err)
	}
}

func TestUntrustedServerIsRefused(t *testing.T) {
	s := apnstest.NewServer()
	defer s.Close()
	other, err := apnstest.NewAuthority()
	if err != nil {
		t.Fatal(err)
	}
	c := &sender.Client{Credential: demoP12(t, s), Environment: sender.Local, Host: s.Addr, RootCAs: other.Pool()}
	_, err = c.Send(context.Background(), alert(t, apnstest.DemoToken, "x"))
	if !errors.Is(err, sender.ErrConnect) || !strings.Contains(err.Error(), "not signed by a trusted authority") {
		t.Fatalf("want a trust error, got %v", err)
	}
}
