package legacy

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"sync"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/credential"
)

// Client satisfies sender.Sender, so the window and the command line hold
// it like the HTTP/2 client.
var _ sender.Sender = (*Client)(nil)

// DefaultErrorWait is how long a Client waits, after its last write,
// for the gateway's error response before it counts the notifications as
// taken: the binary protocol answers only failures.
const DefaultErrorWait = 500 * time.Millisecond

// maxBarrenConnections is how many connections in a row may end without
// settling any notification before the client gives up.
const maxBarrenConnections = 3

// frameHexLimit is how many frames of a SendAll show their bytes in the
// event details.
const frameHexLimit = 3

var (
	// ErrCertificateRequired is returned for a .p8 token key: the binary
	// gateway knows only TLS client certificates.
	ErrCertificateRequired = errors.New("the binary protocol needs a certificate")
	// ErrUnconfirmed marks a notification that was written but whose fate
	// the gateway did not tell: it closed the connection without an error
	// response naming it (always so with the simple format), or the send
	// was cancelled before the wait ended. It is sender.ErrUnconfirmed, so
	// Result.Outcome calls it unconfirmed as for HTTP/2.
	ErrUnconfirmed = sender.ErrUnconfirmed
)

// Client sends notifications over Apple's retired binary provider
// API (APNS-REFERENCE §4): TLS with a client certificate to port 2195, one
// frame per notification, and an error response only for the notification
// the gateway refuses, after which it closes the connection. It keeps one
// connection and streams on it; when the gateway refuses identifier N (or
// shuts down after N), everything written after N is written again on a
// new connection, so each notification ends with exactly one Result.
//
// Results: Response.Status is 200 when no error response named the
// notification (the protocol never confirms delivery; this is the most a
// sender can know), else the binary status code (1–8, 128, 255) with
// Response.Reason its Status.Name, e.g. 8 "InvalidToken"; see
// ExplainResponse. Err is set when the gateway could not answer
// (ErrConnect), when the notification was refused before sending (its
// input), or when its fate is unknown (ErrUnconfirmed).
//
// Set the fields before the first send. A Client is safe for
// concurrent use; sends take turns on its one connection.
type Client struct {
	Credential  *credential.Credential // a certificate (.p12 or PEM); a .p8 key cannot be used
	Environment sender.Environment     // Sandbox, Production or Local; picks Apple's host when Host is ""
	Host        string                 // host:port; "" = GatewayHost(Environment)
	RootCAs     *x509.CertPool         // nil = the system's roots
	OnEvent     sender.EventFunc       // may be nil; called on the sending goroutine
	Format      Format                 // "" = FormatFrame
	ErrorWait   time.Duration          // wait for an error response after the last write; 0 = DefaultErrorWait
	Timeout     time.Duration          // for connecting and for each write; 0 = 30 s
	Now         func() time.Time       // nil = time.Now; for the certificate's validity

	mu            sync.Mutex // held by a send: they take turns on the connection
	conn          *binaryConn
	handshakes    int
	lastID        uint32
	warnedRetired bool
}

// Addr is the host:port the client talks to.
func (c *Client) Addr() string {
	if c.Host != "" {
		return c.Host
	}
	return GatewayHost(c.Environment)
}

// Handshakes counts the TLS handshakes made so far: one per connection.
func (c *Client) Handshakes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.handshakes
}

// Close closes the connection, if any.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dropConn()
}

// Send sends one notification: Response for the gateway's verdict (200 =
// no error response), error when it gave none.
func (c *Client) Send(ctx context.Context, n *sender.Notification) (*sender.Response, error) {
	r := c.SendAll(ctx, []*sender.Notification{n})[0]
	return r.Response, r.Err
}

