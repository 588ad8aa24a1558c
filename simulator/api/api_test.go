package api

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"apnsconsole/simulator"
)

const demoTopic = simulator.DemoBundleID

func TestListGetAndDelete(t *testing.T) {
	a := control(t, Options{})
	tok, other := newToken(), newToken()
	for i := 0; i < 3; i++ {
		push(t, tok, demoTopic, fmt.Sprintf(`{"aps":{"alert":"Order %d ready"}}`, i))
	}
	push(t, other, demoTopic, `{"aps":{"alert":"other"}}`)
	push(t, tok, demoTopic, ``) // PayloadEmpty

	var p page
	if st := call(t, a, "GET", "/api/v1/notifications?query="+url.QueryEscape("token:"+tok)+"&limit=2", "", &p); st != 200 {
		t.Fatalf("list: %d", st)
	}
	if p.Total != 4 || p.Count != 2 || p.Notifications[0].Reason != "PayloadEmpty" || p.Notifications[1].Status != 200 {
		t.Errorf("list %+v", p)
	}
	// A rejection keeps what the checks learnt: the certificate's team.
	call(t, a, "GET", "/api/v1/notifications?query="+url.QueryEscape("token:"+tok+" reason:PayloadEmpty team:"+simulator.DemoTeamID), "", &p)
	if p.Total != 1 {
		t.Errorf("team: of a rejection: %+v", p)
	}
	call(t, a, "GET", "/api/v1/notifications?query="+url.QueryEscape("token:"+tok+` "order 1"`), "", &p)
	if p.Total != 1 || string(p.Notifications[0].Payload) != `{"aps":{"alert":"Order 1 ready"}}` || p.Notifications[0].Headers != nil {
		t.Errorf("free text %+v", p)
	}
	id := p.Notifications[0].ID
	var n Notification
	if st := call(t, a, "GET", "/api/v1/notifications/"+strings.ToLower(id), "", &n); st != 200 || n.ID != id || n.Headers["apns-topic"] != demoTopic || n.Token != tok {
		t.Errorf("get by id: %d %+v", st, n)
	}
	if call(t, a, "GET", "/api/v1/notifications/latest?query="+url.QueryEscape("token:"+other), "", &n); n.Token != other {
		t.Errorf("latest: %+v", n)
	}
	var e apiError
	if st := call(t, a, "GET", "/api/v1/notifications/00000000-0000-0000-0000-000000000000", "", &e); st != 404 || !strings.Contains(e.Error, "kept") {
		t.Errorf("unknown id: %d %+v", st, e)
	}
	if st := call(t, a, "GET", "/api/v1/notifications?query=tokn:1", "", &e); st != 400 || !strings.Contains(e.Error, `unknown key "tokn"`) {
		t.Errorf("bad query: %d %+v", st, e)
	}
	if st := call(t, a, "GET", "/api/v1/notifications?limit=100000", "", &e); st != 400 {
		t.Errorf("limit past the maximum: %d", st)
	}
	// Deleting one test's notifications leaves the other's.
	var del map[string]int
	if st := call(t, a, "DELETE", "/api/v1/notifications?query="+url.QueryEscape("token:"+tok), "", &del); st != 200 || del["deleted"] != 4 {
		t.Errorf("delete: %d %v", st, del)
	}
	call(t, a, "GET", "/api/v1/notifications?query=token:"+other, "", &p)
	if p.Total != 1 {
		t.Errorf("the other token's notification went too: %+v", p)
	}
}

