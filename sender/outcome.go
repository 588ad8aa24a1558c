package sender

import (
	"errors"
	"fmt"
)

// Outcome is what became of one notification: exactly one of four, kept
// apart everywhere a result is shown (the CLI's lines, summary, --json and
// exit code; the window's rows and bulk summary).
type Outcome int

const (
	// OutcomeAccepted: APNs answered 200.
	OutcomeAccepted Outcome = iota + 1
	// OutcomeRejected: APNs answered with another status and a reason.
	OutcomeRejected
	// OutcomeNotSent: the notification never reached a server that
	// processed it (bad input, no connection, the send stopped, or a
	// GOAWAY left it unprocessed too often): safe to send again.
	OutcomeNotSent
	// OutcomeUnconfirmed: written, but the connection ended (or the wait
	// did) before its answer: it may have been delivered. Never sent again
	// automatically, never called "not sent".
	OutcomeUnconfirmed
)

// Outcomes lists the four in the order summaries show them.
var Outcomes = []Outcome{OutcomeAccepted, OutcomeRejected, OutcomeNotSent, OutcomeUnconfirmed}

// String is the outcome in words: "accepted", "rejected", "not sent",
// "unconfirmed".
func (o Outcome) String() string {
	switch o {
	case OutcomeAccepted:
		return "accepted"
	case OutcomeRejected:
		return "rejected"
	case OutcomeNotSent:
		return "not sent"
	case OutcomeUnconfirmed:
		return "unconfirmed"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Key is the outcome as a machine-readable word (the CLI's --json
// "outcome"): accepted, rejected, not_sent, unconfirmed.
func (o Outcome) Key() string {
	if o == OutcomeNotSent {
		return "not_sent"
	}
	return o.String()
}

// Outcome is the result's one outcome.
func (r Result) Outcome() Outcome {
	switch {
	case r.Response != nil && r.Response.Accepted():
		return OutcomeAccepted
	case r.Response != nil:
		return OutcomeRejected
	case r.Unconfirmed():
		return OutcomeUnconfirmed
	}
	return OutcomeNotSent
}

// StoppedError is the Err of every notification a bulk send did not send
// because it stopped for a cause no new connection can fix (a bad,
// expired or wrong-environment certificate, an invalid or missing
// provider token, a topic the credential may not use, no connection
// after several tries in a row). All those results share the one
// *StoppedError, so a front end states the cause once, with the count.
type StoppedError struct {
	Cause error
}

func (e *StoppedError) Error() string { return "not sent: " + e.Cause.Error() }
func (e *StoppedError) Unwrap() error { return e.Cause }

// StopCause is the *StoppedError that err carries, or nil.
func StopCause(err error) *StoppedError {
	var se *StoppedError
	if errors.As(err, &se) {
		return se
	}
	return nil
}

// sendEnding reports the reasons (in a GOAWAY or an answer) that no
// reconnection can fix: every further request on this credential and
// environment would get the same.
func sendEnding(reason string) bool {
	switch reason {
	case "BadCertificate", "BadCertificateEnvironment",
		"InvalidProviderToken", "MissingProviderToken",
		"BadEnvironmentKeyIdInToken", "BadEnvironmentKeyInToken",
		"TopicDisallowed", "Forbidden":
		return true
	}
	return false
}
