package simulator

import (
	"cmp"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"apnsconsole/simulator/query"
	"apnsconsole/simulator/store"
)

// How a connection authenticated.
const (
	AuthCertificate = "certificate" // TLS client certificate
	AuthToken       = "token"       // JWT provider token (.p8 key)
)

// Accepted is a notification the server accepted (answered 200).
type Accepted struct {
	Time       time.Time  // when it was accepted, by Server.Now
	Token      string     // the device token from the path, as sent
	Topic      string     // apns-topic, or the certificate's default topic when none was sent
	PushType   PushType   // apns-push-type as sent; "" when the header was omitted
	Priority   int        // apns-priority; 0 when the header was omitted
	Expiration *time.Time // apns-expiration; nil when omitted, time.Unix(0, 0) for "0"
	CollapseID string     // apns-collapse-id
	ApnsID     string     // the apns-id answered: the client's, or one the server made
	UniqueID   string     // the apns-unique-id answered (sandbox only)
	Payload    []byte
	Header     http.Header // the request headers, without authorization
	Auth       string      // AuthCertificate or AuthToken
	TeamID     string      // the JWT's issuer, or the certificate's team (subject OU)
	KeyID      string      // the JWT's key id (token auth only)
	// Warnings name what APNs accepts but the device would drop (Live
	// Activity payload rules, liveactivity.go); each starts with
	// DeviceWouldDrop.
	Warnings []string
}

// Record is one thing the server answered: a request with its outcome, or
// a connection it refused with a GOAWAY before reading any request. A
// record holds the payload, so Keep records take up to Keep × 5 KB.
type Record struct {
	Time        time.Time
	Conn        uint64 // connection number, from 1, in the order they were accepted
	Remote      string // the client's address
	Auth        string // AuthCertificate or AuthToken
	Method      string
	Path        string
	Token       string
	Topic       string
	PushType    PushType
	Priority    int       // apns-priority; 0 when omitted or invalid
	Payload     []byte    // the body read (reading stops past the largest limit)
	Status      int       // HTTP status answered
	Reason      string    // "" when accepted
	ApnsID      string    // the apns-id answered
	UniqueID    string    // the apns-unique-id answered (accepted, sandbox only)
	Timestamp   time.Time // the 410 Unregistered timestamp
	PayloadSize int       // bytes read from the body (reading stops past the largest limit)
	Header      http.Header
	// GoAway is set for a GOAWAY frame whose debug data carried Reason;
	// Status is then the reason's status. With the request fields, the
	// request a goaway= fault stopped at (not processed: the client sends
	// it again); without, a connection refused right after the TLS
	// handshake (BadCertificateEnvironment) or a goaway= fault whose
	// request was still answered (a later stream had been answered
	// first, so the GOAWAY had to cover it).
	GoAway bool
	// Warnings are those of the Accepted notification (see Accepted.Warnings).
	Warnings []string
	// Channel is the apns-channel-id of a channel-management request or a
	// broadcast, or the id of a created channel (channels.go).
	Channel string
	// RequestID is the apns-request-id answered to a channel-management
	// request or a broadcast.
	RequestID string
	// CollapseID is apns-collapse-id as sent.
	CollapseID string
	// Expiration is apns-expiration (accepted notifications); nil when
	// omitted, time.Unix(0, 0) for "0".
	Expiration *time.Time
	// TeamID and KeyID are the provider token's issuer and key id, or the
	// certificate's team (accepted notifications).
	TeamID, KeyID string
	// NoAnswer is set (Status then 0) for a request that was read and
	// never answered: NoAnswerDrop and NoAnswerReset by a fault rule,
	// NoAnswerClosed when the connection closed (or the client reset the
	// stream) before the answer was written. The client cannot know
	// whether such a notification was taken.
	NoAnswer string

	// seq orders records as their answers were queued: a client may read
	// an answer (and send again on another connection) a moment before
	// the server learns it was written, so records are stored in the
	// order the writes finished and read back in this order.
	seq uint64
}

// Why a request was read and not answered (Record.NoAnswer).
const (
	NoAnswerDrop   = "drop"   // the connection was closed, no GOAWAY (fault)
	NoAnswerReset  = "reset"  // the stream was reset (fault)
	NoAnswerClosed = "closed" // the connection closed first
)

// Counts are running totals of what a Server answered. Unlike the
// records, which keep only the last Keep, they cover every request since
// the start (or the last Reset).
type Counts struct {
	Requests uint64            // requests answered
	Accepted uint64            // requests answered 200
	Rejected uint64            // requests answered with an error status
	GoAways  uint64            // connections closed with a GOAWAY carrying a reason
	NoAnswer uint64            // requests read and never answered (Record.NoAnswer)
	ByReason map[string]uint64 // rejected requests and GOAWAYs by reason
	ByStatus map[int]uint64    // requests and GOAWAYs by the status answered
}

// recorder keeps a Server's last records (a store bounded by Keep, with
// the query language's searches, waits and subscribers: package store)
// and its running counts, under its own lock so that recording does not
// contend with the token tables.
type recorder struct {
	mu     sync.Mutex
	store  atomic.Pointer[store.Store[Record]]
	counts Counts
	live   liveSettings  // control.go
	seq    atomic.Uint64 // the last Record.seq given
}

// settler lets a reader wait for the answers being written when it
// reads: an answer is recorded once written, so a client may read it a
// moment before its record exists; Records, Accepted and Counts first
// wait for every answer queued before they were called (each is bounded
// by the write deadline, and the wait by settleWait).
type settler struct {
	mu   sync.Mutex
	cond *sync.Cond
	gen  uint64
	open map[uint64]int // answers being written, by generation
}

