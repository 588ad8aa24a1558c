package legacy_test

import (
	"context"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
	"apnsconsole/sender/legacy"
)

// patientWait is the error wait of tests that expect an error response: the
// wait ends as soon as the response comes, so a long one costs nothing
// there and keeps a loaded machine from turning a refusal into a pass.
const patientWait = 1500 * time.Millisecond

var (
	binaryPKIOnce sync.Once
	binaryPKIA    *apnstest.Authority
	binaryPKID    *apnstest.Demo
	binaryPKIErr  error
)

// binaryGateway starts a gateway with one authority and demo shared by
// these tests (RSA keys are slow to make), and returns it with the demo
// certificate.
func binaryGateway(t testing.TB) (*apnstest.Gateway, *credential.Credential) {
	t.Helper()
	binaryPKIOnce.Do(func() {
		if binaryPKIA, binaryPKIErr = apnstest.NewAuthority(); binaryPKIErr == nil {
			binaryPKID, binaryPKIErr = binaryPKIA.NewDemo()
		}
	})
	if binaryPKIErr != nil {
		t.Fatal(binaryPKIErr)
	}
	g := apnstest.NewGateway(binaryPKIA, binaryPKID)
	t.Cleanup(g.Close)
	cred, err := credential.ParseP12(g.Demo.P12, apnstest.DemoP12Password)
	if err != nil {
		t.Fatal(err)
	}
	return g, cred
}

// pkiForFakes is the shared authority, for servers made in a test.
func pkiForFakes(t testing.TB) (*apnstest.Authority, *apnstest.Demo) {
	t.Helper()
	binaryGateway(t)
	return binaryPKIA, binaryPKID
}

func binaryClient(g *apnstest.Gateway, cred *credential.Credential, format legacy.Format, log *apnstest.EventLog) *legacy.Client {
	c := &legacy.Client{Credential: cred, Environment: sender.Local, Host: g.Addr, RootCAs: g.Authority.Pool(), Format: format}
	if log != nil {
		c.OnEvent = log.Add
	}
	return c
}

// finish closes the client and waits until the gateway has read and
// recorded everything it was sent.
func finish(t testing.TB, c *legacy.Client, g *apnstest.Gateway) {
	t.Helper()
	c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := g.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}

// numberedToken is a distinct 32-byte token for notification i.
func numberedToken(i int) string { return fmt.Sprintf("%064x", 0xa000+i) }

func stream(n int) []*sender.Notification {
	ns := make([]*sender.Notification, n)
	for i := range ns {
		ns[i] = &sender.Notification{Token: numberedToken(i), Payload: []byte(fmt.Sprintf(`{"aps":{"alert":"%d"}}`, i))}
	}
	return ns
}

