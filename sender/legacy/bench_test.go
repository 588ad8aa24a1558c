package legacy_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
	"apnsconsole/sender/legacy"
)

// Run all three together for the ratios:
//
//	go test ./sender -run '^$' -bench 'Binary'
//
// Each reports frames/s: packing alone is the ceiling, one connection per
// notification (the 2009 article's way) the floor.

// benchGateway starts a gateway that counts the notifications it takes (its
// records are reset as the run goes, so memory stays flat).
func benchGateway(b *testing.B) (*apnstest.Gateway, *credential.Credential, *atomic.Int64) {
	a, d := pkiForFakes(b)
	g := apnstest.NewUnstartedGateway(a, d)
	taken := &atomic.Int64{}
	g.OnFrame = func(r apnstest.GatewayRecord) {
		if r.Accepted() {
			taken.Add(1)
		}
	}
	g.Start()
	b.Cleanup(g.Close)
	cred, err := credential.ParseP12(d.P12, apnstest.DemoP12Password)
	if err != nil {
		b.Fatal(err)
	}
	return g, cred, taken
}

func benchNotification() *sender.Notification {
	return &sender.Notification{Token: apnstest.DemoToken, Payload: []byte(`{"aps":{"alert":"Hello from 2009","badge":1,"sound":"default"}}`), Priority: 10}
}

// The ceiling: checking and packing a frame, no network.
func BenchmarkBinaryPackFrame(b *testing.B) {
	n := benchNotification()
	for i := 0; i < b.N; i++ {
		if _, err := legacy.FormatFrame.Pack(n, uint32(i+1)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

// Streaming on one connection: batches of 1000 frames; the gateway must
// have read every frame before the clock stops.
func BenchmarkBinaryStreamOneConnection(b *testing.B) {
	g, cred, taken := benchGateway(b)
	const batch = 1000
	ns := make([]*sender.Notification, batch)
	for i := range ns {
		ns[i] = benchNotification()
	}
	c := &legacy.Client{Credential: cred, Environment: sender.Local, Host: g.Addr, RootCAs: g.Authority.Pool(), ErrorWait: time.Millisecond}
	// One handshake before the clock starts.
	if _, err := c.Send(context.Background(), benchNotification()); err != nil {
		b.Fatal(err)
	}
	before := taken.Load()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.Reset()
		for _, r := range c.SendAll(context.Background(), ns) {
			if r.Err != nil || !r.Response.Accepted() {
				b.Fatal(r.Err, r.Response)
			}
		}
	}
	finish(b, c, g)
	b.StopTimer()
	if got, want := taken.Load()-before, int64(b.N*batch); got != want {
		b.Fatalf("the gateway took %d frames, want %d", got, want)
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "frames/s")
	b.ReportMetric(float64(c.Handshakes()), "handshakes")
}

// The floor: a new connection (TLS handshake) for every notification, as
// the 2009 article does.
func BenchmarkBinaryNewConnectionEach(b *testing.B) {
	g, cred, taken := benchGateway(b)
	n := benchNotification()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := &legacy.Client{Credential: cred, Environment: sender.Local, Host: g.Addr, RootCAs: g.Authority.Pool(), ErrorWait: time.Millisecond}
		if _, err := c.Send(context.Background(), n); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := g.Shutdown(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if got := taken.Load(); got != int64(b.N) {
		b.Fatalf("the gateway took %d frames, want %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}
