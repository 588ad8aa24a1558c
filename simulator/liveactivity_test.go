package simulator

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLiveActivityPushesAreCheckedAsAPNsDoes(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, nil)
	cc := dial(t, s, nil)
	auth := bearer(jwtFor(t, f.demo.Key, time.Now()))
	const topic = DemoBundleID + ".push-type.liveactivity"
	good := `{"aps":{"timestamp":1800000000,"event":"update","content-state":{"a":1}}}`
	tests := []struct {
		name   string
		header []string
		reason string
	}{
		{"accepted", []string{"apns-topic", topic, "apns-push-type", "liveactivity", "apns-priority", "10"}, ""},
		{"priority 5", []string{"apns-topic", topic, "apns-push-type", "liveactivity", "apns-priority", "5"}, ""},
		{"priority omitted", []string{"apns-topic", topic, "apns-push-type", "liveactivity"}, ""},
		{"push type from the suffix", []string{"apns-topic", topic}, ""},
		{"priority 1", []string{"apns-topic", topic, "apns-push-type", "liveactivity", "apns-priority", "1"}, "BadPriority"},
		{"priority 1, push type from the suffix", []string{"apns-topic", topic, "apns-priority", "1"}, "BadPriority"},
		{"no suffix", []string{"apns-topic", DemoBundleID, "apns-push-type", "liveactivity"}, "BadTopic"},
		{"suffix with push type alert", []string{"apns-topic", topic, "apns-push-type", "alert"}, "BadTopic"},
		{"another team's bundle", []string{"apns-topic", "com.example.teamtwo.push-type.liveactivity", "apns-push-type", "liveactivity"}, "TopicDisallowed"},
	}
	for _, tt := range tests {
		a := send(t, s, cc, push{body: good, header: hdr(append(tt.header, "authorization", auth)...)})
		if a.Reason != tt.reason || (tt.reason == "") != (a.Status == 200) {
			t.Errorf("%s: %d %q, want %q", tt.name, a.Status, a.Reason, tt.reason)
		}
	}
	for _, r := range s.Records() {
		if len(r.Warnings) > 0 {
			t.Errorf("a good payload was warned about: %q", r.Warnings)
		}
	}
}

func TestLiveActivityCertificateNeedsTheTopicListed(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, nil)
	a := send(t, s, dial(t, s, f.demo.Cert), push{body: `{"aps":{"timestamp":1,"event":"end","content-state":{}}}`,
		header: hdr("apns-topic", DemoBundleID+".push-type.liveactivity", "apns-push-type", "liveactivity")})
	if a.Status != 400 || a.Reason != "TopicDisallowed" {
		t.Errorf("demo certificate (no liveactivity topic): %d %s", a.Status, a.Reason)
	}
}

func TestDeviceSideProblemsAreAcceptedWithAWarning(t *testing.T) {
	f := getFixture(t)
	var mu sync.Mutex
	var logged []Record
	s, _ := startServer(t, f, func(s *Server) {
		s.OnRequest = func(r Record) { mu.Lock(); logged = append(logged, r); mu.Unlock() }
	})
	cc := dial(t, s, nil)
	auth := bearer(jwtFor(t, f.demo.Key, time.Now()))
	tests := []struct {
		body string
		want []string
	}{
		{`{"aps":{"content-state":{}}}`, []string{`no "event"`, `no "timestamp"`}},
		{`{"aps":{"event":"update","timestamp":1}}`, []string{`no "content-state"`}},
		{`{"aps":{"event":"update","timestamp":"soon","content-state":[1]}}`, []string{`"timestamp" is "soon", not a number`, `"content-state" is [1], not a JSON object`}},
		{`{"aps":{"event":"start","timestamp":1,"content-state":{}}}`, []string{`a start without "attributes-type"`, `a start without "attributes"`, `a start without an "alert"`}},
		{`{"aps":{"event":"stop","timestamp":1,"content-state":{},"stale-date":"later"}}`, []string{`"event" is "stop"`, `"stale-date" is "later", not a number`}},
	}
	for _, tt := range tests {
		a := send(t, s, cc, push{body: tt.body, header: hdr("apns-topic", DemoBundleID+".push-type.liveactivity", "apns-push-type", "liveactivity", "authorization", auth)})
		if a.Status != 200 {
			t.Errorf("%s: %d %s, want 200 (APNs does not check the payload's Live Activity keys)", tt.body, a.Status, a.Reason)
			continue
		}
		acc := s.Accepted()
		got := acc[len(acc)-1].Warnings
		mu.Lock()
		rec := logged[len(logged)-1].Warnings
		mu.Unlock()
		if strings.Join(got, "|") != strings.Join(rec, "|") || len(got) != len(tt.want) {
			t.Errorf("%s: accepted %q, logged %q, want %d warnings", tt.body, got, rec, len(tt.want))
			continue
		}
		for i, w := range tt.want {
			if !strings.HasPrefix(got[i], DeviceWouldDrop) || !strings.Contains(got[i], w) {
				t.Errorf("%s: warning %q, want %q after %q", tt.body, got[i], w, DeviceWouldDrop)
			}
		}
	}
	// An alert push with the same keys missing is not a Live Activity: no warnings.
	send(t, s, cc, push{header: hdr("apns-topic", DemoBundleID, "authorization", auth)})
	if w := s.Accepted()[len(s.Accepted())-1].Warnings; len(w) != 0 {
		t.Errorf("alert push warned: %q", w)
	}
}
