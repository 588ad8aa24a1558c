package sender

import (
	"errors"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender/credential"
)

var laNow = time.Unix(1_800_000_000, 0)

func score(f float64) *float64 { return &f }

func TestLiveActivityPayloads(t *testing.T) {
	tests := []struct {
		name string
		la   LiveActivity
		want string
	}{
		{"update, timestamp now", LiveActivity{Event: LiveActivityUpdate, ContentState: `{ "progress": 0.5, "eta": "12:30" }`},
			`{"aps":{"timestamp":1800000000,"event":"update","content-state":{"progress":0.5,"eta":"12:30"}}}`},
		{"update with dates, score and alert", LiveActivity{Event: LiveActivityUpdate, ContentState: `{"a":1}`,
			Timestamp: laNow.Add(-time.Minute), StaleDate: laNow.Add(2 * time.Hour), RelevanceScore: score(50),
			Alert: LiveActivityAlert{Title: "Late", Body: "<10 min> & counting", Sound: "default"}},
			`{"aps":{"timestamp":1799999940,"event":"update","content-state":{"a":1},"stale-date":1800007200,"relevance-score":50,"alert":{"title":"Late","body":"<10 min> & counting","sound":"default"}}}`},
		{"start", LiveActivity{Event: LiveActivityStart, ContentState: `{"a":1}`, AttributesType: "DeliveryAttributes",
			Attributes: `{"order":"42"}`, Alert: LiveActivityAlert{Title: "On its way", Body: "Order 42"}, InputPushToken: true},
			`{"aps":{"timestamp":1800000000,"event":"start","content-state":{"a":1},"attributes-type":"DeliveryAttributes","attributes":{"order":"42"},"input-push-token":1,"alert":{"title":"On its way","body":"Order 42"}}}`},
		{"start subscribed to a channel", LiveActivity{Event: LiveActivityStart, ContentState: `{}`, AttributesType: "Score",
			Attributes: `{}`, Alert: LiveActivityAlert{Body: "Kick-off"}, InputPushChannel: "dHN0LXNyY2gtY2hubA=="},
			`{"aps":{"timestamp":1800000000,"event":"start","content-state":{},"attributes-type":"Score","attributes":{},"input-push-channel":"dHN0LXNyY2gtY2hubA==","alert":{"body":"Kick-off"}}}`},
		{"end with stale date and no dismissal date is fine", LiveActivity{Event: LiveActivityEnd, ContentState: `{"a":2}`, StaleDate: laNow.Add(time.Hour)},
			`{"aps":{"timestamp":1800000000,"event":"end","content-state":{"a":2},"stale-date":1800003600}}`},
		{"end with dismissal date", LiveActivity{Event: LiveActivityEnd, ContentState: `{"a":2}`, DismissalDate: laNow.Add(time.Hour), RelevanceScore: score(0.25)},
			`{"aps":{"timestamp":1800000000,"event":"end","content-state":{"a":2},"dismissal-date":1800003600,"relevance-score":0.25}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.la.Payload(laNow)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("payload\n got %s\nwant %s", got, tt.want)
			}
			if err := ValidatePayload(got, 4096); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestLiveActivityMistakesAreExplained(t *testing.T) {
	start := func(f func(*LiveActivity)) LiveActivity {
		la := LiveActivity{Event: LiveActivityStart, ContentState: `{}`, AttributesType: "A", Attributes: `{}`, Alert: LiveActivityAlert{Title: "t"}}
		f(&la)
		return la
	}
	tests := []struct {
		name     string
		la       LiveActivity
		problem  string
		fixWords string
	}{
		{"no event", LiveActivity{ContentState: `{}`}, "no Live Activity event", "start, update or end"},
		{"no content-state", LiveActivity{Event: LiveActivityUpdate}, "no content-state", "ContentState"},
		{"content-state an array", LiveActivity{Event: LiveActivityUpdate, ContentState: `[1]`}, "the content-state is an array, not a JSON object", "JSON object"},
		{"content-state broken", LiveActivity{Event: LiveActivityUpdate, ContentState: `{"a":}`}, "the content-state is not valid JSON", "JSON object"},
		{"start without attributes-type", start(func(l *LiveActivity) { l.AttributesType = "" }), "a start needs attributes-type", "ActivityAttributes"},
		{"start without attributes", start(func(l *LiveActivity) { l.Attributes = "" }), "a start needs attributes", "{}"},
		{"start without alert", start(func(l *LiveActivity) { l.Alert = LiveActivityAlert{Sound: "default"} }), "a start needs an alert", "title or body"},
		{"attributes a string", start(func(l *LiveActivity) { l.Attributes = `"x"` }), "the attributes is a string", "JSON object"},
		{"attributes on update", LiveActivity{Event: LiveActivityUpdate, ContentState: `{}`, AttributesType: "A"}, "attributes-type and attributes belong to a start", "choose start"},
		{"input-push-token on end", LiveActivity{Event: LiveActivityEnd, ContentState: `{}`, InputPushToken: true}, "input-push-token belongs to a start", "choose start"},
		{"bad channel id", start(func(l *LiveActivity) { l.InputPushChannel = "not base64!" }), "is not a channel id", "channels create"},
		{"stale date in the past", LiveActivity{Event: LiveActivityUpdate, ContentState: `{}`, StaleDate: laNow.Add(-time.Minute)}, "is in the past", "in 2h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.la.Payload(laNow)
			var le *LiveActivityError
			if !errors.As(err, &le) || !errors.Is(err, ErrInvalidNotification) {
				t.Fatalf("err = %v, want a *LiveActivityError wrapping ErrInvalidNotification", err)
			}
			if !strings.Contains(le.Problem, tt.problem) || !strings.Contains(le.Fix, tt.fixWords) {
				t.Errorf("got %q / %q, want problem with %q and fix with %q", le.Problem, le.Fix, tt.problem, tt.fixWords)
			}
		})
	}
}

func TestLiveActivityWarnings(t *testing.T) {
	la := LiveActivity{Event: LiveActivityUpdate, ContentState: `{}`, DismissalDate: laNow.Add(time.Hour)}
	w, err := la.Check(laNow)
	if err != nil || len(w) != 1 || !strings.Contains(w[0], "only takes effect on an end") {
		t.Errorf("warnings %q, err %v", w, err)
	}
	la = LiveActivity{Event: LiveActivityEnd, ContentState: `{}`, DismissalDate: laNow.Add(-time.Hour)}
	if w, _ := la.Check(laNow); len(w) != 1 || !strings.Contains(w[0], "removes the ended activity at once") {
		t.Errorf("warnings %q", w)
	}
}

func TestLiveActivityNotificationHeaders(t *testing.T) {
	la := LiveActivity{Event: LiveActivityUpdate, ContentState: `{"a":1}`}
	for _, bundle := range []string{"com.example.app", "com.example.app.push-type.liveactivity"} {
		n, err := la.Notification(bundle, 0, laNow)
		if err != nil {
			t.Fatal(err)
		}
		n.Token = strings.Repeat("ab", 32)
		if err := n.Validate(); err != nil {
			t.Fatal(err)
		}
		h := n.Header(n.Topic)
		if got := h.Get("apns-topic") + " " + h.Get("apns-push-type") + " " + h.Get("apns-priority"); got != "com.example.app.push-type.liveactivity liveactivity 10" {
			t.Errorf("%s: headers %q", bundle, got)
		}
	}
	if n, err := la.Notification("com.example.app", 5, laNow); err != nil || n.Priority != 5 {
		t.Errorf("priority 5: %v %v", n, err)
	}
	if _, err := la.Notification("com.example.app", 1, laNow); err == nil || !strings.Contains(err.Error(), "use 10") {
		t.Errorf("priority 1: %v", err)
	}
	big := LiveActivity{Event: LiveActivityUpdate, ContentState: `{"a":"` + strings.Repeat("x", 4100) + `"}`}
	if _, err := big.Notification("com.example.app", 0, laNow); !errors.Is(err, ErrPayloadTooLarge) {
		t.Errorf("oversize: %v", err)
	}
}

func TestLiveActivityCredentialWarning(t *testing.T) {
	const topic = "com.example.app.push-type.liveactivity"
	if w := LiveActivityCredentialWarning(&credential.Credential{Kind: credential.KindP8}, topic); w != "" {
		t.Errorf("token key: %q", w)
	}
	cert := &credential.Credential{Kind: credential.KindP12, Info: &credential.CertInfo{BundleID: "com.example.app",
		Topics: []credential.Topic{{Name: "com.example.app", Type: "app"}, {Name: "com.example.app.voip", Type: "voip"}}}}
	w := LiveActivityCredentialWarning(cert, topic)
	for _, want := range []string{"lists com.example.app, com.example.app.voip, not " + topic, "secondary source", ".p8"} {
		if !strings.Contains(w, want) {
			t.Errorf("warning lacks %q: %s", want, w)
		}
	}
	cert.Info.Topics = append(cert.Info.Topics, credential.Topic{Name: topic})
	if w := LiveActivityCredentialWarning(cert, topic); w != "" {
		t.Errorf("certificate listing the topic: %q", w)
	}
}

func TestParseDate(t *testing.T) {
	now := time.Date(2026, 11, 29, 13, 0, 0, 500, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"in 2h", now.Add(2 * time.Hour).Truncate(time.Second)},
		{"In 90m", now.Add(90 * time.Minute).Truncate(time.Second)},
		{"in 1h30m", now.Add(90 * time.Minute).Truncate(time.Second)},
		{"in 2 hours", now.Add(2 * time.Hour).Truncate(time.Second)},
		{"in 1 day 3 hours", now.Add(27 * time.Hour).Truncate(time.Second)},
		{"45m", now.Add(45 * time.Minute).Truncate(time.Second)},
		{"now", now.Truncate(time.Second)},
		{"1800000000", time.Unix(1800000000, 0)},
		{"2026-12-01T09:00:00Z", time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)},
		{"2026-12-01T10:00:00+01:00", time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in, now)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "tomorrow", "in", "in 2 fortnights", "-5", "2026-12-01", "in -2h"} {
		if _, err := ParseDate(bad, now); !errors.Is(err, ErrBadDate) || !strings.Contains(err.Error(), "in 2h") {
			t.Errorf("ParseDate(%q) err = %v", bad, err)
		}
	}
}

func TestFormatDateIsLocalWithEpochAndDistance(t *testing.T) {
	old := time.Local
	time.Local = time.FixedZone("CET", 3600)
	defer func() { time.Local = old }()
	now := time.Date(2026, 11, 29, 13, 0, 0, 0, time.UTC)
	if got := FormatDate(now.Add(2*time.Hour), now); got != "Sun 29 Nov 2026 16:00:00 CET (1795964400, in 2h0m0s)" {
		t.Errorf("got %q", got)
	}
	if got := FormatDate(now.Add(-time.Minute), now); !strings.HasSuffix(got, "1m0s ago)") {
		t.Errorf("got %q", got)
	}
}
