package api

import (
	"sync"
	"sync/atomic"

	"apnsconsole/simulator"
)

// hubs share the work of the event streams: the streams with the same
// query read one subscription of the simulator, whose records are encoded
// once each and handed to every stream (a browser tab and a CI job cost
// one encoding per answered request, not two).
type hubs struct {
	mu      sync.Mutex
	byQuery map[string]*hub
	lost    atomic.Uint64 // events lost by streams that have closed
}

// hub is one subscription and the streams that read it.
type hub struct {
	sub     *simulator.Subscription
	mu      sync.Mutex
	streams map[*eventStream]struct{}
}

// eventStream is one reader's queue of encoded events.
type eventStream struct {
	h       *hub
	query   string
	ch      chan []byte
	dropped atomic.Uint64 // lost here, its queue full
	base    uint64        // the hub's subscription losses when it joined
}

// join opens a stream of the events matching query.
func (hs *hubs) join(s *simulator.Server, query string) (*eventStream, error) {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	h := hs.byQuery[query]
	if h == nil {
		sub, err := s.Subscribe(query, EventBuffer)
		if err != nil {
			return nil, err
		}
		h = &hub{sub: sub, streams: map[*eventStream]struct{}{}}
		if hs.byQuery == nil {
			hs.byQuery = map[string]*hub{}
		}
		hs.byQuery[query] = h
		go h.pump()
	}
	st := &eventStream{h: h, query: query, ch: make(chan []byte, EventBuffer), base: h.sub.Dropped()}
	h.mu.Lock()
	h.streams[st] = struct{}{}
	h.mu.Unlock()
	return st, nil
}

// leave closes st; the last stream of a hub closes its subscription.
func (hs *hubs) leave(st *eventStream) {
	hs.lost.Add(st.lost())
	hs.mu.Lock()
	defer hs.mu.Unlock()
	h := st.h
	h.mu.Lock()
	delete(h.streams, st)
	empty := len(h.streams) == 0
	h.mu.Unlock()
	if empty {
		delete(hs.byQuery, st.query)
		h.sub.Close() // ends pump
	}
}

// pump encodes each record once and offers it to every stream, never
// waiting for one.
func (h *hub) pump() {
	for rec := range h.sub.C() {
		ev := appendEvent(nil, rec)
		h.mu.Lock()
		for st := range h.streams {
			select {
			case st.ch <- ev:
			default:
				st.dropped.Add(1)
			}
		}
		h.mu.Unlock()
	}
}

// lost is how many events st has lost: its own queue's, and its hub's
// since it joined.
func (st *eventStream) lost() uint64 {
	return st.dropped.Load() + st.h.sub.Dropped() - st.base
}

// counts are the streams open and the events lost by streams, open or
// closed, and how many of the simulator's subscriptions are hubs'.
func (hs *hubs) counts() (open int, lost uint64, subscriptions int) {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	lost = hs.lost.Load()
	for _, h := range hs.byQuery {
		h.mu.Lock()
		open += len(h.streams)
		for st := range h.streams {
			lost += st.dropped.Load()
		}
		h.mu.Unlock()
	}
	return open, lost, len(hs.byQuery)
}