func (st *settler) begin() uint64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.open == nil {
		st.open = make(map[uint64]int)
		st.cond = sync.NewCond(&st.mu)
	}
	st.open[st.gen]++
	return st.gen
}

func (st *settler) end(g uint64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.open[g]--; st.open[g] <= 0 {
		delete(st.open, g)
		st.cond.Broadcast()
	}
}

// settleWait bounds how long a reader waits for answers being written
// (to a client that stopped reading, say): on loopback a write takes
// microseconds.
const settleWait = time.Second

func (st *settler) wait() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.pendingLocked(st.gen) {
		return
	}
	g := st.gen
	st.gen++
	expired := false
	t := time.AfterFunc(settleWait, func() {
		st.mu.Lock()
		expired = true
		st.cond.Broadcast()
		st.mu.Unlock()
	})
	defer t.Stop()
	for !expired && st.pendingLocked(g) {
		st.cond.Wait()
	}
}

func (st *settler) pendingLocked(g uint64) bool {
	for k := range st.open {
		if k <= g {
			return true
		}
	}
	return false
}

// kept is the record store, made on first use with Keep.
func (s *Server) kept() *store.Store[Record] {
	if st := s.rec.store.Load(); st != nil {
		return st
	}
	s.rec.store.CompareAndSwap(nil, store.New[Record](cmp.Or(max(s.Keep, 0), DefaultKeep)))
	return s.rec.store.Load()
}

// Accepted returns the accepted notifications among the kept records (the
// last Keep answers), in the order they were accepted.
func (s *Server) Accepted() []Accepted {
	s.settle.wait()
	var out []Accepted
	for _, r := range inOrder(s.kept().All()) {
		if r.GoAway || r.Status != http.StatusOK || !strings.HasPrefix(r.Path, devicePath) {
			continue
		}
		out = append(out, Accepted{
			Time: r.Time, Token: r.Token, Topic: r.Topic, PushType: r.PushType,
			Priority: r.Priority, Expiration: r.Expiration, CollapseID: r.CollapseID,
			ApnsID: r.ApnsID, UniqueID: r.UniqueID, Payload: r.Payload,
			Header: r.Header, Auth: r.Auth, TeamID: r.TeamID, KeyID: r.KeyID,
			Warnings: r.Warnings,
		})
	}
	return out
}

// Records returns the last things the server answered (at most Keep), in
// order.
func (s *Server) Records() []Record {
	s.settle.wait()
	return inOrder(s.kept().All())
}

// inOrder sorts records as their answers were queued (see Record.seq).
func inOrder(rs []Record) []Record {
	slices.SortStableFunc(rs, func(a, b Record) int { return cmp.Compare(a.seq, b.seq) })
	return rs
}

// Counts returns the running totals.
func (s *Server) Counts() Counts {
	s.settle.wait()
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	c := s.rec.counts
	c.ByReason = maps.Clone(c.ByReason)
	c.ByStatus = maps.Clone(c.ByStatus)
	return c
}

// Reset forgets the records and zeroes the counts (token markings,
// faults, keys and bundles stay).
func (s *Server) Reset() {
	s.kept().Delete(query.Query{})
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	s.rec.counts = Counts{}
}

// record stores r (completed from a, when the request was accepted),
// counts it, and then calls the OnRequest hook, outside the lock. It is
// the one place where what the server answered becomes a Record: call it
// only once the answer was written (answered does), so that what is
// recorded, counted and logged is what the client received.
func (s *Server) record(r Record, a *Accepted) {
	if r.seq == 0 {
		r.seq = s.rec.seq.Add(1)
	}
	if a != nil {
		r.CollapseID, r.Expiration, r.TeamID, r.KeyID = a.CollapseID, a.Expiration, a.TeamID, a.KeyID
	} else if r.CollapseID == "" && r.Header != nil {
		r.CollapseID = first(r.Header, "Apns-Collapse-Id")
	}
	st := s.kept()
	s.rec.mu.Lock()
	c := &s.rec.counts
	switch {
	case r.GoAway:
		c.GoAways++
	case r.NoAnswer != "":
		c.NoAnswer++
	case r.Status == http.StatusOK:
		c.Requests++
		c.Accepted++
	default:
		c.Requests++
		c.Rejected++
	}
	if r.Reason != "" {
		if c.ByReason == nil {
			c.ByReason = make(map[string]uint64)
		}
		c.ByReason[r.Reason]++
	}
	if r.Status != 0 {
		if c.ByStatus == nil {
			c.ByStatus = make(map[int]uint64)
		}
		c.ByStatus[r.Status]++
	}
	s.rec.mu.Unlock()
	doc := docOf(&r)
	st.Add(&doc, &r)
	if s.OnRequest != nil {
		s.OnRequest(r)
	}
}

// docOf is what the query language reads in r.
func docOf(r *Record) query.Doc {
	return query.Doc{
		Time: r.Time, Token: normalToken(r.Token), Topic: r.Topic, PushType: string(r.PushType),
		Priority: r.Priority, Status: r.Status, Reason: r.Reason, ApnsID: r.ApnsID,
		CollapseID: r.CollapseID, TeamID: r.TeamID, KeyID: r.KeyID, Payload: r.Payload,
	}
}

// redacted removes the authorization header (it holds the JWT, a
// secret) from h, a request's own header that nothing reads after the
// checks, and returns it to be kept: no copy per request.
func redacted(h http.Header) http.Header {
	if h == nil {
		return http.Header{}
	}
	delete(h, "Authorization")
	return h
}
