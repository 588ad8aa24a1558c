// Package store keeps the simulator's last answered requests, bounded by a
// count (serve's --keep), and answers the query language's searches over
// them (package query): newest first, by device token through an index,
// by apns-id through another, and everything else by a scan. It also
// wakes the waits (Wait) and feeds the subscribers (Subscribe) as each
// request is added. Memory stays flat however many are added: the oldest
// is forgotten when a new one would pass the bound.
package store

import (
	"slices"
	"strings"
	"sync"

	"apnsconsole/simulator/query"
)

// Store keeps the last values added, each with the Doc a query reads. Its
// methods are safe for concurrent use.
type Store[T any] struct {
	mu    sync.Mutex
	keep  int
	slots []slot[T] // by seq % keep
	first uint64    // the oldest seq still in slots (live or not)
	next  uint64    // the seq of the next value added
	live  int       // values kept and not deleted

	byToken map[string][]uint64 // ascending seqs of live values
	byID    map[string]uint64   // lowercase apns-id → the latest seq with it

	waiters map[*waiter]struct{}
	subs    map[*Subscription[T]]struct{}
	dropped uint64 // events lost by subscribers that have gone
}

type slot[T any] struct {
	seq  uint64
	live bool
	doc  query.Doc
	v    T
}

// New makes a store that keeps the last keep values (at least 1).
func New[T any](keep int) *Store[T] {
	keep = max(keep, 1)
	return &Store[T]{
		keep:    keep,
		byToken: make(map[string][]uint64),
		byID:    make(map[string]uint64),
		waiters: make(map[*waiter]struct{}),
		subs:    make(map[*Subscription[T]]struct{}),
	}
}

// Keep is how many values the store keeps.
func (s *Store[T]) Keep() int { return s.keep }

// Len is how many values are kept now.
func (s *Store[T]) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.live
}

// Add keeps *v, searchable through *doc (whose Token must be normal, see
// query.Normal), forgetting the oldest value when keep are already kept;
// it wakes the waits v completes and hands v to every subscriber that has
// room for it. It never blocks on a reader. (Pointers: a request's
// goroutine has a small stack, and a large frame would make it grow.)
func (s *Store[T]) Add(doc *query.Doc, v *T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.slots == nil {
		s.slots = make([]slot[T], 0, min(s.keep, 1024))
	}
	if s.next-s.first == uint64(s.keep) {
		s.evict(s.first)
		s.first++
	}
	seq := s.next
	s.next++
	i := int(seq % uint64(s.keep))
	if i == len(s.slots) {
		s.slots = append(s.slots, slot[T]{})
	}
	sl := &s.slots[i]
	sl.seq, sl.live, sl.doc, sl.v = seq, true, *doc, *v
	s.live++
	s.index(sl)
	for w := range s.waiters {
		if w.q.Match(doc) {
			w.add(1)
		}
	}
	for sub := range s.subs {
		sub.offer(doc, v)
	}
}

func (s *Store[T]) index(sl *slot[T]) {
	if t := sl.doc.Token; t != "" {
		s.byToken[t] = append(s.byToken[t], sl.seq)
	}
	if id := sl.doc.ApnsID; id != "" {
		s.byID[strings.ToLower(id)] = sl.seq
	}
}

// evict forgets the value with seq, the oldest, if still live.
func (s *Store[T]) evict(seq uint64) {
	sl := &s.slots[seq%uint64(s.keep)]
	if !sl.live || sl.seq != seq {
		return
	}
	s.unindex(sl)
	if t := sl.doc.Token; t != "" {
		if list := s.byToken[t]; len(list) > 0 && list[0] == seq {
			if len(list) == 1 {
				delete(s.byToken, t)
			} else {
				s.byToken[t] = list[1:]
			}
		}
	}
	s.forget(sl)
}

