// Package simulator is a local APNs: a real TLS + HTTP/2 server on loopback
// that checks requests the way Apple's provider API does and answers with
// APNs' statuses and reasons, like net/http/httptest for APNs clients.
//
// A connection that presents a client certificate uses certificate
// authentication; one without uses provider tokens (JWTs from .p8 keys).
// Requests are checked in this order, the first failure giving the reason:
// apns-id, method, path, repeated apns- headers, collapse id, priority,
// push type, expiration, device token format, authentication with its
// topic rules, the topic's push-type suffix, the fault rules (AddFault),
// what the server was told about the token (Fail, OtherEnvironment,
// RegisterToken, Expire, Unregister), then the payload size. Apple's
// tables (reasons, push types, limits) are the simulator's own copy
// (apple.go), not package sender's.
//
// It is built to run for hours under load: it keeps the last Keep records
// and running Counts, closes connections that stall (StallTimeout) or idle
// (IdleTimeout, with a GOAWAY {"reason":"IdleTimeout"}; a PING counts as
// activity), caps them (MaxConns, and MaxConnsPerClient from one address),
// and verifies a provider token's signature once per connection.
//
// HTTP/2 is served by package h2server, so that the wire is APNs': its
// SETTINGS (Settings, MaxConcurrentStreams; one stream on a token
// connection until a valid token, StreamsBeforeToken; StrictStreams),
// GOAWAYs whose last-stream-id is the highest stream the server will
// answer, every one of which it answers before closing. A request is
// recorded, counted and passed to OnRequest only once its answer was
// written (record.go): what the server shows is what the client received.
//
// Where APNs' behaviour is undocumented (APNS-REFERENCE §10) the server
// chooses:
//   - a certificate that doesn't chain to the Authority, has expired, or
//     carries no UID or environment marker is answered 403 BadCertificate
//     on every request, rather than refused in the TLS handshake, so the
//     client learns why; a valid certificate for the other environment
//     gets a GOAWAY with {"reason":"BadCertificateEnvironment"} right
//     after the handshake, as APNs was seen to do;
//   - a topic outside the certificate's topics is TopicDisallowed;
//   - priority 10 with push type background is BadPriority;
//   - a JWT whose iat is more than an hour behind or ahead of Now is
//     ExpiredProviderToken; a JWT counts as new (for the 20-minute rule)
//     when its iat differs from the one in use on the connection;
//   - the authorization scheme "bearer" is matched without regard to case;
//   - without apns-push-type the push type follows the topic's suffix;
//   - a client's apns-id is echoed as sent (either case); ids the server
//     makes are uppercase, apns-unique-id lowercase (sandbox only).
package simulator

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"apnsconsole/simulator/h2server"

	"golang.org/x/net/http2"
)

// Defaults of the Server's settings.
const (
	DefaultMaxConcurrentStreams = 1000 // what api.push.apple.com advertised in 2021 (APNS-REFERENCE §1.2)
	// DefaultEnvironmentKeyReason is the spelling APNs has been seen to
	// send; Apple documents "BadEnvironmentKeyIdInToken" (APNS-REFERENCE §1.6).
	DefaultEnvironmentKeyReason = "BadEnvironmentKeyInToken"
)

