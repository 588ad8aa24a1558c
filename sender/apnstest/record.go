package apnstest

import (
	"net/http"
	"time"

	"apnsconsole/sender"
)

// How a connection authenticated.
const (
	AuthCertificate = "certificate" // TLS client certificate
	AuthToken       = "token"       // JWT provider token (.p8 key)
)

// Accepted is a notification the server accepted (answered 200).
type Accepted struct {
	Time       time.Time       // when it was accepted, by Server.Now
	Token      string          // the device token from the path, as sent
	Topic      string          // apns-topic, or the certificate's default topic when none was sent
	PushType   sender.PushType // apns-push-type as sent; "" when the header was omitted
	Priority   int             // apns-priority; 0 when the header was omitted
	Expiration *time.Time      // apns-expiration; nil when omitted, time.Unix(0, 0) for "0"
	CollapseID string          // apns-collapse-id
	ApnsID     string          // the apns-id answered: the client's, or one the server made
	UniqueID   string          // the apns-unique-id answered (sandbox only)
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
// a connection it refused with a GOAWAY before reading any request.
type Record struct {
	Time        time.Time
	Conn        uint64 // connection number, from 1, in the order they were accepted
	Remote      string // the client's address
	Auth        string // AuthCertificate or AuthToken
	Method      string
	Path        string
	Token       string
	Topic       string
	PushType    sender.PushType
	Status      int       // HTTP status answered
	Reason      string    // "" when accepted
	ApnsID      string    // the apns-id answered
	UniqueID    string    // the apns-unique-id answered (accepted, sandbox only)
	Timestamp   time.Time // the 410 Unregistered timestamp
	PayloadSize int       // bytes read from the body (reading stops past the largest limit)
	Header      http.Header
	// GoAway is set when the server refused the connection right after the
	// TLS handshake with a GOAWAY frame whose debug data carried Reason
	// (BadCertificateEnvironment); Status is then the reason's status and
	// the request fields are empty.
	GoAway bool
	// Warnings are those of the Accepted notification (see Accepted.Warnings).
	Warnings []string
	// Channel is the apns-channel-id of a channel-management request or a
	// broadcast, or the id of a created channel (channels.go).
	Channel string
	// RequestID is the apns-request-id answered to a channel-management
	// request or a broadcast.
	RequestID string
}

// Accepted returns the accepted notifications in the order they were
// accepted.
func (s *Server) Accepted() []Accepted {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Accepted(nil), s.accepted...)
}

// Records returns everything the server answered, in order.
func (s *Server) Records() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Record(nil), s.records...)
}

// Reset forgets the accepted notifications and records (token markings,
// keys and bundles stay).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accepted, s.records = nil, nil
}

// record stores r (and a, when the request was accepted) and then calls
// the OnRequest hook, outside the lock.
func (s *Server) record(r Record, a *Accepted) {
	s.mu.Lock()
	s.records = append(s.records, r)
	if a != nil {
		s.accepted = append(s.accepted, *a)
	}
	s.mu.Unlock()
	if s.OnRequest != nil {
		s.OnRequest(r)
	}
}

// redactedHeader copies h without the authorization header (it holds the
// JWT, a secret).
func redactedHeader(h http.Header) http.Header {
	c := h.Clone()
	if c == nil {
		c = http.Header{}
	}
	c.Del("Authorization")
	return c
}