func TestWait(t *testing.T) {
	a := control(t, Options{})
	tok := newToken()
	type result struct {
		st int
		p  page
		at time.Time
	}
	done := make(chan result)
	go func() {
		var r result
		r.st = call(t, a, "GET", "/api/v1/notifications/wait?count=2&timeout=10s&query=token:"+tok, "", &r.p)
		r.at = time.Now()
		done <- r
	}()
	for a.s.Subscribers(); len(a.waits) == 0; {
		time.Sleep(time.Millisecond)
	}
	push(t, tok, demoTopic, `{"aps":{"alert":"one"}}`)
	select {
	case r := <-done:
		t.Fatalf("wait answered %d after one of two", r.st)
	case <-time.After(50 * time.Millisecond):
	}
	push(t, tok, demoTopic, `{"aps":{"alert":"two"}}`)
	r := <-done
	if r.st != 200 || r.p.Total != 2 || r.p.Count != 2 || string(r.p.Notifications[0].Payload) != `{"aps":{"alert":"two"}}` {
		t.Errorf("wait: %d %+v", r.st, r.p)
	}
	var to waitTimedOut
	if st := call(t, a, "GET", "/api/v1/notifications/wait?count=3&timeout=50ms&query=token:"+tok, "", &to); st != 408 || to.Matched != 2 || to.Count != 3 {
		t.Errorf("timed-out wait: %d %+v", st, to)
	}
	var e apiError
	for _, bad := range []string{"timeout=1h", "timeout=-1s", "timeout=soon", "count=0", "count=1001"} {
		if st := call(t, a, "GET", "/api/v1/notifications/wait?"+bad, "", &e); st != 400 {
			t.Errorf("wait?%s: %d, want 400", bad, st)
		}
	}
}

func TestTokenRegistry(t *testing.T) {
	a := control(t, Options{})
	tok := newToken()
	var got Token
	if st := call(t, a, "PUT", "/api/v1/tokens/"+tok, `{"state":"unregistered","since":"2026-12-01T10:00:00Z"}`, &got); st != 200 || got.State != "unregistered" {
		t.Fatalf("put: %d %+v", st, got)
	}
	if st, body := push(t, tok, demoTopic, `{"aps":{}}`); st != 410 || body != `{"reason":"Unregistered","timestamp":1796119200000}` {
		t.Errorf("unregistered token answered %d %s", st, body)
	}
	call(t, a, "PUT", "/api/v1/tokens/"+tok, `{"environment":"production"}`, &got)
	if st, body := push(t, tok, demoTopic, `{"aps":{}}`); st != 400 || !strings.Contains(body, "BadDeviceToken") {
		t.Errorf("production token in sandbox answered %d %s", st, body)
	}
	call(t, a, "PUT", "/api/v1/tokens/"+tok, `{"environment":"sandbox","topics":["com.example.other"]}`, &got)
	if st, body := push(t, tok, demoTopic, `{"aps":{}}`); st != 400 || !strings.Contains(body, "DeviceTokenNotForTopic") {
		t.Errorf("token of another app answered %d %s", st, body)
	}
	call(t, a, "PUT", "/api/v1/tokens/"+tok, `{"topics":["`+demoTopic+`"]}`, &got)
	if st, _ := push(t, tok, demoTopic+".voip", `{"aps":{}}`); st != 200 {
		t.Errorf("the app's own voip topic answered %d", st)
	}
	call(t, a, "GET", "/api/v1/tokens/"+strings.ToUpper(tok), "", &got)
	if got.Token != tok || got.State != "active" || len(got.Topics) != 1 {
		t.Errorf("get: %+v", got)
	}
	if st := call(t, a, "DELETE", "/api/v1/tokens/"+tok, "", &got); st != 200 {
		t.Errorf("delete: %d", st)
	}
	if st, _ := push(t, tok, demoTopic, `{"aps":{}}`); st != 200 {
		t.Errorf("a forgotten token answered %d", st)
	}
	var e apiError
	for body, want := range map[string]string{
		`{"state":"gone"}`:                       "state:",
		`{"state":"unregistered","since":"old"}`: "since:",
		`{"environment":"staging"}`:              "environment",
		`{"stat":"unregistered"}`:                "unknown field",
		`{"topics":[]}`:                          "topics",
		``:                                       "empty",
	} {
		if st := call(t, a, "PUT", "/api/v1/tokens/"+tok, body, &e, "Content-Type", "application/json"); st != 400 || !strings.Contains(e.Error, want) {
			t.Errorf("PUT %s: %d %q, want 400 with %q", body, st, e.Error, want)
		}
	}
	if st := call(t, a, "PUT", "/api/v1/tokens/1234", `{"state":"expired"}`, &e); st != 400 {
		t.Errorf("PUT of a short token: %d", st)
	}
	if st := call(t, a, "PUT", "/api/v1/tokens/"+tok, `{"fail":"`+strings.Repeat("x", MaxBody)+`"}`, &e); st != 413 {
		t.Errorf("a body past MaxBody: %d", st)
	}
}