// SendAll streams the notifications on the client's connection, in order,
// and returns exactly one Result per notification, in order.
func (c *Client) SendAll(ctx context.Context, ns []*sender.Notification) []sender.Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	results := make([]sender.Result, len(ns))
	for i, n := range ns {
		results[i].Notification = n
	}
	if len(ns) == 0 {
		return results
	}
	if err := c.prepare(); err != nil {
		c.OnEvent.Emit(sender.Event{Kind: sender.EventError, Text: err.Error()})
		for i := range results {
			results[i].Err = err
		}
		return results
	}
	format := c.Format.normal()
	jobs := make([]*binaryJob, 0, len(ns))
	warned := map[string]bool{}
	warn := func(text string) {
		if !warned[text] {
			warned[text] = true
			c.OnEvent.Emit(sender.Event{Kind: sender.EventWarning, Text: text})
		}
	}
	var memo payloadMemo
	for i, n := range ns {
		id := c.nextID()
		frame, err := format.appendPacked(nil, n, id, &memo)
		if err != nil {
			results[i].Err = err
			c.OnEvent.Emit(sender.Event{Kind: sender.EventError, Text: fmt.Sprintf("Not sent to %s: %v", shortToken(n.Token), err)})
			continue
		}
		for _, w := range format.Ignored(n) {
			warn(w)
		}
		if tok, _ := sender.ParseToken(n.Token); len(tok) != LegacyTokenSize && format != FormatFrame {
			warn(fmt.Sprintf("the %s format was made for %d-byte tokens and APNs answered other sizes with status 5 (Invalid token size): send this %d-byte token with the frame format", format, LegacyTokenSize, len(tok)))
		}
		jobs = append(jobs, &binaryJob{index: i, id: id, frame: frame})
	}
	if len(jobs) > 0 {
		c.stream(ctx, format, jobs, results)
	}
	return results
}

func (c *Client) nextID() uint32 {
	c.lastID++
	if c.lastID == 0 { // after 2³²−1 notifications: 0 is left for "none"
		c.lastID = 1
	}
	return c.lastID
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) errorWait() time.Duration {
	if c.ErrorWait > 0 {
		return c.ErrorWait
	}
	return DefaultErrorWait
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 30 * time.Second
}

// prepare checks the credential and address before anything is sent.
func (c *Client) prepare() error {
	switch {
	case c.Credential == nil:
		return fmt.Errorf("%w: choose the app's push certificate: a .p12, or a PEM certificate and key", sender.ErrNoCredential)
	case c.Credential.Kind == credential.KindP8:
		return fmt.Errorf("%w: a .p8 token key cannot sign in to the binary gateway, which knows only TLS client certificates: choose the app's push certificate (.p12, or PEM certificate and key), or send with HTTP/2", ErrCertificateRequired)
	case c.Addr() == "":
		return fmt.Errorf("%w: no gateway address for the %s environment: start the simulator's gateway or give a host", sender.ErrConnect, c.Environment)
	}
	return c.Credential.CheckValidity(c.now())
}

// stream sends the jobs, connection after connection, until each has its
// result.
func (c *Client) stream(ctx context.Context, format Format, queue []*binaryJob, results []sender.Result) {
	c.OnEvent.Emit(sender.Event{Kind: sender.EventInfo, Text: fmt.Sprintf("Streaming %d notification%s%s in the %s", len(queue), plural(len(queue)), idRange(format, queue), format.Describe())})
	barren := 0
	for len(queue) > 0 {
		if err := ctx.Err(); err != nil {
			c.settleAll(queue, results, fmt.Errorf("not sent: %w", err))
			return
		}
		conn, err := c.connection(ctx)
		if err != nil {
			c.OnEvent.Emit(sender.Event{Kind: sender.EventError, Text: err.Error()})
			c.settleAll(queue, results, err)
			return
		}
		var settled int
		queue, settled = c.round(ctx, conn, format, queue, results)
		if settled > 0 {
			barren = 0
			continue
		}
		if barren++; barren >= maxBarrenConnections && len(queue) > 0 {
			err := fmt.Errorf("%w: %s closed %d connections in a row without taking a notification: try again later", sender.ErrConnect, c.Addr(), barren)
			c.OnEvent.Emit(sender.Event{Kind: sender.EventError, Text: err.Error()})
			c.settleAll(queue, results, err)
			return
		}
	}
}

