package simulator

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"time"
)

// hangUpDrain bounds how long the gateway keeps reading (and discarding)
// after its error response, so that closing does not reset the connection
// and destroy the response before the client reads it.
const hangUpDrain = 2 * time.Second

// Gateway is a local binary provider API, the protocol Apple retired on 31
// March 2021: a gateway (like gateway.push.apple.com:2195) that reads the
// simple, enhanced and frame formats and checks them as APNs did, and a
// feedback service (like port 2196). Both want a TLS client certificate
// from the Authority carrying the Environment's marker; anything else is
// refused in the TLS handshake. Make one with NewGateway, or with
// NewUnstartedGateway to change its fields before Start or Listen.
//
// The gateway answers only failures: it writes the 6-byte error response
// (command 8, status, identifier) and closes the connection, discarding
// whatever the client sent after the bad notification. For the simple
// format, which has no identifier, it closes without a response, as APNs
// did.
type Gateway struct {
	Addr         string // the gateway's address, set by Start and Listen
	FeedbackAddr string // the feedback service's address, set by Start and Listen
	// Authority signs the server certificate and is the only issuer whose
	// push certificates are accepted (share a Server's to share its CA).
	Authority *Authority
	// Demo holds the demo push certificate (share a Server's to share it).
	Demo *Demo
	// Environment is Sandbox (the default) or Production: the client
	// certificate must carry its marker.
	Environment Environment
	// Now is the clock for certificate validity and records; default
	// time.Now.
	Now func() time.Time
	// OnFrame, when set, is called with each notification read and its
	// outcome, on the connection's goroutine.
	OnFrame func(GatewayRecord)
	// Hosts are extra names or addresses for the server certificate, which
	// always covers localhost, 127.0.0.1 and ::1.
	Hosts []string
	// Keep is how many records Records keeps, the latest; default
	// DefaultKeep.
	Keep int
	// StallTimeout bounds how long a client may take to complete a
	// notification once begun (or a TLS record); default
	// DefaultStallTimeout.
	StallTimeout time.Duration
	// IdleTimeout is how long a connection may stay idle between
	// notifications; default DefaultIdleTimeout.
	IdleTimeout time.Duration
	// MaxConns caps the connections open at once (gateway and feedback
	// together); default DefaultMaxConns.
	MaxConns int

	net           connGroup // the gateway's and the feedback service's listeners and connections
	mu            sync.Mutex
	started       bool
	records       ring[GatewayRecord]
	taken         uint64 // notifications accepted, all told
	refusedFrames uint64 // notifications refused, all told
	failing       map[string]uint8
	unregistered  []FeedbackTuple
	shutdownAfter int
	refused       int
	faults        []*faultState
	rng           *rand.Rand
	// Seed seeds the random choices of fault rules with a rate; 0 seeds
	// from the clock.
	Seed int64

	tlsConfig *tls.Config
	roots     *x509.CertPool
}

// GatewayRecord is one notification the gateway read, with its outcome.
type GatewayRecord struct {
	Time       time.Time
	Conn       uint64        // connection number, from 1, in the order they were accepted
	Format     GatewayFormat // from the command byte
	Identifier uint32        // 0 for the simple format (and for frames without item 3)
	Expiration *time.Time    // enhanced: always; frame: when item 4 was sent
	Priority   int           // frame item 5; 0 when absent
	Token      string        // lowercase hex
	Payload    []byte        // (at most its first 4 KB, for a refused one)
	Frame      []byte        // the notification's bytes as received (up to the fault, for refused ones; at most 4 KB)
	// Status is 0 when the gateway took the notification, else the status
	// of its error response (with the simple format, the status it would
	// have had: the gateway closes without a response).
	Status uint8
}

// Accepted reports whether the gateway took the notification.
func (r GatewayRecord) Accepted() bool { return r.Status == binaryNoErrors }

// NewGateway starts a Sandbox gateway and feedback service on 127.0.0.1
// with a and d (nil: new ones). It panics if it can't (like
// httptest.NewServer).
func NewGateway(a *Authority, d *Demo) *Gateway {
	g := NewUnstartedGateway(a, d)
	g.Start()
	return g
}

// NewUnstartedGateway makes a gateway with a and d (nil: new ones), to be
// adjusted and then started with Start or Listen. It panics if the keys
// can't be made.
func NewUnstartedGateway(a *Authority, d *Demo) *Gateway {
	if a == nil {
		var err error
		if a, err = NewAuthority(); err != nil {
			panic("simulator: " + err.Error())
		}
	}
	if d == nil {
		var err error
		if d, err = a.NewDemo(); err != nil {
			panic("simulator: " + err.Error())
		}
	}
	return &Gateway{Authority: a, Demo: d}
}

