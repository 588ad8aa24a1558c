package store

import (
	"context"
	"fmt"

	"apnsconsole/simulator/query"
)

// waiter is one Wait: how many kept values match its query, counted as
// they are added, deleted and forgotten.
type waiter struct {
	q     query.Query
	n     int
	count int
	done  chan struct{} // closed once count reaches n
}

func (w *waiter) add(d int) {
	w.count += d
	if w.count >= w.n && w.done != nil {
		close(w.done)
		w.done = nil
	}
}

// WaitError is Wait's error when ctx ends first: how many matched then.
type WaitError struct {
	Matched, Want int
	Err           error // ctx's
}

func (e *WaitError) Error() string {
	return fmt.Sprintf("%d of %d matched: %v", e.Matched, e.Want, e.Err)
}

func (e *WaitError) Unwrap() error { return e.Err }

// Wait blocks until at least n kept values match q (those already kept
// count), then returns the n newest of them; or, when ctx ends first, a
// *WaitError with how many matched. It returns as soon as the value that
// completes the count is added.
func (s *Store[T]) Wait(ctx context.Context, q query.Query, n int) ([]T, error) {
	n = max(n, 1)
	done := make(chan struct{})
	w := &waiter{q: q, n: n, done: done}
	s.mu.Lock()
	w.add(s.count(&q))
	s.waiters[w] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.waiters, w)
		s.mu.Unlock()
	}()
	select {
	case <-done:
		page, _ := s.Find(q, 0, n)
		return page, nil
	case <-ctx.Done():
		s.mu.Lock()
		matched := w.count
		s.mu.Unlock()
		return nil, &WaitError{Matched: matched, Want: n, Err: ctx.Err()}
	}
}

// Waiting is how many Waits are under way.
func (s *Store[T]) Waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.waiters)
}
