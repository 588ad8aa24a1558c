package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"apnsconsole/sender"
)

// The bulk summary keeps the four outcomes apart and states a cause that
// stopped the send once, with its count, not once per token.
func TestBulkTallyStatesAStopCauseOnce(t *testing.T) {
	var tally bulkTally
	stop := &sender.StoppedError{Cause: errors.New("the certificate expired on 2026-01-01")}
	tally.add(sender.Result{Response: &sender.Response{Status: 200}})
	tally.add(sender.Result{Response: &sender.Response{Status: 410, Reason: "Unregistered"}})
	tally.add(sender.Result{Err: fmt.Errorf("%w: no answer", sender.ErrUnconfirmed)})
	for range 5000 {
		tally.add(sender.Result{Err: stop})
	}
	got := tally.String()
	want := "1 accepted · 1 rejected · 5000 not sent (the send stopped: the certificate expired on 2026-01-01) · 1 unconfirmed (" + unconfirmedHint + ")"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if strings.Count(got, "expired") != 1 {
		t.Errorf("the cause is stated %d times", strings.Count(got, "expired"))
	}
	if tally.tone() != toneFailure {
		t.Errorf("tone %d", tally.tone())
	}
	tally.add(sender.Result{Err: errors.New("line 3: not a token")})
	if got, want := tally.String(), "5001 not sent (5000 of them: the send stopped: the certificate expired on 2026-01-01)"; !strings.Contains(got, want) {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// The window's long-lived connection meets a GOAWAY (IdleTimeout): the
// Send reconnects without an error, and its row says what happened.
func TestSendAfterGoAwayReconnectsAndSaysSo(t *testing.T) {
	h := newHarness(t)
	sim := h.simulator()
	h.sendAndWait()
	if last := h.lastRow(); last.Status != "200 OK" {
		t.Fatalf("first send: %q", last.Status)
	}
	if err := sim.AddFault("goaway=IdleTimeout,first=1"); err != nil {
		t.Fatal(err)
	}
	h.sendAndWait()
	last := h.lastRow()
	story := strings.Join(last.Story, "\n")
	if last.Status != "200 OK" || !strings.Contains(story, "APNs closed the connection: IdleTimeout; reconnected") {
		t.Errorf("after the GOAWAY: %q, want 200 OK with the reconnect told:\n%s", last.Status, story)
	}
}
