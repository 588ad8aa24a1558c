package apnstest

import (
	"fmt"
	"strings"
	"sync"

	"apnsconsole/sender"
)

// EventLog records the events of a send for a test to read back, like
// httptest.ResponseRecorder: set a client's OnEvent to its Add.
type EventLog struct {
	mu     sync.Mutex
	events []sender.Event
}

// Add records e; it is a sender.EventFunc.
func (l *EventLog) Add(e sender.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

// Text is every event recorded so far, one "kind text" line each with its
// detail lines indented below it.
func (l *EventLog) Text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, e := range l.events {
		fmt.Fprintf(&b, "%s %s\n", e.Kind, e.Text)
		for _, d := range e.Detail {
			fmt.Fprintf(&b, "    %s\n", d)
		}
	}
	return b.String()
}

// Count is how many events of kind were recorded.
func (l *EventLog) Count(kind sender.EventKind) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, e := range l.events {
		if e.Kind == kind {
			n++
		}
	}
	return n
}
