package apnstest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// TestFindAndWaitWithoutHTTP: a Go test sends through the client and asks
// the simulator what arrived through its methods, with no HTTP and no
// sleep.
func TestFindAndWaitWithoutHTTP(t *testing.T) {
	s := apnstest.NewServer()
	defer s.Close()
	cred, err := credential.ParseP8(s.Demo.Key.P8, apnstest.DemoKeyID, apnstest.DemoTeamID)
	if err != nil {
		t.Fatal(err)
	}
	c := &sender.Client{Credential: cred, Environment: sender.Local, Host: s.Addr, RootCAs: s.Authority.Pool()}
	defer c.Close()
	tok := apnstest.DemoToken

	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	var we *apnstest.WaitError
	if _, err := s.Wait(short, "token:"+tok, 1); !errors.As(err, &we) || we.Matched != 0 {
		t.Fatalf("wait before any send: %v", err)
	}

	ctx, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	got := make(chan []apnstest.Record, 1)
	go func() {
		recs, err := s.Wait(ctx, "token:"+tok+" status:200", 2)
		if err != nil {
			t.Error(err)
		}
		got <- recs
	}()
	for _, text := range []string{"Order 41 shipped", "Order 42 shipped"} {
		p, _ := sender.BuildPayload(sender.Message{Body: text})
		if _, err := c.Send(ctx, &sender.Notification{Token: tok, Topic: apnstest.DemoBundleID, Payload: p}); err != nil {
			t.Fatal(err)
		}
	}
	recs := <-got
	if len(recs) != 2 || string(recs[0].Payload) != `{"aps":{"alert":"Order 42 shipped"}}` {
		t.Fatalf("wait returned %d records: %+v", len(recs), recs)
	}
	found, err := s.Find(`"order 41"`)
	if err != nil || len(found) != 1 || found[0].ApnsID != recs[1].ApnsID {
		t.Errorf("Find: %v %+v", err, found)
	}
	if r, ok := s.Get(recs[0].ApnsID); !ok || r.TeamID != apnstest.DemoTeamID || r.KeyID != apnstest.DemoKeyID {
		t.Errorf("Get: %v %+v", ok, r)
	}

	if err := s.SetToken(apnstest.TokenState{Token: tok, Unregistered: time.UnixMilli(1796119200000)}); err != nil {
		t.Fatal(err)
	}
	p, _ := sender.BuildPayload(sender.Message{Body: "gone"})
	resp, err := c.Send(ctx, &sender.Notification{Token: tok, Topic: apnstest.DemoBundleID, Payload: p})
	if err != nil || resp.Status != 410 || resp.Reason != "Unregistered" {
		t.Fatalf("after SetToken unregistered: %+v %v", resp, err)
	}
	if n, _ := s.Count("status:410 reason:Unregistered"); n != 1 {
		t.Errorf("Count 410: %d", n)
	}
	if n, _ := s.Delete("status:200"); n != 2 || len(s.Records()) != 1 {
		t.Errorf("Delete status:200 removed %d, left %d", n, len(s.Records()))
	}
}
