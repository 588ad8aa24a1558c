package preview_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"apnsconsole/sender"
	"apnsconsole/sender/preview"
)

func build(t *testing.T, payload string, pt sender.PushType, l preview.Layout) *preview.Notification {
	t.Helper()
	n, err := preview.Build([]byte(payload), pt, l)
	if err != nil {
		t.Fatalf("%s: %v", payload, err)
	}
	return n
}

func TestAlertShowsTitleSubtitleBodyBadgeAndSound(t *testing.T) {
	n := build(t, `{"aps":{"alert":{"title":"Game Request","subtitle":"Five Card Draw","body":"Bob wants to play poker"},"badge":9,"sound":"bingbong.aiff","category":"GAME_INVITATION","thread-id":"games"}}`, "", preview.Layout{})
	if !n.Shown || n.Silent || n.Title != "Game Request" || n.Subtitle != "Five Card Draw" || n.Body() != "Bob wants to play poker" || n.Truncated {
		t.Errorf("texts %+v", n)
	}
	if n.Sound != preview.SoundNamed || n.SoundName != "bingbong.aiff" || n.Badge == nil || *n.Badge != 9 || n.Category != "GAME_INVITATION" || n.ThreadID != "games" {
		t.Errorf("extras %+v", n)
	}
	if n.Status != "banner and lock screen, with the sound bingbong.aiff; sets the badge to 9" {
		t.Errorf("status %q", n.Status)
	}
	n = build(t, `{"aps":{"alert":"Hello","sound":"default","badge":0}}`, sender.PushAlert, preview.Layout{})
	if n.Body() != "Hello" || n.Title != "" || n.Sound != preview.SoundDefault || n.Status != "banner and lock screen, with the default sound; clears the badge" {
		t.Errorf("string alert %+v", n)
	}
}

func TestLongTextsAreCutTheWayIOSCutsThem(t *testing.T) {
	l := preview.Layout{Width: 20}
	n := build(t, `{"aps":{"alert":{"title":"A title much longer than twenty","subtitle":"short","body":"one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen"}}}`, "", l)
	if n.Title != "A title much longer…" || n.Subtitle != "short" {
		t.Errorf("title %q subtitle %q", n.Title, n.Subtitle)
	}
	want := []string{"one two three four", "five six seven eight", "nine ten eleven", "twelve thirteen…"}
	if !reflect.DeepEqual(n.BodyLines, want) || !n.Truncated {
		t.Errorf("body lines %q, want %q", n.BodyLines, want)
	}
	for _, line := range n.BodyLines {
		if utf8.RuneCountInString(line) > 20 {
			t.Errorf("line %q is wider than 20", line)
		}
	}
	if !strings.HasSuffix(n.FullBody, "seventeen") || n.FullTitle != "A title much longer than twenty" {
		t.Errorf("full texts %q %q", n.FullTitle, n.FullBody)
	}

	// The body's own line breaks count, and a fifth line means an ellipsis.
	n = build(t, `{"aps":{"alert":"a\nb\nc\nd\ne"}}`, "", l)
	if !reflect.DeepEqual(n.BodyLines, []string{"a", "b", "c", "d…"}) {
		t.Errorf("lines %q", n.BodyLines)
	}
	// A word wider than a line is broken between characters.
	n = build(t, `{"aps":{"alert":"https://example.com/a/very/long/path ok"}}`, "", l)
	if !reflect.DeepEqual(n.BodyLines, []string{"https://example.com/", "a/very/long/path ok"}) || n.Truncated {
		t.Errorf("long word %q", n.BodyLines)
	}
	// The layout's measure decides: here a bold character is twice as wide.
	bold := preview.Layout{Width: 10, Measure: func(s string, b bool) float32 {
		w := float32(utf8.RuneCountInString(s))
		if b {
			w *= 2
		}
		return w
	}}
	n = build(t, `{"aps":{"alert":{"title":"Breaking","body":"Breaking"}}}`, "", bold)
	if n.Title != "Brea…" || n.Body() != "Breaking" {
		t.Errorf("measured: title %q body %q", n.Title, n.Body())
	}
	// Four lines of the default width take about 170 characters.
	n = build(t, `{"aps":{"alert":"`+strings.Repeat("word ", 60)+`"}}`, "", preview.Layout{})
	if len(n.BodyLines) != 4 || !strings.HasSuffix(n.BodyLines[3], "…") {
		t.Errorf("default layout: %q", n.BodyLines)
	}
}