// Start starts the gateway and feedback service on 127.0.0.1 with free
// ports; it panics on failure.
func (g *Gateway) Start() {
	if err := g.Listen("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		panic("simulator: " + err.Error())
	}
}

// Listen starts the gateway on addr and the feedback service on
// feedbackAddr and returns once both accept connections.
func (g *Gateway) Listen(addr, feedbackAddr string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.started || g.net.isClosed() {
		return errors.New("simulator: the gateway was already started")
	}
	switch g.Environment {
	case "":
		g.Environment = Sandbox
	case Sandbox, Production:
	default:
		return fmt.Errorf("simulator: environment %q: a gateway is either sandbox or production", g.Environment)
	}
	if g.Now == nil {
		g.Now = time.Now
	}
	if g.StallTimeout <= 0 {
		g.StallTimeout = DefaultStallTimeout
	}
	if g.IdleTimeout <= 0 {
		g.IdleTimeout = DefaultIdleTimeout
	}
	if g.MaxConns <= 0 {
		g.MaxConns = DefaultMaxConns
	}
	g.net.maxConns = g.MaxConns
	if g.records.limit == 0 {
		g.records = newRing[GatewayRecord](g.Keep)
	}
	if err := fillIdentity(&g.Authority, &g.Demo); err != nil {
		return err
	}
	cert, err := g.Authority.ServerCertificate(g.Hosts...)
	if err != nil {
		return fmt.Errorf("simulator: making the server certificate: %w", err)
	}
	g.roots = g.Authority.Pool()
	g.tlsConfig = &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		// TLS 1.2, as Apple's gateway spoke in its last years: a refused
		// client certificate then fails the handshake itself (TLS 1.3
		// would report it only on the client's first read).
		MaxVersion:            tls.VersionTLS12,
		ClientAuth:            tls.RequireAnyClientCert,
		VerifyPeerCertificate: g.verifyClient,
	}
	gw, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("simulator: %w", err)
	}
	fb, err := net.Listen("tcp", feedbackAddr)
	if err != nil {
		gw.Close()
		return fmt.Errorf("simulator: %w", err)
	}
	g.started = true
	g.Addr, g.FeedbackAddr = gw.Addr().String(), fb.Addr().String()
	g.net.serve(gw, g.serveGateway)
	g.net.serve(fb, g.serveFeedback)
	return nil
}

// verifyClient accepts only push certificates of the Authority that
// carry the Environment's marker.
func (g *Gateway) verifyClient(raw [][]byte, _ [][]*x509.Certificate) error {
	refuse := func(err error) error {
		g.mu.Lock()
		g.refused++
		g.mu.Unlock()
		return err
	}
	chain := make([]*x509.Certificate, 0, len(raw))
	for _, der := range raw {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return refuse(fmt.Errorf("simulator gateway: client certificate: %w", err))
		}
		chain = append(chain, c)
	}
	if len(chain) == 0 {
		return refuse(errors.New("simulator gateway: no client certificate"))
	}
	id, err := checkClientCert(chain, g.roots, g.Now())
	if err != nil {
		return refuse(fmt.Errorf("simulator gateway: client certificate refused: %w", err))
	}
	if !id.allows(g.Environment) {
		return refuse(fmt.Errorf("simulator gateway: the certificate is not for %s", g.Environment))
	}
	return nil
}

// handshake completes the TLS handshake of an accepted connection, on a
// stallConn so that reads are bounded.
func (g *Gateway) handshake(raw net.Conn) (*tls.Conn, *stallConn, bool) {
	sc := newStallConn(raw, g.StallTimeout, g.IdleTimeout)
	tc := tls.Server(sc, g.tlsConfig)
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	defer cancel()
	if err := tc.HandshakeContext(ctx); err != nil {
		tc.Close()
		return nil, nil, false
	}
	return tc, sc, true
}

// serveGateway reads notifications until the client closes the connection
// or one is refused.
func (g *Gateway) serveGateway(raw net.Conn, id uint64) {
	tc, sc, ok := g.handshake(raw)
	if !ok {
		return
	}
	r := bufio.NewReaderSize(tc, 64<<10)
	var lastGood uint32
	for {
		// Between notifications the connection may idle; once one begins
		// it must arrive whole within StallTimeout.
		sc.end()
		if _, err := r.Peek(1); err != nil {
			tc.Close()
			return
		}
		sc.begin(time.Now())
		f, status, err := readNotification(r)
		if err != nil { // the client closed the connection, or cut a notification short
			tc.Close()
			return
		}
		if status == binaryNoErrors {
			status = g.judge(f.token)
		}
		if status == binaryNoErrors {
			if fault, ok := g.injectedFault(hex.EncodeToString(f.token)); ok {
				g.record(f.record(id, g.Now(), fault.faultStatus()))
				switch {
				case fault.shutdown:
					if f.format != FormatSimple {
						tc.Write(binaryErrorResponse(binaryShutdown, lastGood))
					}
				case !fault.drop && f.format != FormatSimple:
					tc.Write(binaryErrorResponse(fault.status, f.identifier))
				}
				hangUp(tc, r)
				return
			}
		}
		rec := f.record(id, g.Now(), status)
		g.record(rec)
		if status != binaryNoErrors {
			if f.format != FormatSimple {
				tc.Write(binaryErrorResponse(status, f.identifier))
			}
			hangUp(tc, r)
			return
		}
		lastGood = f.identifier
		if g.takeShutdown() {
			if f.format != FormatSimple {
				tc.Write(binaryErrorResponse(binaryShutdown, lastGood))
			}
			hangUp(tc, r)
			return
		}
	}
}

