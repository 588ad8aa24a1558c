package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"apnsconsole/simulator"
)

// page is the answer of a list or a wait.
type page struct {
	Total         int            `json:"total"` // how many match in all
	Start         int            `json:"start"`
	Count         int            `json:"count"` // how many are in this page
	Keep          int            `json:"keep"`  // how many the simulator keeps at most (--keep)
	Notifications []Notification `json:"notifications"`
}

func (a *API) pageOf(recs []simulator.Record, start, total int) page {
	p := page{Total: total, Start: start, Count: len(recs), Keep: a.s.KeepLimit(), Notifications: make([]Notification, len(recs))}
	for i, r := range recs {
		p.Notifications[i] = NotificationOf(r, false)
	}
	return p
}

// GET /api/v1/notifications?query=&start=&limit=
func (a *API) list(w http.ResponseWriter, r *http.Request) {
	start, err := intParam(r, "start", 0, 0, 1<<30)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	limit, err := intParam(r, "limit", DefaultLimit, 1, MaxLimit)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	recs, total, err := a.s.FindPage(r.URL.Query().Get("query"), start, limit)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, a.pageOf(recs, start, total))
}

// GET /api/v1/notifications/{apns-id|latest}[?query=]
func (a *API) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var rec simulator.Record
	var ok bool
	if id == "latest" {
		var err error
		if rec, ok, err = a.s.Latest(r.URL.Query().Get("query")); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	} else {
		rec, ok = a.s.Get(id)
	}
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no notification %s among the %d kept", quote(id), a.s.Kept()))
		return
	}
	writeJSON(w, http.StatusOK, NotificationOf(rec, true))
}

// waitTimeout reads timeout=: a duration (10s, 1m) or seconds (10).
func waitTimeout(r *http.Request) (time.Duration, error) {
	v := r.URL.Query().Get("timeout")
	if v == "" {
		return DefaultTimeout, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		var s float64
		if s, err = strconv.ParseFloat(v, 64); err == nil {
			d = time.Duration(s * float64(time.Second))
		}
	}
	if err != nil || d <= 0 || d > MaxTimeout {
		return 0, fmt.Errorf("timeout=%s: give a duration such as 10s, at most %s", v, MaxTimeout)
	}
	return d, nil
}

// waitTimedOut is the 408 answer of a wait.
type waitTimedOut struct {
	Error   string `json:"error"`
	Matched int    `json:"matched"`
	Count   int    `json:"count"`
}

// GET /api/v1/notifications/wait?query=&count=N&timeout=10s
func (a *API) wait(w http.ResponseWriter, r *http.Request) {
	count, err := intParam(r, "count", 1, 1, MaxLimit)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	timeout, err := waitTimeout(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	select {
	case a.waits <- struct{}{}:
		defer func() { <-a.waits }()
	default:
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("%d waits are under way already: try again when one ends", MaxWaits))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	q := r.URL.Query().Get("query")
	recs, err := a.s.Wait(ctx, q, count)
	var we *simulator.WaitError
	switch {
	case err == nil:
		total, _ := a.s.Count(q)
		writeJSON(w, http.StatusOK, a.pageOf(recs, 0, total))
	case errors.As(err, &we):
		if r.Context().Err() != nil {
			return // the client went away
		}
		writeJSON(w, http.StatusRequestTimeout, waitTimedOut{
			Error:   fmt.Sprintf("timed out after %s: %d of %d matched", timeout, we.Matched, we.Want),
			Matched: we.Matched, Count: we.Want,
		})
	default:
		writeError(w, http.StatusBadRequest, err.Error())
	}
}

// DELETE /api/v1/notifications[?query=]
func (a *API) deleteNotifications(w http.ResponseWriter, r *http.Request) {
	n, err := a.s.Delete(r.URL.Query().Get("query"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"deleted": n})
}