func TestBinaryEachFormatArrivesAsPackedByHand(t *testing.T) {
	for format, want := range articleFrames {
		t.Run(string(format), func(t *testing.T) {
			g, cred := binaryGateway(t)
			log := &apnstest.EventLog{}
			c := binaryClient(g, cred, format, log)
			resp, err := c.Send(context.Background(), articleNotification())
			if err != nil || !resp.Accepted() || resp.Token != articleToken {
				t.Fatalf("Send = %+v, %v\n%s", resp, err, log.Text())
			}
			finish(t, c, g)
			acc := g.Accepted()
			if len(acc) != 1 {
				t.Fatalf("the gateway took %d notifications, want 1", len(acc))
			}
			if got := hex.EncodeToString(acc[0].Frame); got != want {
				t.Errorf("the gateway received\n%s\nwant (packed by hand)\n%s", got, want)
			}
			text := log.Text()
			for _, w := range []string{"TLS 1.2 handshake with 127.0.0.1", "Frame: ", "00000000  0" + string(want[1]), "No error response within"} {
				if !strings.Contains(text, w) {
					t.Errorf("events lack %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestBinaryBadTokenMidStreamIsTheOnlyRejection(t *testing.T) {
	for _, format := range []legacy.Format{legacy.FormatEnhanced, legacy.FormatFrame} {
		t.Run(string(format), func(t *testing.T) {
			g, cred := binaryGateway(t)
			const n, bad = 100, 49 // the 50th notification, identifier 50
			g.Fail(numberedToken(bad), legacy.StatusInvalidToken)
			log := &apnstest.EventLog{}
			c := binaryClient(g, cred, format, log)
			c.ErrorWait = patientWait
			results := c.SendAll(context.Background(), stream(n))
			finish(t, c, g)

			if len(results) != n {
				t.Fatalf("%d results for %d notifications", len(results), n)
			}
			for i, r := range results {
				switch {
				case r.Err != nil:
					t.Errorf("notification %d: %v", i, r.Err)
				case i == bad && (r.Response.Status != int(legacy.StatusInvalidToken) || r.Response.Reason != "InvalidToken"):
					t.Errorf("notification %d: %+v, want status 8 InvalidToken", i, r.Response)
				case i != bad && !r.Response.Accepted():
					t.Errorf("notification %d: %+v, want accepted", i, r.Response)
				case r.Response.Token != numberedToken(i):
					t.Errorf("notification %d: result for token %s", i, r.Response.Token)
				}
			}
			acc := g.Accepted()
			if len(acc) != n-1 {
				t.Errorf("the gateway took %d notifications, want %d", len(acc), n-1)
			}
			seen := map[string]int{}
			for _, a := range acc {
				seen[a.Token]++
			}
			for i := range n {
				want := 1
				if i == bad {
					want = 0
				}
				if got := seen[numberedToken(i)]; got != want {
					t.Errorf("token %d taken %d times, want %d", i, got, want)
				}
			}
			for k := 1; k < len(acc); k++ {
				if acc[k].Identifier <= acc[k-1].Identifier {
					t.Errorf("out of order: identifier %d after %d", acc[k].Identifier, acc[k-1].Identifier)
				}
			}
			if recs := g.Records(); len(recs) != n {
				t.Errorf("the gateway read %d notifications, want %d (everything after the refusal is discarded, then resent once)", len(recs), n)
			}
			if h := c.Handshakes(); h != 2 {
				t.Errorf("%d handshakes, want 2", h)
			}
			text := log.Text()
			for _, w := range []string{"Error response: status 8 (Invalid token) for identifier 50", "Sending 50 notifications (identifiers 51–100) again on a new connection"} {
				if !strings.Contains(text, w) {
					t.Errorf("events lack %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestBinaryShutdownResendsWhatFollowedTheLastTaken(t *testing.T) {
	g, cred := binaryGateway(t)
	g.ShutdownAfter(30)
	log := &apnstest.EventLog{}
	c := binaryClient(g, cred, legacy.FormatFrame, log)
	c.ErrorWait = patientWait
	results := c.SendAll(context.Background(), stream(100))
	finish(t, c, g)
	for i, r := range results {
		if r.Err != nil || !r.Response.Accepted() {
			t.Errorf("notification %d: %+v, %v", i, r.Response, r.Err)
		}
	}
	acc := g.Accepted()
	if len(acc) != 100 {
		t.Fatalf("the gateway took %d, want 100", len(acc))
	}
	for i, a := range acc {
		if a.Identifier != uint32(i+1) {
			t.Fatalf("the %d-th taken has identifier %d, want %d (each once, in order)", i+1, a.Identifier, i+1)
		}
	}
	text := log.Text()
	for _, w := range []string{"status 10 (Shutdown) for identifier 30", "Sending 70 notifications (identifiers 31–100) again"} {
		if !strings.Contains(text, w) {
			t.Errorf("events lack %q:\n%s", w, text)
		}
	}
}

func TestBinaryGivesUpOnAGatewayThatTakesNothing(t *testing.T) {
	// A gateway that answers every connection at once with Shutdown naming
	// identifier 0 (nothing taken) and closes.
	a, _ := pkiForFakes(t)
	cert, err := a.ServerCertificate()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAnyClientCert})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conn.Write([]byte{8, 10, 0, 0, 0, 0})
			conn.Close()
		}
	}()
	_, cred := binaryGateway(t)
	c := &legacy.Client{Credential: cred, Environment: sender.Local, Host: ln.Addr().String(), RootCAs: a.Pool(), ErrorWait: patientWait}
	defer c.Close()
	for _, r := range c.SendAll(context.Background(), stream(4)) {
		if !errors.Is(r.Err, sender.ErrConnect) || !strings.Contains(r.Err.Error(), "3 connections in a row") {
			t.Errorf("%+v, %v", r.Response, r.Err)
		}
	}
	if h := c.Handshakes(); h != 3 {
		t.Errorf("%d handshakes, want 3", h)
	}
}

func TestBinarySimpleFormatCannotTellWhich(t *testing.T) {
	g, cred := binaryGateway(t)
	g.Fail(numberedToken(0), legacy.StatusInvalidToken)
	c := binaryClient(g, cred, legacy.FormatSimple, nil)
	c.ErrorWait = patientWait
	_, err := c.Send(context.Background(), stream(1)[0])
	if !errors.Is(err, legacy.ErrUnconfirmed) || !strings.Contains(err.Error(), "right after this notification") {
		t.Fatalf("one refused simple notification: %v", err)
	}

	g.Fail(numberedToken(1), legacy.StatusInvalidToken)
	results := c.SendAll(context.Background(), stream(3)[1:]) // the refused one first, then one more
	if err := results[0].Err; !errors.Is(err, legacy.ErrUnconfirmed) {
		t.Errorf("the refused one: %+v, %v", results[0].Response, err)
	}
	// The second was either written before the close was seen (unknown)
	// or after it, and sent again on a new connection (taken).
	if r := results[1]; !(r.Err != nil && errors.Is(r.Err, legacy.ErrUnconfirmed) || r.Err == nil && r.Response.Accepted()) {
		t.Errorf("the one after: %+v, %v", r.Response, r.Err)
	}
	finish(t, c, g)
}

func TestBinaryReusesItsConnection(t *testing.T) {
	g, cred := binaryGateway(t)
	c := binaryClient(g, cred, legacy.FormatEnhanced, nil)
	c.ErrorWait = 50 * time.Millisecond // nothing is refused here
	for range 3 {
		for _, r := range c.SendAll(context.Background(), stream(5)) {
			if r.Err != nil || !r.Response.Accepted() {
				t.Fatalf("%+v, %v", r.Response, r.Err)
			}
		}
	}
	if h := c.Handshakes(); h != 1 {
		t.Errorf("%d handshakes for three sends, want 1", h)
	}
	finish(t, c, g)
	acc := g.Accepted()
	if len(acc) != 15 || acc[14].Identifier != 15 || acc[14].Conn != acc[0].Conn {
		t.Errorf("the gateway took %d (last %+v), want 15 on one connection with identifiers 1–15", len(acc), acc[len(acc)-1])
	}
}

func TestBinaryNeedsACertificate(t *testing.T) {
	g, _ := binaryGateway(t)
	s := apnstest.NewUnstartedServer()
	cred, err := credential.ParseP8(s.Demo.Key.P8, apnstest.DemoKeyID, apnstest.DemoTeamID)
	if err != nil {
		t.Fatal(err)
	}
	c := binaryClient(g, cred, legacy.FormatFrame, nil)
	for _, r := range c.SendAll(context.Background(), stream(2)) {
		if !errors.Is(r.Err, legacy.ErrCertificateRequired) || !strings.Contains(r.Err.Error(), ".p12") {
			t.Errorf("%v", r.Err)
		}
	}
	f := &legacy.FeedbackClient{Credential: cred, Host: g.FeedbackAddr}
	if _, err := f.Fetch(context.Background()); !errors.Is(err, legacy.ErrCertificateRequired) {
		t.Errorf("feedback with a .p8: %v", err)
	}
	if n := g.Connections(); n != 0 {
		t.Errorf("%d connections were made", n)
	}
}

func TestBinaryWrongEnvironmentIsRefusedInTheHandshake(t *testing.T) {
	g, _ := binaryGateway(t)
	prod, err := g.Authority.IssuePushCert(apnstest.PushCertSpec{BundleID: apnstest.DemoBundleID, Production: true})
	if err != nil {
		t.Fatal(err)
	}
	cred, err := credential.ParsePEM(prod.CertPEM, prod.KeyPEM, "")
	if err != nil {
		t.Fatal(err)
	}
	c := binaryClient(g, cred, legacy.FormatFrame, nil)
	_, err = c.Send(context.Background(), stream(1)[0])
	if !errors.Is(err, sender.ErrConnect) || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("a production certificate at a sandbox gateway: %v", err)
	}
	if g.RefusedHandshakes() != 1 || len(g.Records()) != 0 {
		t.Errorf("refused %d handshakes, read %d notifications", g.RefusedHandshakes(), len(g.Records()))
	}
}

func TestBinaryBadInputIsNotSent(t *testing.T) {
	g, cred := binaryGateway(t)
	c := binaryClient(g, cred, legacy.FormatEnhanced, nil)
	c.ErrorWait = 50 * time.Millisecond
	ns := stream(3)
	ns[1].Payload = []byte(`{"aps":{"alert":"` + strings.Repeat("x", 300) + `"}}`)
	results := c.SendAll(context.Background(), ns)
	if !errors.Is(results[1].Err, sender.ErrPayloadTooLarge) {
		t.Errorf("a 300-byte payload in the enhanced format: %v", results[1].Err)
	}
	if !results[0].Response.Accepted() || !results[2].Response.Accepted() {
		t.Errorf("the good ones: %+v, %+v", results[0], results[2])
	}
	finish(t, c, g)
	if n := len(g.Records()); n != 2 {
		t.Errorf("the gateway read %d, want 2", n)
	}
}

func TestBinaryCancelledSendEndsEveryNotification(t *testing.T) {
	g, cred := binaryGateway(t)
	c := binaryClient(g, cred, legacy.FormatFrame, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, r := range c.SendAll(ctx, stream(3)) {
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("%+v, %v", r.Response, r.Err)
		}
	}
}

func TestFeedbackReturnsTheUnregisteredTokens(t *testing.T) {
	g, cred := binaryGateway(t)
	g.Unregister(numberedToken(1), time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	g.Unregister(numberedToken(2), time.Date(2026, 1, 3, 3, 4, 5, 0, time.UTC))
	log := &apnstest.EventLog{}
	f := &legacy.FeedbackClient{Credential: cred, Environment: sender.Local, Host: g.FeedbackAddr, RootCAs: g.Authority.Pool(), OnEvent: log.Add}
	tuples, err := f.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(tuples) != 2 || tuples[0].Token.String() != numberedToken(1) || tuples[1].Token.String() != numberedToken(2) ||
		!tuples[0].Time.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) || !tuples[1].Time.Equal(time.Date(2026, 1, 3, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("feedback %+v", tuples)
	}
	if !strings.Contains(log.Text(), "Read 2 feedback tuples (76 bytes)") {
		t.Errorf("events:\n%s", log.Text())
	}
	if tuples, err := f.Fetch(context.Background()); err != nil || len(tuples) != 0 {
		t.Errorf("second read: %+v, %v (the service forgets what it sent)", tuples, err)
	}
}

func TestReadFeedbackStopsAtACutTuple(t *testing.T) {
	// Two whole tuples (a 32-byte and a 3-byte token), then 4 bytes of a third.
	raw, _ := hex.DecodeString("6553f100" + "0020" + articleToken + "00000001" + "0003" + "abcdef" + "65536f10")
	tuples, err := legacy.ReadFeedback(strings.NewReader(string(raw)))
	if !errors.Is(err, legacy.ErrTruncatedFeedback) {
		t.Errorf("error %v, want ErrTruncatedFeedback", err)
	}
	if len(tuples) != 2 || tuples[0].Token.String() != articleToken || tuples[0].Time.Unix() != 1700000000 || tuples[1].Token.String() != "abcdef" || tuples[1].Time.Unix() != 1 {
		t.Errorf("tuples %+v", tuples)
	}
	if tuples, err := legacy.ReadFeedback(strings.NewReader("")); err != nil || len(tuples) != 0 {
		t.Errorf("empty stream: %+v, %v", tuples, err)
	}
	again := legacy.AppendFeedbackTuple(nil, legacy.FeedbackTuple{Time: time.Unix(1700000000, 0), Token: sender.DeviceToken(raw[6:38])})
	if hex.EncodeToString(again) != hex.EncodeToString(raw[:38]) {
		t.Errorf("AppendFeedbackTuple = %x", again)
	}
}

func TestBinarySendStreamGivesOneResultPerNotification(t *testing.T) {
	g, cred := binaryGateway(t)
	g.Fail(numberedToken(3), legacy.StatusInvalidToken)
	c := binaryClient(g, cred, legacy.FormatFrame, nil)
	c.ErrorWait = 50 * time.Millisecond
	in := make(chan *sender.Notification)
	ns := stream(8)
	go func() {
		defer close(in)
		for _, n := range ns {
			in <- n
		}
	}()
	seen := map[int]bool{}
	for r := range c.SendStream(context.Background(), in, sender.BulkOptions{}) {
		if seen[r.Index] || r.Notification != ns[r.Index] {
			t.Fatalf("result %d twice or for another notification", r.Index)
		}
		seen[r.Index] = true
		refused := r.Index == 3
		if refused != (r.Response != nil && r.Response.Reason == "InvalidToken") || !refused && (r.Err != nil || !r.Response.Accepted()) {
			t.Errorf("result %d: %+v %v", r.Index, r.Response, r.Err)
		}
	}
	if len(seen) != 8 {
		t.Fatalf("%d results for 8", len(seen))
	}
	finish(t, c, g)
}

// A binary send cancelled after its frames were written: they are
// unconfirmed (the gateway may have delivered them), never "not sent".
func TestBinaryCancelledAfterWritingLeavesThemUnconfirmed(t *testing.T) {
	a, _ := pkiForFakes(t)
	cert, err := a.ServerCertificate()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAnyClientCert})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		buf := make([]byte, 64<<10)
		if n, err := conn.Read(buf); err == nil && n > 0 {
			cancel() // the frames arrived: cancel while the client waits for an error response
		}
		io.Copy(io.Discard, conn) // and never answer
	}()
	_, cred := binaryGateway(t)
	c := &legacy.Client{Credential: cred, Environment: sender.Local, Host: ln.Addr().String(), RootCAs: a.Pool(), ErrorWait: time.Minute}
	defer c.Close()
	for i, r := range c.SendAll(ctx, stream(3)) {
		if r.Outcome() != sender.OutcomeUnconfirmed || !errors.Is(r.Err, legacy.ErrUnconfirmed) {
			t.Errorf("notification %d: %v %v, want unconfirmed", i, r.Outcome(), r.Err)
		}
	}
}
