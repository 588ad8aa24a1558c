package simulator

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// channelPush is a management or broadcast request with token auth.
func channelPush(auth, method, path, body string, kv ...string) push {
	if body == "" {
		body = noBody
	}
	return push{method: method, path: path, body: body, header: hdr(append(kv, "authorization", auth)...)}
}

func TestChannelManagementAndBroadcastAnswerLikeAPNs(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, func(s *Server) { s.ChannelOptions.MaxChannels = 3 })
	cc := dial(t, s, nil)
	auth := bearer(jwtFor(t, f.demo.Key, time.Now()))
	const apps = "/1/apps/" + DemoBundleID
	const bc = "/4/broadcasts/apps/" + DemoBundleID
	create := func(policy int) answer {
		return send(t, s, cc, channelPush(auth, "POST", apps+"/channels", `{"message-storage-policy":`+string(rune('0'+policy))+`,"push-type":"LiveActivity"}`))
	}

	a := create(0)
	noStore := a.Header.Get("apns-channel-id")
	if a.Status != 201 || len(a.Body) != 0 || a.Header.Get("apns-request-id") == "" {
		t.Fatalf("create: %d %s %q, request id %q", a.Status, a.Reason, a.Body, a.Header.Get("apns-request-id"))
	}
	if b, err := base64.StdEncoding.DecodeString(noStore); err != nil || len(b) == 0 {
		t.Errorf("channel id %q is not base64", noStore)
	}
	stored := create(1).Header.Get("apns-channel-id")

	a = send(t, s, cc, channelPush(auth, "GET", apps+"/all-channels", ""))
	var list struct{ Channels []string }
	if json.Unmarshal(a.Body, &list); a.Status != 200 || strings.Join(list.Channels, ",") != noStore+","+stored {
		t.Errorf("list: %d %s", a.Status, a.Body)
	}
	a = send(t, s, cc, channelPush(auth, "GET", apps+"/channels", "", "apns-channel-id", stored))
	if a.Status != 200 || string(a.Body) != `{"message-storage-policy":1,"push-type":"LiveActivity"}` {
		t.Errorf("get: %d %s", a.Status, a.Body)
	}

	update := `{"aps":{"timestamp":1800000000,"event":"update","content-state":{"score":"1-0"}}}`
	bcast := func(channel, body string, kv ...string) answer {
		return send(t, s, cc, channelPush(auth, "POST", bc, body, append([]string{"apns-channel-id", channel}, kv...)...))
	}
	lt := "apns-push-type"
	tests := []struct {
		name   string
		a      answer
		status int
		reason string
	}{
		{"no-storage, expiration 0", bcast(noStore, update, lt, "liveactivity", "apns-expiration", "0", "apns-priority", "10"), 200, ""},
		{"push type in Apple's other spelling", bcast(noStore, update, lt, "LiveActivity", "apns-expiration", "0"), 200, ""},
		{"stored, no expiration", bcast(stored, update, lt, "liveactivity"), 200, ""},
		{"stored, an expiration", bcast(stored, update, lt, "liveactivity", "apns-expiration", "4102444800"), 200, ""},
		{"no-storage, a stored expiration", bcast(noStore, update, lt, "liveactivity", "apns-expiration", "4102444800"), 400, "BadExpirationDate"},
		{"no-storage, no expiration", bcast(noStore, update, lt, "liveactivity"), 400, "BadExpirationDate"},
		{"no channel id", bcast("", update, lt, "liveactivity"), 400, "MissingChannelId"},
		{"bad channel id", bcast("not base64!", update, lt, "liveactivity"), 400, "BadChannelId"},
		{"unknown channel", bcast("dHN0LXNyY2gtY2hubA==", update, lt, "liveactivity", "apns-expiration", "0"), 400, "ChannelNotRegistered"},
		{"push type alert", bcast(stored, update, lt, "alert"), 400, "InvalidPushType"},
		{"no push type", bcast(stored, update), 400, "MissingPushType"},
		{"priority 1", bcast(stored, update, lt, "liveactivity", "apns-priority", "1"), 400, "BadPriority"},
		{"too large", bcast(stored, `{"aps":{"x":"`+strings.Repeat("x", 5120)+`"}}`, lt, "liveactivity"), 413, "PayloadTooLarge"},
		{"empty", bcast(stored, "", lt, "liveactivity"), 400, "PayloadEmpty"},
		{"suffixed bundle", send(t, s, cc, channelPush(auth, "POST", bc+".push-type.liveactivity", update, "apns-channel-id", stored, lt, "liveactivity")), 400, "TopicDisallowed"},
		{"another team's bundle", send(t, s, cc, channelPush(auth, "POST", "/4/broadcasts/apps/com.example.teamtwo", update, "apns-channel-id", stored, lt, "liveactivity")), 400, "TopicDisallowed"},
		{"GET broadcast", send(t, s, cc, channelPush(auth, "GET", bc, "", "apns-channel-id", stored, lt, "liveactivity")), 405, "MethodNotAllowed"},
		{"create, third", create(1), 201, ""},
		{"create past the limit", create(1), 400, "CannotCreateChannelConfig"},
		{"create for alerts", send(t, s, cc, channelPush(auth, "POST", apps+"/channels", `{"message-storage-policy":0,"push-type":"Alert"}`)), 400, "InvalidPushType"},
		{"create with policy 2", send(t, s, cc, channelPush(auth, "POST", apps+"/channels", `{"message-storage-policy":2,"push-type":"LiveActivity"}`)), 400, "BadRequestPayload"},
		{"get without id", send(t, s, cc, channelPush(auth, "GET", apps+"/channels", "")), 400, "MissingChannelId"},
		{"bad path", send(t, s, cc, channelPush(auth, "GET", apps+"/channel", "")), 404, "BadPath"},
		{"suffixed bundle, management", send(t, s, cc, channelPush(auth, "GET", apps+".push-type.liveactivity/all-channels", "")), 400, "TopicDisallowed"},
		{"no token", send(t, s, cc, push{method: "GET", path: apps + "/all-channels", body: noBody}), 403, "MissingProviderToken"},
		{"delete", send(t, s, cc, channelPush(auth, "DELETE", apps+"/channels", "", "apns-channel-id", noStore)), 204, ""},
		{"broadcast after delete", bcast(noStore, update, lt, "liveactivity", "apns-expiration", "0"), 400, "ChannelNotRegistered"},
		{"delete again", send(t, s, cc, channelPush(auth, "DELETE", apps+"/channels", "", "apns-channel-id", noStore)), 400, "ChannelNotRegistered"},
	}
	for _, tt := range tests {
		if tt.a.Status != tt.status || tt.a.Reason != tt.reason {
			t.Errorf("%s: %d %q, want %d %q", tt.name, tt.a.Status, tt.a.Reason, tt.status, tt.reason)
		}
		if tt.a.Header.Get("apns-request-id") == "" {
			t.Errorf("%s: no apns-request-id", tt.name)
		}
	}
	if got := s.Channels(DemoBundleID); len(got) != 2 || got[0] != stored {
		t.Errorf("channels left: %q", got)
	}
	bs := s.Broadcasts()
	if len(bs) != 4 || bs[0].ChannelID != noStore || string(bs[0].Payload) != update || bs[2].Expiration != nil || len(bs[0].Warnings) != 0 {
		t.Errorf("accepted broadcasts: %+v", bs)
	}
	var rec *Record
	for _, r := range s.Records() {
		if r.Path == bc && r.Status == 200 {
			rec = &r
			break
		}
	}
	if rec == nil || rec.Channel != noStore || rec.Topic != DemoBundleID || rec.Header.Get("authorization") != "" {
		t.Errorf("broadcast record: %+v", rec)
	}
}