func TestFaultsWhileRunning(t *testing.T) {
	a := control(t, Options{})
	t.Cleanup(func() { a.s.SetFaults(nil); a.s.SetLatency(0, 0) })
	tok := newToken()
	var f faultsAnswer
	if st := call(t, a, "PUT", "/api/v1/faults", `{"faults":["status=429,token=`+tok+`"],"latency":"30ms"}`, &f); st != 200 ||
		len(f.Faults) != 1 || f.Latency != "30ms" || !strings.Contains(f.Faults[0], "reason=TooManyRequests") {
		t.Fatalf("put faults: %d %+v", st, f)
	}
	start := time.Now()
	if st, body := push(t, tok, demoTopic, `{"aps":{}}`); st != 429 || !strings.Contains(body, "TooManyRequests") {
		t.Errorf("with the fault: %d %s", st, body)
	}
	if time.Since(start) < 30*time.Millisecond {
		t.Error("the latency set through the API was not added")
	}
	var e apiError
	if st := call(t, a, "PUT", "/api/v1/faults", `{"faults":["status=200"]}`, &e); st != 400 || !strings.Contains(e.Error, "faults[0]") {
		t.Errorf("a bad rule: %d %+v", st, e)
	}
	call(t, a, "GET", "/api/v1/faults", "", &f)
	if len(f.Faults) != 1 {
		t.Errorf("a refused PUT changed the rules: %+v", f)
	}
	call(t, a, "DELETE", "/api/v1/faults", "", &f)
	if len(f.Faults) != 0 || f.Latency != "" {
		t.Errorf("after DELETE: %+v", f)
	}
	if st, _ := push(t, tok, demoTopic, `{"aps":{}}`); st != 200 {
		t.Errorf("after DELETE: %d", st)
	}
}

func TestEvents(t *testing.T) {
	a := control(t, Options{})
	tok := newToken()
	resp, err := http.Get("http://" + a.Addr() + "/api/v1/events?query=token:" + tok)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("content type %q", resp.Header.Get("Content-Type"))
	}
	rd := bufio.NewReader(resp.Body)
	readEvent := func() (string, string) {
		var ev, data string
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "" && ev != "":
				return ev, data
			case strings.HasPrefix(line, "event: "):
				ev = line[7:]
			case strings.HasPrefix(line, "data: "):
				data = line[6:]
			}
		}
	}
	push(t, newToken(), demoTopic, `{"aps":{"alert":"not this one"}}`)
	push(t, tok, demoTopic, `{"aps":{"alert":"this one"}}`)
	ev, data := readEvent()
	if ev != "notification" || !strings.Contains(data, `"payload":{"aps":{"alert":"this one"}}`) || !strings.Contains(data, tok) {
		t.Errorf("event %q %s", ev, data)
	}
	var in Info
	call(t, a, "GET", "/api/v1/info", "", &in)
	if in.Subscribers < 1 || in.Keep != simulator.DefaultKeep || in.Counts.Requests == 0 || in.Counts.ByStatus["200"] == 0 {
		t.Errorf("info %+v", in)
	}
}

