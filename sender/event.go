package sender

import (
	"errors"
	"fmt"
	"time"
)

// EventKind says which step of a send an Event reports.
type EventKind string

const (
	EventDNS      EventKind = "dns"      // host name looked up
	EventConnect  EventKind = "connect"  // TCP connection made (or reused)
	EventTLS      EventKind = "tls"      // TLS handshake done
	EventRequest  EventKind = "request"  // request written
	EventResponse EventKind = "response" // answer read
	EventGoAway   EventKind = "goaway"   // server closed the connection with GOAWAY
	EventInfo     EventKind = "info"     // anything else worth knowing
	EventWarning  EventKind = "warning"  // a likely mistake that does not stop the send
	EventError    EventKind = "error"    // the send failed without an answer
)

// Event is one line of the story of a send, streamed while it runs. Both the
// window's log pane and the command line's -v print the same stream. No
// event carries a password, a private key or a JWT.
type Event struct {
	Time     time.Time
	Kind     EventKind
	Text     string        // one human line
	Detail   []string      // further lines: headers, certificate, body
	Duration time.Duration // time the step took, where it has one
	Status   int           // HTTP status, for responses
}

// EventFunc receives events. It is called on the sending goroutine, so a
// window must hand the event over to its UI goroutine itself.
type EventFunc func(Event)

// Failed reports whether the event tells of a failure: an error, a GOAWAY,
// or a response other than 2xx (channel management answers 201 and 204).
func (e Event) Failed() bool {
	switch e.Kind {
	case EventError, EventGoAway:
		return true
	case EventResponse:
		return e.Status < 200 || e.Status > 299
	}
	return false
}

// String is the event as one line: its kind and text.
func (e Event) String() string {
	return fmt.Sprintf("%-8s %s", e.Kind, e.Text)
}

// Emit sends e to f (if any), stamping the time.
func (f EventFunc) Emit(e Event) {
	if f == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	f(e)
}

// FormatDuration formats a duration for event lines: "14ms", "1.2s".
func FormatDuration(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	}
	if d < time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// failureEvent reports a request that got no answer: a GOAWAY as such.
func failureEvent(err error) Event {
	var ga *GoAwayError
	if errors.As(err, &ga) {
		return Event{Kind: EventGoAway, Text: err.Error()}
	}
	return Event{Kind: EventError, Text: err.Error()}
}