func TestChannelsWithCertificates(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, nil)
	cc := dial(t, s, f.demo.Cert)
	a := send(t, s, cc, push{method: "POST", path: "/1/apps/" + DemoBundleID + "/channels", body: `{"message-storage-policy":1,"push-type":"LiveActivity"}`})
	if a.Status != 201 {
		t.Fatalf("create with the demo certificate: %d %s", a.Status, a.Reason)
	}
	a = send(t, s, cc, push{method: "POST", path: "/4/broadcasts/apps/" + DemoBundleID, body: `{"aps":{"event":"start","timestamp":1,"content-state":{}}}`,
		header: hdr("apns-channel-id", a.Header.Get("apns-channel-id"), "apns-push-type", "liveactivity")})
	if a.Status != 200 {
		t.Fatalf("broadcast with the demo certificate: %d %s", a.Status, a.Reason)
	}
	if w := s.Broadcasts()[0].Warnings; len(w) == 0 || !strings.Contains(w[len(w)-1], "a broadcast cannot start a Live Activity") {
		t.Errorf("a start broadcast was not warned about: %q", w)
	}
	a = send(t, s, cc, push{method: "GET", path: "/1/apps/com.example.other/all-channels", body: noBody})
	if a.Status != http.StatusForbidden || a.Reason != "TopicMismatch" {
		t.Errorf("another bundle with the certificate: %d %s", a.Status, a.Reason)
	}
}

