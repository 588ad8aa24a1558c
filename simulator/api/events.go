package api

import (
	"fmt"
	"net/http"
	"time"

	"apnsconsole/simulator"
)

// GET /api/v1/events[?query=]: Server-Sent Events, one "notification"
// event per request answered from then on (matching query), its data a
// Notification without headers. Events go in batches (hub.go); a reader
// that falls more than streamQueue batches behind loses the ones in
// between: a "dropped" event ({"dropped":N}, N the total lost) says so
// before the next one it gets.
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
	st, err := a.hubs.join(a.s, r.URL.Query().Get("query"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	defer a.hubs.leave(st)
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
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			if !send([]byte(": keep-alive\n\n")) {
				return
			}
		case bt := <-st.ch:
			buf = buf[:0]
			if d := st.lost(); d != told {
				told = d
				buf = fmt.Appendf(buf, "event: dropped\ndata: {\"dropped\":%d}\n\n", d)
			}
			buf = append(buf, *bt.b...)
			bt.release()
		more:
			for len(buf) < eventWrite {
				select {
				case bt := <-st.ch:
					buf = append(buf, *bt.b...)
					bt.release()
				default:
					break more
				}
			}
			if !send(buf) {
				return
			}
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
