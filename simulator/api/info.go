package api

import (
	"net/http"
	"strconv"
	"time"
)

// Info is GET /api/v1/info.
type Info struct {
	Version       string    `json:"version"`
	Started       time.Time `json:"started"`
	UptimeSeconds float64   `json:"uptime_seconds"`
	Environment   string    `json:"environment"`
	APNsAddr      string    `json:"apns_addr"`
	Keep          int       `json:"keep"` // records kept at most (--keep)
	Kept          int       `json:"kept"` // records kept now
	Counts        struct {
		Requests uint64            `json:"requests"`
		Accepted uint64            `json:"accepted"`
		Rejected uint64            `json:"rejected"`
		GoAways  uint64            `json:"goaways"`
		ByStatus map[string]uint64 `json:"by_status"`
		ByReason map[string]uint64 `json:"by_reason"`
	} `json:"counts"` // every request since the start, kept or not
	Subscribers   int    `json:"subscribers"`    // event streams open
	EventsDropped uint64 `json:"events_dropped"` // events lost by slow readers
	Waiting       int    `json:"waiting"`        // waits under way
	Tokens        int    `json:"tokens"`         // tokens in the registry
	Faults        int    `json:"faults"`         // fault rules in force
}

// GET /api/v1/info
func (a *API) info(w http.ResponseWriter, r *http.Request) {
	var in Info
	in.Version = a.opt.Version
	in.Started = a.started.UTC()
	in.UptimeSeconds = time.Since(a.started).Round(time.Millisecond).Seconds()
	in.Environment = string(a.s.Environment)
	in.APNsAddr = a.s.Addr
	in.Keep, in.Kept = a.s.KeepLimit(), a.s.Kept()
	c := a.s.Counts()
	in.Counts.Requests, in.Counts.Accepted, in.Counts.Rejected, in.Counts.GoAways = c.Requests, c.Accepted, c.Rejected, c.GoAways
	in.Counts.ByStatus = map[string]uint64{}
	for st, n := range c.ByStatus {
		in.Counts.ByStatus[strconv.Itoa(st)] = n
	}
	in.Counts.ByReason = c.ByReason
	if in.Counts.ByReason == nil {
		in.Counts.ByReason = map[string]uint64{}
	}
	subs, lost := a.s.Subscribers() // the hubs' and Go callers' subscriptions
	streams, streamLost, hubSubs := a.hubs.counts()
	in.Subscribers, in.EventsDropped = subs-hubSubs+streams, lost+streamLost
	in.Waiting = len(a.waits)
	in.Tokens = len(a.s.Tokens())
	in.Faults = len(a.s.Faults())
	writeJSON(w, http.StatusOK, in)
}