func TestChannelsBelongToOneEnvironment(t *testing.T) {
	f := getFixture(t)
	sandbox, _ := startServer(t, f, nil)
	production, _ := startServer(t, f, func(s *Server) { s.Environment = "production" })
	auth := bearer(jwtFor(t, f.demo.Key, time.Now()))
	a := send(t, sandbox, dial(t, sandbox, nil), channelPush(auth, "POST", "/1/apps/"+DemoBundleID+"/channels", `{"message-storage-policy":1,"push-type":"LiveActivity"}`))
	if a.Status != 201 {
		t.Fatalf("create in sandbox: %d %s", a.Status, a.Reason)
	}
	id := a.Header.Get("apns-channel-id")
	prod := dial(t, production, nil)
	a = send(t, production, prod, channelPush(auth, "GET", "/1/apps/"+DemoBundleID+"/channels", "", "apns-channel-id", id))
	if a.Status != 400 || a.Reason != "ChannelNotRegistered" {
		t.Errorf("sandbox channel in production: %d %s", a.Status, a.Reason)
	}
	// A key limited to production is refused in sandbox, as for device pushes.
	a = send(t, sandbox, dial(t, sandbox, nil), channelPush(bearer(jwtFor(t, f.prodKey, time.Now())), "GET", "/1/apps/"+DemoBundleID+"/all-channels", ""))
	if a.Status != 403 || a.Reason != DefaultEnvironmentKeyReason {
		t.Errorf("production key in sandbox: %d %s", a.Status, a.Reason)
	}
}

func TestBroadcastMemoryIsBounded(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, nil)
	cc := dial(t, s, nil)
	auth := bearer(jwtFor(t, f.demo.Key, time.Now()))
	id := send(t, s, cc, channelPush(auth, "POST", "/1/apps/"+DemoBundleID+"/channels", `{"message-storage-policy":1,"push-type":"LiveActivity"}`)).Header.Get("apns-channel-id")
	s.channels.mu.Lock()
	s.channels.broadcasts = make([]AcceptedBroadcast, maxRememberedBroadcasts)
	s.channels.mu.Unlock()
	body := `{"aps":{"timestamp":1,"event":"update","content-state":{}}}`
	if a := send(t, s, cc, channelPush(auth, "POST", "/4/broadcasts/apps/"+DemoBundleID, body, "apns-channel-id", id, "apns-push-type", "liveactivity")); a.Status != 200 {
		t.Fatalf("%d %s", a.Status, a.Reason)
	}
	b := s.Broadcasts()
	if len(b) != maxRememberedBroadcasts || string(b[len(b)-1].Payload) != body {
		t.Errorf("%d broadcasts kept, last %q", len(b), b[len(b)-1].Payload)
	}
}