// Server is a local APNs provider API. Make one with NewServer, or with
// NewUnstartedServer (or a literal &Server{}) to change its fields before
// Start or Listen. Fields must not change once it is started; its methods
// are safe for concurrent use.
type Server struct {
	// Addr is the address it listens on ("127.0.0.1:port"), set by Start
	// and Listen.
	Addr string
	// Authority signs the server certificate and is the only issuer whose
	// push certificates are accepted. Made by NewUnstartedServer, or by
	// Start when nil.
	Authority *Authority
	// Demo holds the demo certificate and .p8 key; Start registers the key
	// for DemoBundleID's team. Made by NewUnstartedServer, or by Start
	// when nil.
	Demo *Demo
	// Environment is Sandbox (the default) or Production: certificates
	// and keys for the other environment are refused, and only Sandbox
	// answers apns-unique-id.
	Environment Environment
	// Now is the server's clock (default time.Now); tests move it to check
	// the JWT timing rules.
	Now func() time.Time
	// OnRequest, when set, is called with each Record once its answer was
	// written, in the order the connection wrote them, on the
	// connection's writer goroutine: it must not block.
	OnRequest func(Record)
	// EnvironmentKeyReason is the reason for a token key used in the
	// environment it is not for; default DefaultEnvironmentKeyReason.
	EnvironmentKeyReason string
	// MaxConcurrentStreams is advertised in SETTINGS; default
	// DefaultMaxConcurrentStreams.
	MaxConcurrentStreams uint32
	// Settings are the rest of the SETTINGS (MaxConcurrentStreams
	// aside): by default what api.push.apple.com was seen to send
	// (APNS-REFERENCE §1.2): MAX_FRAME_SIZE 16384, INITIAL_WINDOW_SIZE
	// 65535, MAX_HEADER_LIST_SIZE 8000, HEADER_TABLE_SIZE 4096.
	Settings h2server.Settings
	// StreamsBeforeToken is the MAX_CONCURRENT_STREAMS of a token
	// connection until its first request with a valid provider token,
	// when it rises to MaxConcurrentStreams (Apple: "APNs allows only one
	// stream until you post a request with a valid authentication
	// token"); default 1. Set it to MaxConcurrentStreams for no limit.
	StreamsBeforeToken uint32
	// StrictStreams drops a connection's MAX_CONCURRENT_STREAMS to 1
	// after a rejected request and back after the next accepted one, as
	// APNs was once seen to do (APNS-REFERENCE S23). 410 is not counted
	// as a rejection (Apple: it "isn't considered an error condition").
	StrictStreams bool
	// Hosts are extra names or addresses for the server certificate, which
	// always covers localhost, 127.0.0.1 and ::1.
	Hosts []string
	// ChannelOptions configures broadcast channel management and
	// broadcasts, served on the same listener (channels.go).
	ChannelOptions ChannelOptions
	channels       channelStore

	// StallTimeout bounds how long a client may take to complete the
	// HTTP/2 preface, a frame or a request once begun; default
	// DefaultStallTimeout.
	StallTimeout time.Duration
	// IdleTimeout is how long a connection may stay idle between
	// requests; default DefaultIdleTimeout.
	IdleTimeout time.Duration
	// MaxConns caps the connections open at once; more are closed as soon
	// as they are accepted. Default DefaultMaxConns.
	MaxConns int
	// MaxConnsPerClient caps the connections from one IP address: a new
	// one beyond it closes that client's oldest idle connection (with a
	// GOAWAY), or is closed itself when none is idle, so that one client
	// cannot fill MaxConns. Default DefaultMaxConnsPerClient.
	MaxConnsPerClient int
	// Latency is added to every answer, spread evenly by ±LatencyJitter
	// (see ParseLatency).
	Latency, LatencyJitter time.Duration
	// Seed seeds the random choices of fault rules with a rate and of the
	// latency's spread, for repeatable runs; 0 seeds from the clock.
	Seed int64
	// Keep is how many records (and accepted notifications) Records and
	// Accepted keep, the latest; default DefaultKeep. Counts covers all.
	Keep int

	net     connGroup
	rec     recorder
	settle  settler
	mu      sync.Mutex
	started bool
	marks   map[string]*tokenMarks

	faultMu   sync.Mutex
	faults    []*faultState
	hasFaults atomic.Bool
	rng       *rand.Rand
	keys      map[string]providerKey
	bundles   map[string]map[string]bool

	tlsConfig *tls.Config
	roots     *x509.CertPool
	h2        *h2server.Server

	// beforeAnswer, when set (by tests), runs after a request is checked
	// and before its answer is written.
	beforeAnswer func(Record)
}

// NewServer starts a Sandbox server on 127.0.0.1 with a new Authority and
// Demo. It panics if it can't (like httptest.NewServer).
func NewServer() *Server {
	s := NewUnstartedServer()
	s.Start()
	return s
}

// NewUnstartedServer makes a server with a new Authority and Demo and the
// default settings, to be adjusted and then started with Start or Listen.
// It panics if the keys can't be made.
func NewUnstartedServer() *Server {
	a, err := NewAuthority()
	if err != nil {
		panic("simulator: " + err.Error())
	}
	d, err := a.NewDemo()
	if err != nil {
		panic("simulator: " + err.Error())
	}
	return &Server{
		Authority:            a,
		Demo:                 d,
		Environment:          Sandbox,
		Now:                  time.Now,
		EnvironmentKeyReason: DefaultEnvironmentKeyReason,
		MaxConcurrentStreams: DefaultMaxConcurrentStreams,
	}
}

// Start starts the server on 127.0.0.1 with a free port; it panics on
// failure.
func (s *Server) Start() {
	if err := s.Listen("127.0.0.1:0"); err != nil {
		panic("simulator: " + err.Error())
	}
}

// Listen starts the server on addr (host:port) and returns once it
// accepts connections; it serves in the background until Close.
func (s *Server) Listen(addr string) error {
	s.mu.Lock()
	if s.started || s.net.isClosed() {
		s.mu.Unlock()
		return errors.New("simulator: the server was already started")
	}
	s.started = true
	s.mu.Unlock()
	err := s.listen(addr)
	if err != nil {
		s.mu.Lock()
		s.started = false
		s.mu.Unlock()
	}
	return err
}

