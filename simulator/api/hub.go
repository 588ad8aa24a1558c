package api

import (
	"sync"
	"sync/atomic"
	"time"

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

// batch is encoded events, n of them, shared by the streams it is handed
// to; the last to release it returns its buffer to batchBuffers (the
// streams copy it out at once), so that the stream costs the simulator no
// garbage per event.
type batch struct {
	b    *[]byte
	n    uint64
	refs *atomic.Int32
}

var batchBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// release returns the batch's buffer once every stream has copied it.
func (bt batch) release() {
	if bt.refs.Add(-1) == 0 {
		*bt.b = (*bt.b)[:0]
		batchBuffers.Put(bt.b)
	}
}

// streamQueue is how many batches a stream holds for a slow reader.
const streamQueue = 64

// eventStream is one reader's queue of encoded events.
type eventStream struct {
	h       *hub
	query   string
	ch      chan batch
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
	st := &eventStream{h: h, query: query, ch: make(chan batch, streamQueue), base: h.sub.Dropped()}
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
// waiting for one. Under load it works in batches at most every
// eventBatch: it sleeps rather than wake for each record (the
// subscription holds what arrives meanwhile, EventBuffer records), so a
// stream costs the simulator a wake-up and a write per batch.
func (h *hub) pump() {
	var last time.Time
	for {
		rec, ok := <-h.sub.C()
		if !ok {
			return
		}
		if hold := time.Until(last.Add(eventBatch)); hold > 0 {
			time.Sleep(hold)
		}
		buf := batchBuffers.Get().(*[]byte)
		b, n := appendEvent((*buf)[:0], rec), uint64(1)
	more:
		for len(b) < eventWrite {
			select {
			case rec, ok := <-h.sub.C():
				if !ok {
					break more
				}
				b, n = appendEvent(b, rec), n+1
			default:
				break more
			}
		}
		*buf = b
		bt := batch{b: buf, n: n, refs: new(atomic.Int32)}
		bt.refs.Store(1) // the pump's own, released below
		h.mu.Lock()
		for st := range h.streams {
			bt.refs.Add(1)
			select {
			case st.ch <- bt:
			default:
				bt.refs.Add(-1)
				st.dropped.Add(n)
			}
		}
		h.mu.Unlock()
		bt.release()
		if len(b) < eventWrite { // a full batch: more are waiting, no sleep
			last = time.Now()
		}
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
