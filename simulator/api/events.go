package api

import (
	"fmt"
	"net/http"
	"time"

	"apnsconsole/simulator"
)

// GET /api/v1/events[?query=]: Server-Sent Events, one "notification"
// event per request answered from then on (matching query), its data a
// Notification without headers. A reader that falls more than
// EventBuffer events behind loses the ones in between: a "dropped" event
// ({"dropped":N}, N the total lost) says so before the next one it gets.
// A comment every 15 s keeps proxies from closing a quiet stream; a write
// that takes longer than 10 s ends it.
func (a *API) events(w http.ResponseWriter, r *http.Request) {
	select {
	case a.streams <- struct{}{}:
		defer func() { <-a.streams }()
	default:
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("%d event streams are open already: close one", MaxSubscribers))
		return
	}
	sub, err := a.s.Subscribe(r.URL.Query().Get("query"), EventBuffer)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	defer sub.Close()
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(chunk []byte) bool {
		rc.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := w.Write(chunk); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send([]byte("retry: 2000\n: connected\n\n")) {
		return
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	var told uint64
	var buf []byte
	var lastWrite time.Time
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			if !send([]byte(": keep-alive\n\n")) {
				return
			}
		case rec, ok := <-sub.C():
			if !ok {
				return
			}
			buf = buf[:0]
			if d := sub.Dropped(); d != told {
				told = d
				buf = fmt.Appendf(buf, "event: dropped\ndata: {\"dropped\":%d}\n\n", d)
			}
			buf = appendEvent(buf, rec)
			// Under load, events go out in batches at most every
			// eventBatch: a write per event would cost the simulator its
			// throughput in system calls. A lone event goes at once.
			hold := time.Until(lastWrite.Add(eventBatch))
			var timer *time.Timer
			var until <-chan time.Time
			if hold > 0 {
				timer = time.NewTimer(hold)
				until = timer.C
			}
		batch:
			for len(buf) < 64<<10 {
				if until == nil { // only what is waiting already
					select {
					case rec, ok := <-sub.C():
						if !ok {
							break batch
						}
						buf = appendEvent(buf, rec)
						continue
					default:
						break batch
					}
				}
				select {
				case rec, ok := <-sub.C():
					if !ok {
						break batch
					}
					buf = appendEvent(buf, rec)
				case <-until:
					break batch
				case <-r.Context().Done():
					timer.Stop()
					return
				}
			}
			if timer != nil {
				timer.Stop()
			}
			if !send(buf) {
				return
			}
			lastWrite = time.Now()
		}
	}
}

// appendEvent appends rec as a "notification" event.
func appendEvent(b []byte, rec simulator.Record) []byte {
	n := NotificationOf(rec, false)
	b = append(b, "event: notification\ndata: "...)
	b = n.appendJSON(b)
	return append(b, "\n\n"...)
}
