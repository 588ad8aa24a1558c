package ui

// The four outcomes of a notification in the window's words: a row's
// status, and the bulk summary of a send to many tokens. Kept here, apart
// from the log pane and the send flow, so the wording is in one place.

import (
	"errors"
	"fmt"
	"strings"

	"apnsconsole/sender"
)

// unconfirmedHint is what an unconfirmed row says on screen.
const unconfirmedHint = "may have been delivered: check before resending"

// notSentStatus is the status of a row whose notification was not sent:
// safe to send again. A GOAWAY here carries a reason no reconnection can
// fix (a GOAWAY that only ended a connection is never a row's outcome:
// the client sends again on a new one).
func notSentStatus(err error) string {
	var ga *sender.GoAwayError
	switch {
	case errors.As(err, &ga):
		return "GOAWAY " + orDefault(ga.Reason, ga.Code.String()) + " · not sent"
	case sender.StopCause(err) != nil:
		return "not sent · the send stopped"
	}
	return "not sent"
}

// bulkTally counts the outcomes of a send to many tokens, and the causes
// that stopped it, each told once with its count.
type bulkTally struct {
	accepted, rejected, unconfirmed, notSent int
	stopped                                  []bulkStop
}

type bulkStop struct {
	cause *sender.StoppedError
	n     int
}

func (t *bulkTally) add(r sender.Result) {
	switch r.Outcome() {
	case sender.OutcomeAccepted:
		t.accepted++
	case sender.OutcomeRejected:
		t.rejected++
	case sender.OutcomeUnconfirmed:
		t.unconfirmed++
	default:
		t.notSent++
		if se := sender.StopCause(r.Err); se != nil {
			for i := range t.stopped {
				if t.stopped[i].cause == se {
					t.stopped[i].n++
					return
				}
			}
			t.stopped = append(t.stopped, bulkStop{se, 1})
		}
	}
}

func (t bulkTally) String() string {
	notSent := "not sent"
	if len(t.stopped) > 0 {
		var causes []string
		stopped := 0
		for _, st := range t.stopped {
			causes = append(causes, "the send stopped: "+sender.Printable(st.cause.Cause.Error()))
			stopped += st.n
		}
		if stopped == t.notSent && len(causes) == 1 {
			notSent += " (" + causes[0] + ")"
		} else {
			notSent += fmt.Sprintf(" (%d of them: %s)", stopped, strings.Join(causes, "; "))
		}
	}
	parts := []string{fmt.Sprintf("%d accepted", t.accepted)}
	for _, p := range []struct {
		n    int
		what string
	}{{t.rejected, "rejected"}, {t.notSent, notSent}, {t.unconfirmed, "unconfirmed (" + unconfirmedHint + ")"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	return strings.Join(parts, " · ")
}

// tone is the row's colour: the worst outcome.
func (t bulkTally) tone() tone {
	switch {
	case t.rejected+t.notSent > 0:
		return toneFailure
	case t.unconfirmed > 0:
		return toneWarning
	case t.accepted > 0:
		return toneSuccess
	}
	return toneNormal
}
