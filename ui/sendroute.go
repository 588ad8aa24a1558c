package ui

import (
	"context"
	"errors"
	"strings"
	"sync"

	"apnsconsole/sender"
)

// bulkRunner sends a batch over one client. It calls begin(i) just before
// notification i is handed to the client, in input order, and done once
// per notification, as its result is known (so in completion order;
// Result.Index is i), always from the same goroutine. It is the seam
// between the window and the sender's streaming bulk core.
type bulkRunner interface {
	run(ctx context.Context, s sender.Sender, ns []*sender.Notification, begin func(i int), done func(r sender.Result))
}

// streamBulk sends with the sender's streaming core (SendStream): many
// notifications in flight on the client's one connection, retried as
// Apple advises, each result handed back as soon as it is known.
type streamBulk struct{ opts sender.BulkOptions }

func (b streamBulk) run(ctx context.Context, s sender.Sender, ns []*sender.Notification, begin func(int), done func(sender.Result)) {
	in := make(chan *sender.Notification)
	go func() {
		defer close(in)
		for i, n := range ns {
			begin(i)
			in <- n // SendStream reads in until it is closed, even after ctx ends
		}
	}()
	seen := make([]bool, len(ns))
	for r := range s.SendStream(ctx, in, b.opts) {
		if r.Index < 0 || r.Index >= len(ns) || seen[r.Index] {
			continue // never: one result per notification, numbered in input order
		}
		seen[r.Index] = true
		done(r)
	}
	// Exactly one result per token, whatever the sender did.
	for i, ok := range seen {
		if !ok {
			done(sender.Result{Notification: ns[i], Index: i, Err: errNoResult})
		}
	}
}

// errNoResult answers a notification the sender gave no result for.
var errNoResult = errors.New("the sender gave no result for this token: it may have been delivered: check before resending")

// eventRouter hands the client's events to the rows they belong to. In a
// send to one token every event is that row's. In a send to many, the
// requests run concurrently on the one connection: a request's event goes
// to its token's row (the row's outcome comes from its Result), and the
// connection's events (connecting, TLS, GOAWAY, retries) to the send's
// own row. Events of no send get rows of their own.
type eventRouter struct {
	log *LogPane
	mu  sync.Mutex
	cur *logEntry            // the one row of a single send
	bus *logEntry            // the connection row of a send to many
	tok map[string]*logEntry // a send to many: token → its row
	// reused is set once a send to many has told that it reuses the
	// connection: the sender says so for every request.
	reused bool
}

func (r *eventRouter) set(e *logEntry) {
	r.mu.Lock()
	r.cur, r.bus, r.tok = e, nil, nil
	r.mu.Unlock()
}

// many routes the events of a send to many tokens; rows are added with
// row as the send goes.
func (r *eventRouter) many(bus *logEntry) {
	r.mu.Lock()
	r.cur, r.bus, r.tok, r.reused = nil, bus, map[string]*logEntry{}, false
	r.mu.Unlock()
}

// row registers the row of a token in a send to many.
func (r *eventRouter) row(token string, e *logEntry) {
	r.mu.Lock()
	if r.tok != nil {
		r.tok[token] = e
	}
	r.mu.Unlock()
}

func (r *eventRouter) emit(ev sender.Event) {
	r.mu.Lock()
	cur, bus := r.cur, r.bus
	var row *logEntry
	if bus != nil && ev.Kind == sender.EventRequest {
		row = r.tok[requestToken(ev.Text)]
	}
	repeat := false
	if bus != nil && ev.Kind == sender.EventInfo && strings.HasPrefix(ev.Text, "Reusing the connection") {
		repeat, r.reused = r.reused, true
	}
	r.mu.Unlock()
	if repeat {
		return // said once per send to many
	}
	switch {
	case cur != nil:
		r.log.addToRow(cur, ev)
	case row != nil:
		r.log.addToRow(row, ev)
	case bus != nil && ev.Kind == sender.EventResponse:
		// The token's row tells its outcome from its Result.
	case bus != nil:
		r.log.addToBusRow(bus, ev)
	default:
		r.log.AddEvent(ev)
	}
}

// requestToken is the device token in a request event's text, "POST
// /3/device/TOKEN (HTTP/2)"; "" if it names none.
func requestToken(text string) string {
	_, rest, ok := strings.Cut(text, "/3/device/")
	if !ok {
		return ""
	}
	tok, _, _ := strings.Cut(rest, " ")
	return tok
}

// resultBatch hands results from the sending goroutine to the UI
// goroutine in batches: one fyne.Do for however many results arrive while
// the UI is busy, so a thousand tokens do not flood it.
type resultBatch struct {
	do    func(func())
	apply func([]sender.Result) // on the UI goroutine

	mu      sync.Mutex
	pending []sender.Result
	queued  bool
}

func (b *resultBatch) add(r sender.Result) {
	b.mu.Lock()
	b.pending = append(b.pending, r)
	queue := !b.queued
	b.queued = true
	b.mu.Unlock()
	if queue {
		b.do(b.flush)
	}
}

func (b *resultBatch) flush() {
	b.mu.Lock()
	rs := b.pending
	b.pending, b.queued = nil, false
	b.mu.Unlock()
	b.apply(rs)
}