func TestWhatIsNotShown(t *testing.T) {
	cases := []struct {
		payload string
		pt      sender.PushType
		silent  bool
		status  string
	}{
		{`{"aps":{"content-available":1}}`, sender.PushBackground, true, "silent: nothing is shown"},
		{`{"aps":{"content-available":1}}`, sender.PushAlert, true, "silent: nothing is shown"},
		{`{"aps":{"badge":3}}`, "", false, "no banner: sets the badge to 3"},
		{`{"aps":{"sound":"default","badge":0}}`, "", false, "no banner: plays the default sound and clears the badge"},
		{`{"aps":{}}`, "", false, "nothing is shown: the payload has no alert"},
		{`{"aps":{"alert":"ring"}}`, sender.PushVoIP, false, "not a notification: a voip push is handed to the app (PushKit"},
		{`{"aps":{"event":"update","content-state":{"score":1}}}`, sender.PushLiveActivity, false, "Live Activity update without an alert"},
	}
	for _, c := range cases {
		n := build(t, c.payload, c.pt, preview.Layout{})
		if n.Shown || n.Silent != c.silent || !strings.HasPrefix(n.Status, c.status) {
			t.Errorf("%s (%s): shown %v silent %v status %q, want %q", c.payload, c.pt, n.Shown, n.Silent, n.Status, c.status)
		}
	}
	n := build(t, `{"aps":{"alert":"hi","content-available":1}}`, sender.PushBackground, preview.Layout{})
	if !n.Silent || len(n.Notes) != 1 || !strings.Contains(n.Notes[0], "choose push type alert") {
		t.Errorf("background with an alert: %+v", n)
	}
}

func TestLiveActivityLocalizedAndCriticalAlerts(t *testing.T) {
	n := build(t, `{"aps":{"event":"update","content-state":{},"alert":{"title":{"loc-key":"%@ is on an adventure!","loc-args":["Power Panda"]},"body":"Score 2-1","sound":"chime.caf"}}}`, sender.PushLiveActivity, preview.Layout{})
	if !n.Shown || !n.LiveActivity || n.Title != "%@ is on an adventure! (Power Panda)" || n.Body() != "Score 2-1" || n.Sound != preview.SoundNamed || n.SoundName != "chime.caf" {
		t.Errorf("live activity %+v", n)
	}
	if len(n.Notes) != 1 || !strings.Contains(n.Notes[0], "localized by the app") {
		t.Errorf("notes %q", n.Notes)
	}
	n = build(t, `{"aps":{"alert":{"loc-key":"GAME_PLAY_REQUEST_FORMAT","loc-args":["Shelly","Rick"]},"mutable-content":1}}`, "", preview.Layout{})
	if n.Body() != "GAME_PLAY_REQUEST_FORMAT (Shelly, Rick)" || len(n.Notes) != 2 || !strings.Contains(n.Notes[1], "Service Extension") {
		t.Errorf("localized body %+v", n)
	}
	n = build(t, `{"aps":{"alert":"Fire","interruption-level":"critical","sound":{"critical":1,"name":"default","volume":1}}}`, "", preview.Layout{})
	if n.Sound != preview.SoundCritical || !strings.HasPrefix(n.Status, "critical alert") {
		t.Errorf("critical %+v", n)
	}
	n = build(t, `{"aps":{"alert":"Later","interruption-level":"passive","sound":"default"}}`, "", preview.Layout{})
	if !n.Shown || !strings.HasPrefix(n.Status, "delivered quietly") {
		t.Errorf("passive %+v", n)
	}
}

func TestBuildRefusesWhatIsNotAPayload(t *testing.T) {
	for _, p := range []string{`[]`, `{"aps":"x"}`, `nope`} {
		if _, err := preview.Build([]byte(p), "", preview.Layout{}); !errors.Is(err, sender.ErrInvalidPayload) {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// TestHugeTextsCostNoMoreThanShortOnes: the window measures with its font
// on every keystroke, so a megabyte pasted into a field must not mean
// millions of measurements.
func TestHugeTextsCostNoMoreThanShortOnes(t *testing.T) {
	calls := 0
	l := preview.Layout{Width: 40, Measure: func(s string, _ bool) float32 {
		calls++
		return float32(utf8.RuneCountInString(s))
	}}
	word := strings.Repeat("x", 1<<20)
	words := strings.Repeat("lorem ipsum ", 1<<16)
	for _, body := range []string{word, words, strings.Repeat("a\n", 1<<18)} {
		calls = 0
		p, _ := json.Marshal(map[string]any{"aps": map[string]any{"alert": map[string]string{"title": word, "body": body}}})
		n := build(t, string(p), "", l)
		if len(n.BodyLines) != 4 || !strings.HasSuffix(n.BodyLines[3], "…") || !strings.HasSuffix(n.Title, "…") {
			t.Errorf("lines %q title %q", n.BodyLines, n.Title)
		}
		if calls > 20000 {
			t.Errorf("%d measurements for a 1 MB text: the cost must not grow with the text", calls)
		}
	}
}
