package ui

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// laClock is a fixed clock, so dates and timestamps render the same way.
var laClock = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// liveComposer is the composer alone with the fields a test types in.
func liveComposer(t *testing.T) *liveActivitySection {
	t.Helper()
	newTestApp(t)
	local := time.Local // dates are shown in local time: make it the same everywhere
	time.Local = time.UTC
	t.Cleanup(func() { time.Local = local })
	s := newLiveActivitySection(test.NewTempWindow(t, nil))
	s.content.Show()
	return s
}

// The composer for each event: fields the event doesn't use are disabled,
// not hidden, and the form keeps its shape.
func TestLiveActivityComposerForEachEvent(t *testing.T) {
	s := liveComposer(t)
	s.contentState.SetText(`{"progress": 0.5}`)
	s.staleDate.SetText("in 2h")
	for _, ev := range liveEvents {
		s.event.SetSelected(ev)
		la, err := s.activity(sender.LiveActivityAlert{Title: "Order", Body: "On its way"}, laClock)
		if err != nil {
			t.Fatalf("%s: %v", ev, err)
		}
		_, err = la.Payload(laClock)
		if ev == "start" {
			if err == nil || !strings.Contains(err.Error(), "attributes-type") {
				t.Errorf("start without attributes-type: err = %v", err)
			}
		} else if err != nil {
			t.Errorf("%s: %v", ev, err)
		}
		s.showDates(laClock)
		s.showStatus(err, nil)
		assertObjectMarkup(t, "liveactivity_"+ev+".xml", s.content, 760)
	}
}

// A mistake is shown in the status line with its cause and fix, and goes
// when it is fixed; the form above does not move.
func TestLiveActivityErrorAppearsAndGoes(t *testing.T) {
	s := liveComposer(t)
	check := func() error {
		la, err := s.activity(sender.LiveActivityAlert{}, laClock)
		if err == nil {
			_, err = la.Payload(laClock)
		}
		s.showDates(laClock)
		s.showStatus(err, nil)
		return err
	}
	s.contentState.SetText(`{"progress": 0.5}`)
	s.staleDate.SetText("tomorrow-ish")
	if err := check(); err == nil || !strings.Contains(s.status.Text, "stale-date") || !strings.Contains(s.status.Text, "in 2h") {
		t.Fatalf("bad date: err %v, status %q", err, s.status.Text)
	}
	assertObjectMarkup(t, "liveactivity_error.xml", s.content, 760)
	formAt, formSize := s.form.Position(), s.form.Size()
	s.staleDate.SetText("in 2h")
	if err := check(); err != nil {
		t.Fatalf("fixed: %v", err)
	}
	assertObjectMarkup(t, "liveactivity_update.xml", s.content, 760)
	if s.form.Position() != formAt || s.form.Size() != formSize {
		t.Errorf("the form moved when the error went: %v %v, then %v %v", formAt, formSize, s.form.Position(), s.form.Size())
	}
}

// Start, update and end a Live Activity against the simulator: 200 each,
// with the topic suffix, the push type and the exact payload.
func TestLiveActivityStartUpdateEndAgainstTheSimulator(t *testing.T) {
	h := newHarness(t)
	sim := h.simulator()
	c := h.c
	c.cred.choose(credential.KindP8) // the demo certificate lists no liveactivity topic: the simulator says TopicDisallowed
	c.note.pushType.SetSelected(string(sender.PushLiveActivity))
	if !c.la.content.Visible() || !c.note.badge.Disabled() {
		t.Fatal("push type liveactivity: the composer is not shown, or Badge is not disabled")
	}
	c.note.title.SetText("Order 42")
	c.note.body.SetText("On its way")
	c.la.contentState.SetText(`{"progress": 0.1}`)
	c.la.event.SetSelected("start")
	c.validate()
	if !c.bar.sendBtn.Disabled() || !strings.Contains(c.la.status.Text, "attributes-type") {
		t.Fatalf("start without attributes: Send disabled %v, status %q", c.bar.sendBtn.Disabled(), c.la.status.Text)
	}
	c.la.attrType.SetText("DeliveryAttributes")
	c.la.attrs.SetText(`{"orderID": "42"}`)
	c.la.inputToken.SetChecked(true)

	for i, ev := range liveEvents {
		c.la.event.SetSelected(ev)
		if ev == "end" {
			c.la.dismissal.SetText("in 15m")
		}
		h.sendAndWait()
		acc := sim.Accepted()
		if len(acc) != i+1 {
			t.Fatalf("%s: simulator accepted %d, want %d\nlog:\n%s", ev, len(acc), i+1, h.logText())
		}
		a := acc[i]
		if a.Topic != apnstest.DemoBundleID+".push-type.liveactivity" || a.PushType != "liveactivity" {
			t.Errorf("%s: topic %q push type %q", ev, a.Topic, a.PushType)
		}
		var p struct {
			Aps map[string]any `json:"aps"`
		}
		if err := json.Unmarshal(a.Payload, &p); err != nil {
			t.Fatal(err)
		}
		if p.Aps["event"] != ev || p.Aps["content-state"] == nil || p.Aps["timestamp"] == nil {
			t.Errorf("%s: payload %s", ev, a.Payload)
		}
		if _, ok := p.Aps["attributes-type"]; ok != (ev == "start") {
			t.Errorf("%s: attributes-type present %v: %s", ev, ok, a.Payload)
		}
		if _, ok := p.Aps["dismissal-date"]; ok != (ev == "end") {
			t.Errorf("%s: dismissal-date present %v: %s", ev, ok, a.Payload)
		}
	}
	h.waitForLog("200 OK")
}

// A date long past reads as its day, not as thousands of hours.
func TestLiveActivityDateLongPastReadsAsItsDay(t *testing.T) {
	s := liveComposer(t)
	s.staleDate.SetText("1578873600") // 2020-01-13
	s.showDates(laClock)
	if got := s.dateItems[s.staleDate].HintText; !strings.HasSuffix(got, "(1578873600, on 2020-01-13)") {
		t.Errorf("stale date hint %q, want it to end (1578873600, on 2020-01-13)", got)
	}
	assertObjectMarkup(t, "liveactivity_date_hint.xml", s.content, 760)
	s.staleDate.SetText("in 2h")
	s.showDates(laClock)
	if got := s.dateItems[s.staleDate].HintText; !strings.HasSuffix(got, ", in 2h0m0s)") {
		t.Errorf("stale date hint %q, want it to end in 2h0m0s", got)
	}
}

// The expiration's example date is in the future.
func TestExpirationExampleIsInTheFuture(t *testing.T) {
	newTestApp(t)
	s := newAdvancedSection()
	y := time.Now().Year() + 1
	if !strings.Contains(s.expiration.PlaceHolder, fmt.Sprintf("%d-01-31T18:00:00Z", y)) {
		t.Errorf("placeholder %q, want next year's date", s.expiration.PlaceHolder)
	}
}
