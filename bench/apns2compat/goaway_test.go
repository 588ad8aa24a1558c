package apns2compat

import (
	"context"
	"crypto/tls"
	"fmt"
	"sync"
	"testing"
	"time"

	"apnsconsole/sender/apnstest"

	"github.com/sideshow/apns2"
	"github.com/sideshow/apns2/token"
	"golang.org/x/net/http2"
)

// TestSideshowGetsNoDuplicateAndNoHangFromGoAway sends 1,000
// notifications with sideshow/apns2 (token auth, 40 at a time) to a
// simulator that closes a connection with GOAWAY {"reason":"Shutdown"}
// every 50 requests, and sends again what apns2 reports as failed, as its
// users do. Because the simulator answers every stream up to the
// GOAWAY's last-stream-id and none after, what fails was not processed:
// no notification is accepted twice, every one the client saw accepted
// is accepted once, and no push hangs.
func TestSideshowGetsNoDuplicateAndNoHangFromGoAway(t *testing.T) {
	s := apnstest.NewUnstartedServer()
	s.Latency = 2 * time.Millisecond // requests in flight when the GOAWAY comes
	if err := s.AddFault("goaway=Shutdown,every=50"); err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer s.Close()

	key, err := token.AuthKeyFromBytes(s.Demo.Key.P8)
	if err != nil {
		t.Fatal(err)
	}
	client := apns2.NewTokenClient(&token.Token{AuthKey: key, KeyID: apnstest.DemoKeyID, TeamID: apnstest.DemoTeamID})
	client.Host = "https://" + s.Addr
	client.HTTPClient.Transport.(*http2.Transport).TLSClientConfig = &tls.Config{RootCAs: s.Authority.Pool()}

	const n, workers = 1000, 40
	ids := make(chan string, n)
	for i := 0; i < n; i++ {
		ids <- fmt.Sprintf("00000000-0000-4000-8000-%012x", i+1)
	}
	close(ids)
	var mu sync.Mutex
	acceptedByClient := map[string]int{}
	failures, retries := 0, 0
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ids {
				for attempt := 0; ; attempt++ {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					res, err := client.PushWithContext(ctx, &apns2.Notification{
						ApnsID: id, DeviceToken: apnstest.DemoToken, Topic: apnstest.DemoBundleID,
						Payload: []byte(`{"aps":{"alert":"hello"}}`),
					})
					timedOut := ctx.Err() != nil
					cancel()
					mu.Lock()
					switch {
					case timedOut:
						failures++
						t.Errorf("%s: no answer in 10 s (attempt %d): %v", id, attempt+1, err)
					case err == nil && res.StatusCode == 200:
						acceptedByClient[id]++
					case err == nil:
						t.Errorf("%s: %d %s", id, res.StatusCode, res.Reason)
					case attempt < 5:
						retries++
						mu.Unlock()
						continue
					default:
						t.Errorf("%s: %v after 6 attempts", id, err)
					}
					mu.Unlock()
					break
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the sends did not end within 2 minutes")
	}

	onServer := map[string]int{}
	for _, a := range s.Accepted() {
		onServer[a.ApnsID]++
	}
	for id, k := range onServer {
		if k > 1 {
			t.Errorf("%s accepted %d times by the simulator (a duplicate push)", id, k)
		}
		if acceptedByClient[id] != 1 {
			t.Errorf("%s accepted by the simulator, the client saw it accepted %d times", id, acceptedByClient[id])
		}
	}
	if len(acceptedByClient) != n || len(onServer) != n {
		t.Errorf("the client saw %d accepted, the simulator accepted %d, want %d", len(acceptedByClient), len(onServer), n)
	}
	c := s.Counts()
	if c.GoAways == 0 {
		t.Error("no GOAWAY: the fault did not fire")
	}
	t.Logf("%d GOAWAYs, %d retries by the caller, %d accepted", c.GoAways, retries, c.Accepted)
}
