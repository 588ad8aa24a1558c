package store

import (
	"sync/atomic"

	"apnsconsole/simulator/query"
)

// Subscription receives the values added to a store from the time it was
// made, through a buffered channel: when the reader falls behind by more
// than the buffer, values are dropped and counted, and Add never waits.
type Subscription[T any] struct {
	s       *Store[T]
	q       query.Query
	ch      chan T
	dropped atomic.Uint64
	closed  bool // under s.mu
}

// Subscribe starts a subscription to the values matching q (the zero
// Query: all) with room for buffer values (at least 1). Close it when
// done.
func (s *Store[T]) Subscribe(q query.Query, buffer int) *Subscription[T] {
	sub := &Subscription[T]{s: s, q: q, ch: make(chan T, max(buffer, 1))}
	s.mu.Lock()
	s.subs[sub] = struct{}{}
	s.mu.Unlock()
	return sub
}

// C delivers the values, in the order they were added; it is closed by
// Close.
func (sub *Subscription[T]) C() <-chan T { return sub.ch }

// Dropped is how many values the subscription lost because its buffer
// was full.
func (sub *Subscription[T]) Dropped() uint64 { return sub.dropped.Load() }

// Close ends the subscription and closes C. Calling it again does
// nothing.
func (sub *Subscription[T]) Close() {
	s := sub.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if sub.closed {
		return
	}
	sub.closed = true
	delete(s.subs, sub)
	s.dropped += sub.dropped.Load()
	close(sub.ch)
}

// offer hands v over if the buffer has room; s.mu held.
func (sub *Subscription[T]) offer(doc *query.Doc, v *T) {
	if !sub.q.Empty() && !sub.q.Match(doc) {
		return
	}
	select {
	case sub.ch <- *v:
	default:
		sub.dropped.Add(1)
	}
}

// Subscribers is how many subscriptions are open, and Dropped how many
// values all of them, open or closed, have lost.
func (s *Store[T]) Subscribers() (open int, dropped uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	dropped = s.dropped
	for sub := range s.subs {
		dropped += sub.dropped.Load()
	}
	return len(s.subs), dropped
}
