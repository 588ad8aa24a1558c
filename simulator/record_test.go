package simulator

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAcceptedRecording checks Accepted(), Records(), OnRequest and
// Reset, and the apns-id answers: the client's id echoed verbatim, an
// uppercase one made when none was sent, and a lowercase apns-unique-id in
// sandbox only.
func TestAcceptedRecording(t *testing.T) {
	f := getFixture(t)
	var mu sync.Mutex
	var hooked []Record
	s, clk := startServer(t, f, func(s *Server) {
		s.OnRequest = func(r Record) {
			mu.Lock()
			hooked = append(hooked, r)
			mu.Unlock()
		}
	})
	e := &env{t: t, f: f, s: s, clk: clk}
	cc := dial(t, s, nil)
	jwt := bearer(jwtFor(t, f.demo.Key, clk.Now())) // one JWT for the connection

	const clientID = "123e4567-e89b-12d3-a456-4266554400a0"
	first := send(t, s, cc, push{body: `{"aps":{"alert":"one"}}`, header: e.tokenHeader("authorization", jwt,
		"apns-id", clientID, "apns-push-type", "alert", "apns-priority", "5",
		"apns-expiration", "1700000000", "apns-collapse-id", "group-1")})
	if first.Status != 200 || len(first.Body) != 0 {
		t.Fatalf("first: %d %s", first.Status, first.Body)
	}
	if got := first.Header.Get("apns-id"); got != clientID {
		t.Errorf("apns-id %q, want the client's %q", got, clientID)
	}
	unique := first.Header.Get("apns-unique-id")
	if !isCanonicalUUID(unique) || unique != strings.ToLower(unique) {
		t.Errorf("apns-unique-id %q, want a lowercase UUID", unique)
	}
	if _, ok := first.Header["Content-Length"]; ok || first.Header.Get("Content-Type") != "" || first.Header.Get("Date") != "" {
		t.Errorf("200 headers %v: want only apns-id and apns-unique-id", first.Header)
	}

	rejected := send(t, s, cc, push{body: noBody, header: e.tokenHeader("authorization", jwt)})
	if rejected.Reason != "PayloadEmpty" {
		t.Fatalf("rejected: %d %s", rejected.Status, rejected.Body)
	}

	clk.Advance(time.Minute)
	second := send(t, s, cc, push{token: "00fc13adff785122b4ad28809a3420982341241421348097878e577c991de8f0",
		body: `{"aps":{"alert":"two"}}`, header: e.tokenHeader("authorization", jwt, "apns-expiration", "0")})
	made := second.Header.Get("apns-id")
	if second.Status != 200 || !isCanonicalUUID(made) || made != strings.ToUpper(made) {
		t.Errorf("second: %d apns-id %q, want 200 and an uppercase UUID", second.Status, made)
	}

	acc := s.Accepted()
	if len(acc) != 2 {
		t.Fatalf("Accepted() has %d, want 2", len(acc))
	}
	a := acc[0]
	exp := time.Unix(1700000000, 0)
	if a.Token != DemoToken || a.Topic != DemoBundleID || a.PushType != "alert" ||
		a.Priority != 5 || a.Expiration == nil || !a.Expiration.Equal(exp) || a.CollapseID != "group-1" ||
		a.ApnsID != clientID || a.UniqueID != unique || string(a.Payload) != `{"aps":{"alert":"one"}}` ||
		a.Auth != AuthToken || a.TeamID != DemoTeamID || a.KeyID != DemoKeyID {
		t.Errorf("first accepted = %+v", a)
	}
	if a.Header.Get("Authorization") != "" || a.Header.Get("apns-collapse-id") != "group-1" {
		t.Errorf("recorded header %v: want the apns headers without authorization", a.Header)
	}
	b := acc[1]
	if b.Token != "00fc13adff785122b4ad28809a3420982341241421348097878e577c991de8f0" || b.ApnsID != made ||
		b.Priority != 0 || b.PushType != "" || b.Expiration == nil || b.Expiration.Unix() != 0 ||
		!b.Time.Equal(clk.Now()) {
		t.Errorf("second accepted = %+v", b)
	}

	recs := s.Records()
	if len(recs) != 3 {
		t.Fatalf("Records() has %d, want 3", len(recs))
	}
	if r := recs[1]; r.Status != 400 || r.Reason != "PayloadEmpty" || r.Conn != recs[0].Conn || r.Auth != AuthToken ||
		r.Method != "POST" || r.Path != devicePath+DemoToken || r.ApnsID != rejected.Header.Get("apns-id") {
		t.Errorf("rejection record = %+v", r)
	}
	if r := recs[0]; r.Status != 200 || r.Reason != "" || r.UniqueID != unique || r.PayloadSize != len(a.Payload) {
		t.Errorf("acceptance record = %+v", r)
	}
	mu.Lock()
	if len(hooked) != 3 || hooked[1].Reason != "PayloadEmpty" {
		t.Errorf("OnRequest saw %d records: %+v", len(hooked), hooked)
	}
	mu.Unlock()

	s.Reset()
	if len(s.Accepted()) != 0 || len(s.Records()) != 0 {
		t.Error("Reset kept records")
	}
}

// TestProductionAnswersNoUniqueID: apns-unique-id is a sandbox feature.
func TestProductionAnswersNoUniqueID(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, func(s *Server) { s.Environment = Production })
	a := send(t, s, dial(t, s, f.production), push{header: hdr("apns-topic", DemoBundleID)})
	if a.Status != 200 || a.Header.Get("apns-unique-id") != "" || a.Header.Get("apns-id") == "" {
		t.Errorf("production answer %d %v", a.Status, a.Header)
	}
	if acc := s.Accepted(); len(acc) != 1 || acc[0].Auth != AuthCertificate || acc[0].UniqueID != "" {
		t.Errorf("accepted %+v", acc)
	}
}

// TestRecordsKeepTheLastN checks that the records are bounded by Keep
// while the counts cover every request.
func TestRecordsKeepTheLastN(t *testing.T) {
	f := getFixture(t)
	s, _ := startServer(t, f, func(s *Server) { s.Keep = 3 })
	cc := dial(t, s, f.demo.Cert)
	var ids []string
	for i := 0; i < 5; i++ {
		a := send(t, s, cc, push{header: hdr("apns-topic", DemoBundleID)})
		ids = append(ids, a.Header.Get("apns-id"))
	}
	send(t, s, cc, push{body: noBody, header: hdr("apns-topic", DemoBundleID)})
	recs := s.Records()
	if len(recs) != 3 || recs[0].ApnsID != ids[3] || recs[1].ApnsID != ids[4] || recs[2].Reason != "PayloadEmpty" {
		t.Errorf("records %+v, want the last three answers", recs)
	}
	if acc := s.Accepted(); len(acc) != 2 || acc[0].ApnsID != ids[3] || acc[1].ApnsID != ids[4] {
		t.Errorf("accepted %d, want the two among the last three records", len(acc))
	}
	c := s.Counts()
	if c.Requests != 6 || c.Accepted != 5 || c.Rejected != 1 || c.ByReason["PayloadEmpty"] != 1 {
		t.Errorf("counts %+v, want 6 requests, 5 accepted, 1 PayloadEmpty", c)
	}
	s.Reset()
	if len(s.Records()) != 0 || s.Counts().Requests != 0 {
		t.Error("Reset kept records or counts")
	}
}