// prepare checks the environment, fills in the defaults, makes the
// authority and demo credentials if missing and registers the demo key and
// bundle. It may be called more than once (a second listener, such as a
// legacy gateway beside the HTTP/2 one, calls it too).
func (s *Server) prepare() error {
	switch s.Environment {
	case "":
		s.Environment = Sandbox
	case Sandbox, Production:
	default:
		return fmt.Errorf("simulator: environment %q: a server is either sandbox or production", s.Environment)
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.EnvironmentKeyReason == "" {
		s.EnvironmentKeyReason = DefaultEnvironmentKeyReason
	}
	if s.MaxConcurrentStreams == 0 {
		s.MaxConcurrentStreams = DefaultMaxConcurrentStreams
	}
	if s.StreamsBeforeToken == 0 {
		s.StreamsBeforeToken = 1
	}
	if s.MaxConnsPerClient <= 0 {
		s.MaxConnsPerClient = DefaultMaxConnsPerClient
	}
	if s.StallTimeout <= 0 {
		s.StallTimeout = DefaultStallTimeout
	}
	if s.IdleTimeout <= 0 {
		s.IdleTimeout = DefaultIdleTimeout
	}
	if s.MaxConns <= 0 {
		s.MaxConns = DefaultMaxConns
	}
	s.kept() // the record store, bounded by Keep (record.go)
	if err := fillIdentity(&s.Authority, &s.Demo); err != nil {
		return err
	}
	s.AddKey(s.Demo.Key)
	s.AddBundle(s.Demo.Key.TeamID, DemoBundleID)
	return nil
}

func (s *Server) listen(addr string) error {
	if err := s.prepare(); err != nil {
		return err
	}
	cert, err := s.Authority.ServerCertificate(s.Hosts...)
	if err != nil {
		return fmt.Errorf("simulator: making the server certificate: %w", err)
	}
	s.roots = s.Authority.Pool()
	s.tlsConfig = &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{http2.NextProtoTLS},
		// Requested, not required: a certificate means certificate auth,
		// none means token auth. It is verified by checkClientCert.
		ClientAuth: tls.RequestClientCert,
	}
	if err := s.Settings.Validate(); err != nil {
		return fmt.Errorf("simulator: %w", err)
	}
	s.h2 = &h2server.Server{
		Settings:     s.Settings,
		MaxBodyBytes: maxPayloadBuffer,
		StallTimeout: s.StallTimeout,
		IdleTimeout:  s.IdleTimeout, // no request or PING for this long: GOAWAY and close
		IdleDebug:    goAwayDebug("IdleTimeout"),
		CloseGrace:   s.StallTimeout,
	}
	s.h2.Settings.MaxConcurrentStreams = s.MaxConcurrentStreams

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("simulator: %w", err)
	}
	s.mu.Lock()
	s.Addr = ln.Addr().String()
	s.mu.Unlock()
	s.net.maxConns, s.net.maxPerClient = s.MaxConns, s.MaxConnsPerClient
	s.net.serve(ln, s.serveConn)
	return nil
}

// RefusedConns is how many connections were closed on arrival because
// MaxConns were open.
func (s *Server) RefusedConns() uint64 { return s.net.refused.Load() }

// settings are the SETTINGS the server advertises at first.
func (s *Server) settings() []http2.Setting {
	set := s.Settings
	set.MaxConcurrentStreams = s.MaxConcurrentStreams
	return set.Frame()
}

// Close stops listening, closes every connection and waits for their
// goroutines. Calling it again does nothing.
func (s *Server) Close() { s.net.close() }

// Shutdown closes the server gracefully: it stops listening and sends
// each connection a GOAWAY (NO_ERROR, {"reason":"Shutdown"}) whose
// last-stream-id is the highest stream the client opened; those streams
// are answered, then the connection closes. It waits until the
// connections have closed or ctx ends; then it closes like Close. It
// returns ctx's error if ctx ended first.
func (s *Server) Shutdown(ctx context.Context) error {
	s.net.stopListening()
	s.net.goAwayAll()
	var err error
	if !s.net.drain(ctx.Done()) {
		err = ctx.Err()
	}
	s.Close()
	return err
}

// goAwayDebug is a GOAWAY's debug data as APNs writes it: {"reason":…}.
func goAwayDebug(reason string) []byte {
	b, _ := json.Marshal(struct {
		Reason string `json:"reason"`
	}{reason})
	return b
}