// TestSlowEventReaderLosesEvents: a stream nobody reads fills its buffer,
// then loses events (counted), and the simulator answers at full speed.
func TestSlowEventReaderLosesEvents(t *testing.T) {
	a := control(t, Options{})
	s, _ := shared(t)
	sub, _ := s.Subscribe("", 1)
	defer sub.Close()
	tok := newToken()
	for i := 0; i < 3; i++ {
		push(t, tok, demoTopic, `{"aps":{}}`)
	}
	s.Count("") // an answer is recorded once written: wait for the three
	if sub.Dropped() < 2 {
		t.Errorf("dropped %d, want at least 2", sub.Dropped())
	}
	var in Info
	call(t, a, "GET", "/api/v1/info", "", &in)
	if in.EventsDropped < 2 {
		t.Errorf("info events_dropped %d", in.EventsDropped)
	}
}

func TestHealth(t *testing.T) {
	ready := false
	a := control(t, Options{Token: "s3cret", Ready: func() bool { return ready }})
	var m map[string]string
	if st := call(t, a, "GET", "/readyz", "", &m); st != 503 {
		t.Errorf("readyz before ready: %d", st)
	}
	ready = true
	if st := call(t, a, "GET", "/readyz", "", &m); st != 200 || m["status"] != "ready" {
		t.Errorf("readyz: %d %v", st, m)
	}
	if st := call(t, a, "GET", "/livez", "", &m); st != 200 {
		t.Errorf("livez: %d", st)
	}
}

// TestWaitsAndStreamsAreBounded: past MaxWaits waits or MaxSubscribers
// streams under way, another is refused at once rather than queued.
func TestWaitsAndStreamsAreBounded(t *testing.T) {
	a := control(t, Options{})
	for i := 0; i < MaxWaits; i++ {
		a.waits <- struct{}{}
	}
	var e apiError
	if st := call(t, a, "GET", "/api/v1/notifications/wait?timeout=10s", "", &e); st != 503 || !strings.Contains(e.Error, "waits") {
		t.Errorf("wait past the bound: %d %+v", st, e)
	}
	for i := 0; i < MaxSubscribers; i++ {
		a.streams <- struct{}{}
	}
	if st := call(t, a, "GET", "/api/v1/events", "", &e); st != 503 || !strings.Contains(e.Error, "streams") {
		t.Errorf("stream past the bound: %d %+v", st, e)
	}
}

// TestWaitEndsWhenTheClientGoes: a wait whose client hangs up is removed
// at once, not left until its timeout.
func TestWaitEndsWhenTheClientGoes(t *testing.T) {
	a := control(t, Options{})
	before := len(a.waits)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+a.Addr()+"/api/v1/notifications/wait?timeout=5m&query=token:"+newToken(), nil)
	done := make(chan struct{})
	go func() {
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
		close(done)
	}()
	for len(a.waits) == before {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	deadline := time.Now().Add(10 * time.Second)
	for len(a.waits) > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if len(a.waits) > before {
		t.Error("the wait outlived its client")
	}
}

// TestStreamsShareOneEncoding: streams with the same query share a hub
// (one subscription, each record encoded once), and each gets every event.
func TestStreamsShareOneEncoding(t *testing.T) {
	a := control(t, Options{})
	s, _ := shared(t)
	subsBefore, _ := s.Subscribers()
	var readers []*bufio.Reader
	for i := 0; i < 2; i++ {
		resp, err := http.Get("http://" + a.Addr() + "/api/v1/events")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		readers = append(readers, bufio.NewReader(resp.Body))
	}
	if subs, _ := s.Subscribers(); subs != subsBefore+1 {
		t.Errorf("two streams of the same query opened %d subscriptions, want 1", subs-subsBefore)
	}
	var in Info
	call(t, a, "GET", "/api/v1/info", "", &in)
	if in.Subscribers != subsBefore+2 {
		t.Errorf("info counts %d streams, want %d", in.Subscribers, subsBefore+2)
	}
	tok := newToken()
	push(t, tok, demoTopic, `{"aps":{"alert":"to both"}}`)
	for i, rd := range readers {
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				t.Fatalf("stream %d: %v", i, err)
			}
			if strings.HasPrefix(line, "data: ") && strings.Contains(line, tok) {
				break
			}
		}
	}
}
