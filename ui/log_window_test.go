package ui

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// Defect 4 and the log: one row per send; the selected row's whole story
// wrapped and copyable below; the search filters rows.
func TestLogRowSelectedShowsItsWholeStory(t *testing.T) {
	a := newTestApp(t)
	for _, th := range []struct {
		name  string
		theme fyne.Theme
	}{{"dark", consoleTheme{fixedVariant(theme.VariantDark)}}, {"light", consoleTheme{fixedVariant(theme.VariantLight)}}} {
		a.Settings().SetTheme(th.theme)
		q := &uiQueue{}
		p := newLogPane(a, q.do, 0)
		w := test.NewTempWindow(t, p.Content())
		w.Resize(fyne.NewSize(560, 520))
		fillLog(p)
		q.drain()
		p.list.Select(1)
		q.drain()
		test.AssertRendersToMarkup(t, "log_selected_"+th.name+".xml", w.Canvas())
		if th.name == "dark" {
			test.Type(p.search, "unregistered")
			waitQueue(t, q, "the filter", func() bool { return !p.filtering })
			if len(p.view) != 1 || p.view[0].Status != "410 Unregistered" {
				t.Errorf("search kept %d rows", len(p.view))
			}
			test.AssertRendersToMarkup(t, "log_search.xml", w.Canvas())
			// A filter that hides the selected row unselects it: no story
			// of a row that is not shown.
			p.search.SetText("cdcd")
			waitQueue(t, q, "the filter", func() bool { return !p.filtering })
			if p.selected != nil || strings.Contains(p.shown, "Unregistered") {
				t.Errorf("the hidden row stays selected: %q", p.shown)
			}
			p.search.SetText("")
		}
	}
}

// fillLog adds three sends with fixed times: accepted, unregistered and
// failed.
func fillLog(p *LogPane) {
	at := time.Date(2026, 1, 31, 18, 0, 0, 0, time.UTC)
	add := func(token string, r sender.Result, story ...string) {
		e := &logEntry{Time: at, Kind: kindSend, Env: "local", Token: token, Text: "Send → 127.0.0.1:2197 (local simulator) · token " + token, Tone: toneHeading}
		p.push(e)
		for _, s := range story {
			p.addToRow(e, sender.Event{Kind: sender.EventRequest, Text: s})
		}
		p.finishRow(e, r, 0)
		at = at.Add(time.Second)
	}
	add(apnstest.DemoToken, sender.Result{Response: &sender.Response{Status: 200, ApnsID: "538AF6E1-E598-4B8B-94AB-8B4735D4C052", Duration: 3 * time.Millisecond}},
		"POST /3/device/"+apnstest.DemoToken)
	add(strings.Repeat("ab", 32), sender.Result{Response: &sender.Response{Status: 410, Reason: "Unregistered", Timestamp: at, Duration: 2 * time.Millisecond}},
		"POST /3/device/"+strings.Repeat("ab", 32), `body (61 bytes): {"aps":{"alert":"Hello from APNs Console","sound":"default"},"a-long-key":"`+strings.Repeat("long value ", 12)+`"}`)
	add(strings.Repeat("cd", 32), sender.Result{Err: sender.ErrConnect}, "dial 127.0.0.1:9")
}

// Local outcomes: the simulator answers the next send as chosen, then
// normally again.
func TestLocalOutcomesAnswerTheNextSend(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	want := map[string]string{
		"Unregistered":   "410 Unregistered",
		"BadDeviceToken": "400 BadDeviceToken",
		// Retried as Apple advises, and answered so every time.
		"TooManyRequests":     "429 TooManyRequests · 3 attempts",
		"InternalServerError": "500 InternalServerError · 3 attempts",
		// A GOAWAY ends the connection, not the send: the client
		// reconnects and the notification is answered on the new one.
		"GOAWAY (Shutdown)": "200 OK",
	}
	for _, choice := range outcomeChoices[1:] {
		reason := strings.TrimPrefix(choice, "Next: ")
		c.bar.outcome.SetSelected(choice)
		h.sendAndWait()
		last := h.lastRow()
		if reason == "GOAWAY (Shutdown)" {
			if last.Status != want[reason] || !slices.ContainsFunc(last.Story, func(l string) bool { return strings.Contains(l, "APNs closed the connection: Shutdown; reconnected") }) {
				t.Errorf("%s: last row %q, want %q with the reconnect in its story:\n%s", reason, last.Status, want[reason], strings.Join(last.Story, "\n"))
			}
		} else if last.Status != want[reason] || last.Tone != toneFailure {
			t.Errorf("%s: last row %q (tone %d), want %q as a failure", reason, last.Status, last.Tone, want[reason])
		}
		if c.bar.outcome.Selected != outcomeNormal {
			t.Errorf("after the send the outcome is %q, want it back to normal", c.bar.outcome.Selected)
		}
	}
	h.sendAndWait()
	if last := h.lastRow(); last.Status != "200 OK" {
		t.Errorf("the send after the outcomes: %q, want 200 OK", last.Status)
	}

	// The rows as drawn (see drawRows).
	w := drawRows(t, c, -1)
	test.AssertRendersToMarkup(t, "log_outcomes.xml", w.Canvas())
}

// History: the last sends come back on the next launch, without secrets;
// Clear history empties it.
func TestHistoryComesBackAfterARestart(t *testing.T) {
	a := newTestApp(t)
	q := &uiQueue{}
	c := New(a, "test", func(c *Console) { c.do = q.do })
	h := &harness{t: t, c: c, q: q}
	h.simulator()
	c.cred.choose(credential.KindP8) // a JWT goes on the wire: it must not be kept
	h.sendAndWait()
	h.waitForLog("200 OK")
	c.Close()

	q2 := &uiQueue{}
	c2 := New(a, "test", func(c *Console) { c.do = q2.do })
	t.Cleanup(c2.Close)
	h2 := &harness{t: t, c: c2, q: q2}
	h2.waitForLog("200 OK", "POST /3/device/"+apnstest.DemoToken)
	if log := h2.logText(); strings.Contains(strings.ToLower(log), "bearer ey") {
		t.Errorf("the history holds a JWT:\n%s", log)
	}
	data, err := os.ReadFile(c2.log.history.path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "eyJ") || strings.Contains(string(data), "PRIVATE KEY") {
		t.Error("the history file holds a secret")
	}
	if fi, _ := os.Stat(c2.log.history.path); fi.Mode().Perm() != 0o600 {
		t.Errorf("history file mode %v, want 0600", fi.Mode().Perm())
	}
	c2.log.Clear()
	if _, err := os.Stat(c2.log.history.path); !os.IsNotExist(err) {
		t.Errorf("history file still there after Clear history: %v", err)
	}
}
