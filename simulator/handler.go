package simulator

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"apnsconsole/simulator/h2server"

	"golang.org/x/net/http2"
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

// serveRequest checks one notification, answers the way APNs does
// (APNS-REFERENCE §1.6, §9.4): 200 with apns-id (and apns-unique-id in
// sandbox) and no body, or the status with a JSON body {"reason": …}
// (plus "timestamp" in milliseconds for Unregistered), and records the
// outcome once the answer is written (answered).
func (s *Server) serveRequest(c *conn, w http.ResponseWriter, r *http.Request) {
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
		Header:     redacted(r.Header),                                   // shared with Accepted: neither is changed
		CollapseID: req.collapseID, TeamID: req.teamID, KeyID: req.keyID, // as far as the checks got
	}
	if rec.Token == "" && strings.HasPrefix(r.URL.Path, devicePath) {
		rec.Token = r.URL.Path[len(devicePath):]
	}

	if v != nil && (v.goAway || v.noAnswer != "") {
		// The client learns of a GOAWAY, a reset or a drop a moment
		// before its record exists: readers wait for it, as for answers.
		g := s.settle.begin()
		defer s.settle.end(g)
	}
	if v != nil && v.goAway {
		// The GOAWAY covers the streams before this one (and any answered
		// already); this one goes again elsewhere, unless a later stream
		// was answered first: then it is covered and answered as usual.
		if !c.hc.GoAwayBefore(h2server.StreamID(w), http2.ErrCodeNo, goAwayDebug(v.reason)) {
			rec.Status, rec.Reason, rec.GoAway = statusOf(v.reason), v.reason, true
			s.record(rec, nil)
			return
		}
		// Covered: the GOAWAY is recorded on its own, the request answered.
		s.record(Record{Time: now, Conn: c.id, Remote: c.remote, Auth: c.auth,
			Status: statusOf(v.reason), Reason: v.reason, GoAway: true}, nil)
		v = s.checkAfterFaults(&req, body, now)
	}
	if v != nil && v.noAnswer != "" {
		rec.Status, rec.NoAnswer = 0, v.noAnswer
		if v.noAnswer == NoAnswerDrop {
			c.hc.Drop()
			s.record(rec, nil) // read, never answered
			return
		}
		if h2server.Reset(w, http2.ErrCode(v.resetCode)) == nil {
			s.record(rec, nil)
		}
		return
	}
	status := http.StatusOK
	if v != nil {
		status = v.status
		if status == 0 {
			status = statusOf(v.reason)
		}
	}
	s.adjustStreams(c, req.tokenValid, status)
	if d := s.delay(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	if s.beforeAnswer != nil {
		s.beforeAnswer(rec)
	}

	hdr := w.Header()
	hdr.Set("apns-id", apnsID)
	if v == nil {
		rec.Warnings = liveActivityWarnings(req.effective, body) // liveactivity.go
		if s.Environment == Sandbox {
			rec.UniqueID = newUUID()
			hdr.Set("apns-unique-id", rec.UniqueID)
		}
		w.WriteHeader(http.StatusOK) // HEADERS with END_STREAM only, as APNs answers
		s.answered(w, rec, &Accepted{
			Time: now, Token: req.token, Topic: req.topic, PushType: req.pushType,
			Priority: req.priority, Expiration: req.expiration, CollapseID: req.collapseID,
			ApnsID: apnsID, UniqueID: rec.UniqueID, Payload: body,
			Header: rec.Header, Auth: c.auth, TeamID: req.teamID, KeyID: req.keyID,
			Warnings: rec.Warnings,
		})
		return
	}

	rec.Status, rec.Reason = status, v.reason
	answer := struct {
		Reason    string `json:"reason"`
		Timestamp *int64 `json:"timestamp,omitempty"`
	}{Reason: v.reason}
	if v.reason == "Unregistered" {
		rec.Timestamp = v.timestamp
		ms := v.timestamp.UnixMilli()
		answer.Timestamp = &ms
	}
	out, _ := json.Marshal(answer)
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(rec.Status)
	w.Write(out)
	s.answered(w, rec, nil)
}

// answered writes the answer w holds and records rec (with a, when
// accepted) once the client has it: a request is counted as answered
// only when its answer was written, and records follow the order the
// answers went out. One whose answer could not be written (the
// connection closed first, the client reset the stream) is recorded with
// NoAnswerClosed; one beyond a GOAWAY's last-stream-id, which the client
// sends again, is not recorded.
func (s *Server) answered(w http.ResponseWriter, rec Record, a *Accepted) {
	g := s.settle.begin()
	rec.seq = s.rec.seq.Add(1) // before the answer can reach the client
	h2server.FinishFunc(w, func(err error) {
		defer s.settle.end(g)
		switch {
		case err == nil:
			s.record(rec, a)
		case errors.Is(err, h2server.ErrNotProcessed):
		default:
			rec.Status, rec.Reason, rec.NoAnswer, rec.Warnings = 0, "", NoAnswerClosed, nil
			s.record(rec, nil)
		}
	})
}

// readBody is the request body: the HTTP/2 server has read it whole, up
// to one byte past the largest payload APNs takes.
func readBody(r *http.Request) []byte {
	if b, ok := r.Body.(interface{ Bytes() []byte }); ok {
		return b.Bytes()
	}
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
