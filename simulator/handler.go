package simulator

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"apnsconsole/sender"
)

// handler serves the requests of one connection.
func (s *Server) handler(c *conn) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.serveChannels(c, w, r) { // channel management and broadcasts (channels.go)
			return
		}
		s.serveRequest(c, w, r)
	})
}

// serveRequest checks one notification, records the outcome and answers
// the way APNs does (APNS-REFERENCE §1.6, §9.4): 200 with apns-id (and
// apns-unique-id in sandbox) and no body, or the status with a JSON body
// {"reason": …} (plus "timestamp" in milliseconds for Unregistered).
func (s *Server) serveRequest(c *conn, w http.ResponseWriter, r *http.Request) {
	if c.h2.isGone() {
		return // a fault closed the connection: this request is not taken, the client sends it again
	}
	now := s.Now()
	body := readBody(r)
	var req request
	v := s.check(c, r, body, &req, now)

	apnsID := req.apnsID
	if apnsID == "" {
		apnsID = newApnsID()
	}
	rec := Record{
		Time: now, Conn: c.id, Remote: c.remote, Auth: c.auth,
		Method: r.Method, Path: r.URL.Path,
		Token: req.token, Topic: req.topic, PushType: req.pushType, Priority: req.priority,
		Payload: body, Status: http.StatusOK, ApnsID: apnsID, PayloadSize: len(body),
		Header: redacted(r.Header), // shared with Accepted: neither is changed
	}
	if rec.Token == "" && strings.HasPrefix(r.URL.Path, devicePath) {
		rec.Token = r.URL.Path[len(devicePath):]
	}

	if v != nil && v.goAway {
		rec.Status, rec.Reason, rec.GoAway = statusOf(v.reason), v.reason, true
		s.record(rec, nil)
		c.h2.goAway(v.reason)
		return
	}
	if s.Latency > 0 {
		t := time.NewTimer(s.delay())
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}

	hdr := w.Header()
	hdr["Date"] = nil // APNs sends no Date; a nil value stops net/http adding one
	hdr.Set("apns-id", apnsID)
	if v == nil {
		rec.Warnings = liveActivityWarnings(req.effective, body) // liveactivity.go
		if s.Environment == sender.Sandbox {
			rec.UniqueID = newUUID()
			hdr.Set("apns-unique-id", rec.UniqueID)
		}
		s.record(rec, &Accepted{
			Time: now, Token: req.token, Topic: req.topic, PushType: req.pushType,
			Priority: req.priority, Expiration: req.expiration, CollapseID: req.collapseID,
			ApnsID: apnsID, UniqueID: rec.UniqueID, Payload: body,
			Header: rec.Header, Auth: c.auth, TeamID: req.teamID, KeyID: req.keyID,
			Warnings: rec.Warnings,
		})
		hdr["Content-Length"] = nil // HEADERS with END_STREAM only, as APNs answers
		w.WriteHeader(http.StatusOK)
		return
	}

	rec.Status, rec.Reason = v.status, v.reason
	if rec.Status == 0 {
		rec.Status = statusOf(v.reason)
	}
	answer := struct {
		Reason    string `json:"reason"`
		Timestamp *int64 `json:"timestamp,omitempty"`
	}{Reason: v.reason}
	if v.reason == "Unregistered" {
		rec.Timestamp = v.timestamp
		ms := v.timestamp.UnixMilli()
		answer.Timestamp = &ms
	}
	s.record(rec, nil)
	out, _ := json.Marshal(answer)
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(rec.Status)
	w.Write(out)
}

// readBody reads the request body up to one byte past the largest payload
// APNs takes, sized from Content-Length when the client sent one.
func readBody(r *http.Request) []byte {
	size := 512
	if r.ContentLength >= 0 {
		size = int(min(r.ContentLength, maxPayloadBuffer+1))
	}
	buf := make([]byte, 0, size+1) // +1: room to see the end without growing
	for len(buf) <= maxPayloadBuffer {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Body.Read(buf[len(buf):min(cap(buf), maxPayloadBuffer+1)])
		buf = buf[:len(buf)+n]
		if err != nil {
			break
		}
	}
	return buf
}