// round writes the queue on conn and waits for the gateway's verdict. It
// settles what it can and returns the jobs to send again on a new
// connection, with how many it settled.
func (c *Client) round(ctx context.Context, conn *binaryConn, format Format, queue []*binaryJob, results []sender.Result) ([]*binaryJob, int) {
	stop := context.AfterFunc(ctx, conn.abort)
	defer stop()
	var (
		pending  []*binaryJob
		answer   binaryAnswer
		answered bool
		writeErr error
	)
	for _, j := range queue {
		if answer, answered = conn.poll(); answered {
			break
		}
		if writeErr = conn.write(j, format == FormatSimple); writeErr != nil {
			break
		}
		pending = append(pending, j)
		c.frameEvent(conn, format, j)
	}
	if !answered && writeErr == nil {
		writeErr = conn.flush()
	}
	if !answered {
		answer, answered = conn.await(ctx, c.errorWait())
	}
	now := time.Now()
	if !answered && writeErr == nil && ctx.Err() == nil {
		c.accept(pending, results, now)
		c.OnEvent.Emit(sender.Event{Kind: sender.EventResponse, Status: 200, Text: fmt.Sprintf(
			"No error response within %s: the gateway took %d notification%s%s (the binary protocol answers only failures)",
			sender.FormatDuration(c.errorWait()), len(pending), plural(len(pending)), idRange(format, pending))})
		return nil, len(pending)
	}

	// The connection is over: the gateway refused something, shut down,
	// closed it, or the send was cancelled.
	flushed := conn.flushed()
	c.dropConn()
	unwritten := queue[len(pending):]
	var resend []*binaryJob
	var settled int
	switch {
	case ctx.Err() != nil:
		for _, j := range pending {
			if j.end <= flushed {
				c.settle(j, results, fmt.Errorf("%w: cancelled (%v) before the gateway's verdict: it may have been delivered", ErrUnconfirmed, ctx.Err()))
			} else {
				c.settle(j, results, fmt.Errorf("not sent: %w", ctx.Err()))
			}
		}
		c.settleAll(unwritten, results, fmt.Errorf("not sent: %w", ctx.Err()))
		return nil, len(queue)
	case answered && errors.Is(answer.err, ErrNotGateway):
		err := fmt.Errorf("%w: %s: %w", sender.ErrConnect, c.Addr(), ErrNotGateway)
		c.OnEvent.Emit(sender.Event{Kind: sender.EventError, Text: err.Error()})
		c.settleAll(queue, results, err)
		return nil, len(queue)
	case answered && answer.packet != nil:
		resend, settled = c.settlePacket(conn, format, pending, *answer.packet, results, now)
	default:
		why := answer.err
		if why == nil {
			why = writeErr
		}
		resend, settled = c.settleClosed(format, pending, flushed, why, results)
	}
	rest := make([]*binaryJob, 0, len(resend)+len(unwritten))
	rest = append(append(rest, resend...), unwritten...)
	if len(rest) > 0 {
		c.OnEvent.Emit(sender.Event{Kind: sender.EventInfo, Text: fmt.Sprintf("Sending %d notification%s%s again on a new connection: the gateway drops everything after the one it refused or stopped at",
			len(rest), plural(len(rest)), idRange(format, rest))})
		for _, j := range rest {
			j.resent = true
		}
	}
	return rest, settled
}

// frameEvent tells of one frame written, with its bytes for the first few.
func (c *Client) frameEvent(conn *binaryConn, format Format, j *binaryJob) {
	if c.OnEvent == nil {
		return
	}
	again := ""
	if j.resent {
		again = " (again)"
	}
	e := sender.Event{Kind: sender.EventRequest}
	if format.HasIdentifiers() {
		e.Text = fmt.Sprintf("Frame%s: identifier %d, %d bytes, %s", again, j.id, len(j.frame), format)
	} else {
		e.Text = fmt.Sprintf("Frame%s: %d bytes, simple (no identifier)", again, len(j.frame))
	}
	if conn.shown < frameHexLimit {
		conn.shown++
		e.Detail = HexDump(j.frame)
	} else if conn.shown == frameHexLimit {
		conn.shown++
		e.Detail = []string{"(bytes of further frames not shown)"}
	}
	c.OnEvent.Emit(e)
}

// binaryJob is one packed notification on its way.
type binaryJob struct {
	index  int    // in the SendAll slice
	id     uint32 // its identifier (written in enhanced and frame formats)
	frame  []byte
	end    int64 // the connection's byte count once it was written
	sent   time.Time
	resent bool
}

// idRange is " (identifiers 1–6)", " (identifier 4)", or "" for the
// simple format.
func idRange(format Format, js []*binaryJob) string {
	if !format.HasIdentifiers() || len(js) == 0 {
		return ""
	}
	first, last := js[0].id, js[len(js)-1].id
	if first == last {
		return fmt.Sprintf(" (identifier %d)", first)
	}
	return fmt.Sprintf(" (identifiers %d–%d)", first, last)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// shortToken is the first 8 hex digits of a token, for log lines.
func shortToken(t string) string {
	if len(t) > 8 {
		return t[:8] + "…"
	}
	return t
}
