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
	var lastWrite time.Time
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			if !send([]byte(": keep-alive\n\n")) {
				return
			}
		case ev := <-st.ch:
			// Under load, events go out in batches at most every
			// eventBatch: the stream sleeps until then rather than wake
			// for each event (the buffer holds what arrives meanwhile),
			// and writes them at once. A lone event goes at once.
			if hold := time.Until(lastWrite.Add(eventBatch)); hold > 0 {
				t := time.NewTimer(hold)
				select {
				case <-t.C:
				case <-r.Context().Done():
					t.Stop()
					return
				}
			}
			buf = buf[:0]
			if d := st.lost(); d != told {
				told = d
				buf = fmt.Appendf(buf, "event: dropped\ndata: {\"dropped\":%d}\n\n", d)
			}
			buf = append(buf, ev...)
		batch:
			for len(buf) < eventWrite {
				select {
				case ev := <-st.ch:
					buf = append(buf, ev...)
				default:
					break batch
				}
			}
			if !send(buf) {
				return
			}
			if len(buf) < eventWrite { // a full batch: more are waiting, no sleep
				lastWrite = time.Now()
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
