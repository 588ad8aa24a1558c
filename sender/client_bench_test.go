package sender_test

import (
	"context"
	"testing"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
)

// The baseline: a new client, so a new TLS handshake, for every send (what
// a script calling curl or the 2009 article's one-connection-per-push does).
func BenchmarkSendNewConnectionEach(b *testing.B) {
	s := apnstest.NewServer()
	defer s.Close()
	cred := demoP12(b, s)
	n := alert(b, apnstest.DemoToken, "bench")
	b.ResetTimer()
	for b.Loop() {
		c := localClient(s, cred, nil)
		if resp, err := c.Send(context.Background(), n); err != nil || !resp.Accepted() {
			b.Fatal(err, resp)
		}
		c.Close()
	}
}

// One client, one connection, sends one after another.
func BenchmarkSendReusedConnection(b *testing.B) {
	s := apnstest.NewServer()
	defer s.Close()
	c := localClient(s, demoP12(b, s), nil)
	defer c.Close()
	n := alert(b, apnstest.DemoToken, "bench")
	b.ResetTimer()
	for b.Loop() {
		if resp, err := c.Send(context.Background(), n); err != nil || !resp.Accepted() {
			b.Fatal(err, resp)
		}
	}
	b.ReportMetric(float64(c.Handshakes()), "handshakes")
}

// One client, SendAll (SendStream's default concurrency): reported per
// notification.
func BenchmarkSendAllReusedConnection(b *testing.B) {
	s := apnstest.NewServer()
	defer s.Close()
	c := localClient(s, demoP12(b, s), nil)
	defer c.Close()
	const batch = 100
	ns := make([]*sender.Notification, batch)
	for i := range ns {
		ns[i] = alert(b, apnstest.DemoToken, "bench")
	}
	b.ResetTimer()
	for b.Loop() {
		for _, r := range c.SendAll(context.Background(), ns) {
			if r.Err != nil || !r.Response.Accepted() {
				b.Fatal(r.Err, r.Response)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/notification")
	b.ReportMetric(float64(c.Handshakes()), "handshakes")
}