// unindex removes sl from the apns-id index and from the waits' counts.
func (s *Store[T]) unindex(sl *slot[T]) {
	if id := strings.ToLower(sl.doc.ApnsID); id != "" && s.byID[id] == sl.seq {
		delete(s.byID, id)
	}
	for w := range s.waiters {
		if w.q.Match(&sl.doc) {
			w.add(-1)
		}
	}
}

// forget drops sl's value (so its payload can be collected).
func (s *Store[T]) forget(sl *slot[T]) {
	*sl = slot[T]{seq: sl.seq}
	s.live--
}

// at is the live slot with seq, or nil.
func (s *Store[T]) at(seq uint64) *slot[T] {
	if seq < s.first || seq >= s.next {
		return nil
	}
	sl := &s.slots[seq%uint64(s.keep)]
	if !sl.live || sl.seq != seq {
		return nil
	}
	return sl
}

// each calls f with the live values that may match q, newest first, until
// f returns false: those with q's token, through the index, or all.
func (s *Store[T]) each(q *query.Query, f func(*slot[T]) bool) {
	if tok, ok := q.Token(); ok {
		list := s.byToken[tok]
		for i := len(list) - 1; i >= 0; i-- {
			if sl := s.at(list[i]); sl != nil && q.Match(&sl.doc) && !f(sl) {
				return
			}
		}
		return
	}
	for seq := s.next; seq > s.first; seq-- {
		if sl := s.at(seq - 1); sl != nil && q.Match(&sl.doc) && !f(sl) {
			return
		}
	}
}

// Find returns the values matching q, newest first, skipping start and
// returning at most limit (all when limit <= 0), with how many match in
// all.
func (s *Store[T]) Find(q query.Query, start, limit int) (page []T, total int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.each(&q, func(sl *slot[T]) bool {
		if total >= start && (limit <= 0 || len(page) < limit) {
			page = append(page, sl.v)
		}
		total++
		return true
	})
	return page, total
}

// Count is how many kept values match q.
func (s *Store[T]) Count(q query.Query) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count(&q)
}

func (s *Store[T]) count(q *query.Query) int {
	n := 0
	s.each(q, func(*slot[T]) bool { n++; return true })
	return n
}

// Latest is the newest value matching q.
func (s *Store[T]) Latest(q query.Query) (v T, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.each(&q, func(sl *slot[T]) bool { v, ok = sl.v, true; return false })
	return v, ok
}

// ByID is the newest value whose Doc has apns-id id (any case).
func (s *Store[T]) ByID(id string) (v T, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seq, found := s.byID[strings.ToLower(id)]
	if !found {
		return v, false
	}
	if sl := s.at(seq); sl != nil {
		return sl.v, true
	}
	return v, false
}

// All returns every kept value, oldest first.
func (s *Store[T]) All() []T {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]T, 0, s.live)
	for seq := s.first; seq < s.next; seq++ {
		if sl := s.at(seq); sl != nil {
			out = append(out, sl.v)
		}
	}
	return out
}

// Delete forgets the kept values matching q and returns how many; the
// zero Query forgets them all.
func (s *Store[T]) Delete(q query.Query) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q.Empty() {
		n := s.live
		for w := range s.waiters {
			w.add(-w.count)
		}
		clear(s.slots)
		s.slots = s.slots[:0]
		s.first, s.next, s.live = 0, 0, 0
		clear(s.byToken)
		clear(s.byID)
		return n
	}
	var gone []*slot[T]
	s.each(&q, func(sl *slot[T]) bool { gone = append(gone, sl); return true })
	tokens := map[string]bool{}
	for _, sl := range gone {
		s.unindex(sl)
		if t := sl.doc.Token; t != "" {
			tokens[t] = true
		}
		s.forget(sl)
	}
	for t := range tokens {
		list := slices.DeleteFunc(s.byToken[t], func(seq uint64) bool { return s.at(seq) == nil })
		if len(list) == 0 {
			delete(s.byToken, t)
		} else {
			s.byToken[t] = list
		}
	}
	return len(gone)
}
