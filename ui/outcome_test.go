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
	want := "1 accepted · 1 rejected · 5000 not sent · 1 unconfirmed (" + unconfirmedHint + ") · 5000 not sent because the send stopped: the certificate expired on 2026-01-01"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if strings.Count(got, "expired") != 1 {
		t.Errorf("the cause is stated %d times", strings.Count(got, "expired"))
	}
	if tally.tone() != toneFailure {
		t.Errorf("tone %d", tally.tone())
	}
}