// hangUp closes after an error response: it ends its side, then reads
// and discards what the client still sends until the client closes (or
// hangUpDrain passes), so the close does not reset the connection.
func hangUp(tc *tls.Conn, r io.Reader) {
	tc.SetDeadline(time.Now().Add(hangUpDrain))
	tc.CloseWrite()
	io.Copy(io.Discard, r)
	tc.Close()
}

// random is the fault rules' generator, seeded with Seed; mu held.
func (g *Gateway) random() *rand.Rand {
	if g.rng == nil {
		seed := uint64(g.Seed)
		if g.Seed == 0 {
			seed = uint64(time.Now().UnixNano())
		}
		g.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	}
	return g.rng
}

// judge applies the faults set with Fail.
func (g *Gateway) judge(token []byte) uint8 {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.failing) == 0 {
		return binaryNoErrors
	}
	return g.failing[hex.EncodeToString(token)]
}

func (g *Gateway) record(r GatewayRecord) {
	g.mu.Lock()
	g.records.add(r)
	if r.Accepted() {
		g.taken++
	} else {
		g.refusedFrames++
	}
	on := g.OnFrame
	g.mu.Unlock()
	if on != nil {
		on(r)
	}
}

// takeShutdown counts an accepted notification against ShutdownAfter and
// reports whether it was the last one before the shutdown.
func (g *Gateway) takeShutdown() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shutdownAfter <= 0 {
		return false
	}
	g.shutdownAfter--
	return g.shutdownAfter == 0
}

// Fail makes the gateway refuse every notification for token with status
// (e.g. binaryInvalidToken for a token APNs does not know); status
// 0 removes the fault.
func (g *Gateway) Fail(token string, status uint8) {
	g.mu.Lock()
	defer g.mu.Unlock()
	key := normalToken(token)
	if status == binaryNoErrors {
		delete(g.failing, key)
		return
	}
	if g.failing == nil {
		g.failing = make(map[string]uint8)
	}
	g.failing[key] = status
}

// ShutdownAfter makes the gateway shut down after the n-th notification
// it accepts from now on (on whichever connection): it answers status 10
// (Shutdown) with that notification's identifier, the last one it took,
// and closes the connection; with the simple format it just closes. It
// happens once; n ≤ 0 cancels it.
func (g *Gateway) ShutdownAfter(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.shutdownAfter = max(n, 0)
}

// Records returns the last notifications the gateway read (at most Keep),
// in order, with their outcome.
func (g *Gateway) Records() []GatewayRecord {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.records.all()
}

// Counts returns how many notifications the gateway took and refused
// since the start (or the last Reset), beyond the Keep it records.
func (g *Gateway) Counts() (taken, refused uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.taken, g.refusedFrames
}

// Accepted returns the notifications the gateway took among its records,
// in order.
func (g *Gateway) Accepted() []GatewayRecord {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []GatewayRecord
	for _, r := range g.records.all() {
		if r.Accepted() {
			out = append(out, r)
		}
	}
	return out
}

// Connections is how many connections the gateway and feedback service
// accepted (refused handshakes included).
func (g *Gateway) Connections() int { return int(g.net.accepted.Load()) }

// RefusedHandshakes is how many client certificates were refused.
func (g *Gateway) RefusedHandshakes() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.refused
}

// Reset forgets the records and zeroes the counts (faults and the
// feedback list stay).
func (g *Gateway) Reset() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.records.reset()
	g.taken, g.refusedFrames = 0, 0
}

// Close stops listening, closes every connection and waits for their
// goroutines. Calling it again does nothing.
func (g *Gateway) Close() { g.net.close() }

// Shutdown stops listening, waits until the clients have closed their
// connections (so everything they sent has been read and recorded) or ctx
// ends, then closes like Close. It returns ctx's error if ctx ended first.
func (g *Gateway) Shutdown(ctx context.Context) error {
	g.net.stopListening()
	var err error
	if !g.net.drain(ctx.Done()) {
		err = ctx.Err()
	}
	g.Close()
	return err
}
