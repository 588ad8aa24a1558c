package sender_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

func channelClient(s *apnstest.Server, cred *credential.Credential, log *apnstest.EventLog) *sender.ChannelClient {
	c := &sender.ChannelClient{Credential: cred, Environment: sender.Local, ManagementHost: s.Addr, BroadcastHost: s.Addr, RootCAs: s.Authority.Pool()}
	if log != nil {
		c.OnEvent = log.Add
	}
	return c
}

func laUpdate(t *testing.T) []byte {
	t.Helper()
	la := sender.LiveActivity{Event: sender.LiveActivityUpdate, ContentState: `{"score":"2-1"}`}
	p, err := la.Payload(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestChannelLifecycleWithATokenKey(t *testing.T) {
	s := apnstest.NewServer()
	defer s.Close()
	var log apnstest.EventLog
	c := channelClient(s, demoP8(t, s), &log)
	defer c.Close()
	ctx := context.Background()
	bundle := apnstest.DemoBundleID

	r, err := c.CreateChannel(ctx, bundle, sender.NoMessageStored)
	if err != nil || r.Status != 201 || r.ChannelID == "" || r.RequestID == "" {
		t.Fatalf("create: %+v, %v", r, err)
	}
	id := r.ChannelID
	r, err = c.ListChannels(ctx, bundle+".push-type.liveactivity") // the suffix is stripped
	if err != nil || r.Status != 200 || len(r.Channels) != 1 || r.Channels[0] != id {
		t.Fatalf("list: %+v, %v", r, err)
	}
	r, err = c.GetChannel(ctx, bundle, id)
	if err != nil || r.Status != 200 || r.StoragePolicy != sender.NoMessageStored || r.PushType != "LiveActivity" {
		t.Fatalf("get: %+v, %v", r, err)
	}
	payload := laUpdate(t)
	r, err = c.Broadcast(ctx, &sender.Broadcast{BundleID: bundle, ChannelID: id, Payload: payload})
	if err != nil || r.Status != 200 || r.ApnsID == "" {
		t.Fatalf("broadcast: %+v, %v", r, err)
	}
	b := s.Broadcasts()
	if len(b) != 1 || b[0].Expiration == nil || b[0].Expiration.Unix() != 0 || string(b[0].Payload) != string(payload) || b[0].Priority != 10 {
		t.Errorf("the no-storage broadcast went out as %+v", b)
	}
	far := time.Unix(4102444800, 0)
	if _, err := c.Broadcast(ctx, &sender.Broadcast{BundleID: bundle, ChannelID: id, Payload: payload, Expiration: &far}); !errors.Is(err, sender.ErrInvalidNotification) || !strings.Contains(err.Error(), "take only apns-expiration 0") {
		t.Errorf("stored expiration on a no-storage channel: %v", err)
	}
	r, err = c.DeleteChannel(ctx, bundle, id)
	if err != nil || r.Status != 204 {
		t.Fatalf("delete: %+v, %v", r, err)
	}
	r, err = c.Broadcast(ctx, &sender.Broadcast{BundleID: bundle, ChannelID: id, Payload: payload})
	if err != nil || r.Status != 400 || r.Reason != "ChannelNotRegistered" || !strings.Contains(r.Summary(), "create a new one") {
		t.Fatalf("broadcast after delete: %+v, %v", r, err)
	}
	text := log.Text()
	for _, want := range []string{"POST /1/apps/com.example.demo/channels (HTTP/2)", `body (55 bytes): {"message-storage-policy":0,"push-type":"LiveActivity"}`,
		"201 Created · channel " + id, "GET /1/apps/com.example.demo/all-channels", "apns-channel-id: " + id, "apns-expiration: 0",
		"POST /4/broadcasts/apps/com.example.demo", "204 No Content", "400 ChannelNotRegistered", "authorization: bearer <provider token, not shown>"} {
		if !strings.Contains(text, want) {
			t.Errorf("events lack %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "eyJ") {
		t.Errorf("a JWT reached the events:\n%s", text)
	}
	if n := log.Count(sender.EventTLS); n != 1 {
		t.Errorf("%d handshakes, want 1 (management and broadcasts share the simulator's address)", n)
	}
}

func TestBroadcastToAStoredChannelWithACertificate(t *testing.T) {
	s := apnstest.NewServer()
	defer s.Close()
	c := channelClient(s, demoP12(t, s), nil)
	defer c.Close()
	ctx := context.Background()
	r, err := c.CreateChannel(ctx, apnstest.DemoBundleID, sender.MostRecentMessageStored)
	if err != nil || r.Status != 201 {
		t.Fatalf("create: %+v, %v", r, err)
	}
	// A second client has not seen the channel made: it asks for the policy.
	c2 := channelClient(s, demoP12(t, s), nil)
	defer c2.Close()
	r, err = c2.Broadcast(ctx, &sender.Broadcast{BundleID: apnstest.DemoBundleID, ChannelID: r.ChannelID, Priority: 5, Payload: laUpdate(t)})
	if err != nil || r.Status != 200 {
		t.Fatalf("broadcast: %+v, %v", r, err)
	}
	if b := s.Broadcasts(); len(b) != 1 || b[0].Expiration != nil || b[0].Priority != 5 {
		t.Errorf("stored channel broadcast: %+v (want no apns-expiration)", b)
	}
}

func TestBroadcastInputIsRefusedBeforeSending(t *testing.T) {
	c := &sender.ChannelClient{Environment: sender.Sandbox}
	start := sender.LiveActivity{Event: sender.LiveActivityStart, ContentState: `{}`, AttributesType: "A", Attributes: `{}`, Alert: sender.LiveActivityAlert{Body: "x"}}
	startPayload, err := start.Payload(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		b    sender.Broadcast
		want string
	}{
		{sender.Broadcast{BundleID: "com.example.app", Payload: []byte(`{"aps":{}}`)}, "no channel id"},
		{sender.Broadcast{BundleID: "com.example.app", ChannelID: "%%%", Payload: []byte(`{"aps":{}}`)}, "is not base64"},
		{sender.Broadcast{BundleID: "", ChannelID: "dHN0", Payload: []byte(`{"aps":{}}`)}, "no bundle id"},
		{sender.Broadcast{BundleID: "com.example.app", ChannelID: "dHN0", Priority: 1, Payload: []byte(`{"aps":{}}`)}, "priority 1 is not allowed for broadcasts"},
		{sender.Broadcast{BundleID: "com.example.app", ChannelID: "dHN0", Payload: []byte(`{"aps":{"x":"` + strings.Repeat("x", 5120) + `"}}`)}, "over the 5120-byte limit"},
		{sender.Broadcast{BundleID: "com.example.app", ChannelID: "dHN0", Payload: startPayload}, "a broadcast cannot start a Live Activity"},
	}
	for _, tt := range tests {
		if _, err := c.Broadcast(context.Background(), &tt.b); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.b, err, tt.want)
		}
	}
	if _, err := c.CreateChannel(context.Background(), "com.example.app", 0); !errors.Is(err, sender.ErrNoCredential) {
		t.Errorf("no credential: %v", err)
	}
}

func TestChannelHostsFollowTheReference(t *testing.T) {
	if sender.Sandbox.ManagementHost() != "api-manage-broadcast.sandbox.push.apple.com:2195" || sender.Production.ManagementHost() != "api-manage-broadcast.push.apple.com:2196" ||
		sender.Sandbox.BroadcastHost() != "api-broadcast.sandbox.push.apple.com:443" || sender.Production.BroadcastHost() != "api-broadcast.push.apple.com:443" || sender.Local.BroadcastHost() != "" {
		t.Error("hosts differ from APNS-REFERENCE §7")
	}
	for in, want := range map[string]sender.StoragePolicy{"0": sender.NoMessageStored, "1": sender.MostRecentMessageStored, "most-recent": sender.MostRecentMessageStored} {
		if got, err := sender.ParseStoragePolicy(in); err != nil || got != want {
			t.Errorf("ParseStoragePolicy(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := sender.ParseStoragePolicy("2"); err == nil || !strings.Contains(err.Error(), "use 0 (no message stored") {
		t.Errorf("policy 2: %v", err)
	}
}

func TestChannelClientGivesUpOnAServerThatNeverAnswers(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
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
			defer conn.Close() // held open, never answered
		}
	}()
	s := apnstest.NewServer() // only for its demo key
	defer s.Close()
	c := &sender.ChannelClient{Credential: demoP8(t, s), Environment: sender.Local, ManagementHost: ln.Addr().String(), Timeout: 300 * time.Millisecond}
	defer c.Close()
	_, err = c.ListChannels(context.Background(), apnstest.DemoBundleID)
	if !errors.Is(err, sender.ErrConnect) {
		t.Errorf("err = %v, want a connection error", err)
	}
}

func TestLiveActivityBroadcastForTheComposer(t *testing.T) {
	la := sender.LiveActivity{Event: sender.LiveActivityEnd, ContentState: `{"a":1}`, Timestamp: time.Unix(1800000000, 0)}
	b, err := la.Broadcast("com.example.app.push-type.liveactivity", "dHN0LXNyY2gtY2hubA==", 5, time.Unix(1800000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	if b.Path() != "/4/broadcasts/apps/com.example.app" || string(b.Payload) != `{"aps":{"timestamp":1800000000,"event":"end","content-state":{"a":1}}}` ||
		b.Header("").Get("apns-priority") != "5" || b.Header("").Get("apns-expiration") != "" || b.Header("LiveActivity").Get("apns-push-type") != "LiveActivity" {
		t.Errorf("broadcast %+v %v", b, b.Header(""))
	}
	la.Event = sender.LiveActivityStart
	if _, err := la.Broadcast("com.example.app", "dHN0", 0, time.Now()); err == nil || !strings.Contains(err.Error(), "cannot start") {
		t.Errorf("start: %v", err)
	}
}

func TestChannelClientReportsAGoAwayReason(t *testing.T) {
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
	c := &sender.ChannelClient{Credential: cred, Environment: sender.Production, ManagementHost: s.Addr, RootCAs: s.Authority.Pool(), OnEvent: log.Add}
	defer c.Close()
	_, err = c.CreateChannel(context.Background(), apnstest.DemoBundleID, sender.MostRecentMessageStored)
	var ga *sender.GoAwayError
	if !errors.As(err, &ga) || ga.Reason != "BadCertificateEnvironment" || log.Count(sender.EventGoAway) == 0 {
		t.Fatalf("want a GoAwayError with BadCertificateEnvironment, got %v\n%s", err, log.Text())
	}
}
