package sender

import (
	"cmp"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"apnsconsole/sender/credential"
)

// Client sends notifications over Apple's HTTP/2 provider API. It keeps its
// connections (one, or BulkOptions.Connections for a bulk send) per
// credential and environment and reuses them across sends: many sends, one
// TLS handshake. Set the fields before the first send; make a new Client to
// change them. A Client is safe for concurrent use.
type Client struct {
	Credential     *credential.Credential
	Environment    Environment
	Host           string           // host:port; "" = Environment.Host()
	RootCAs        *x509.CertPool   // nil = the system's roots
	OnEvent        EventFunc        // may be nil; called on the sending goroutines
	Now            func() time.Time // nil = time.Now
	Timeout        time.Duration    // for each request's answer (and its wait for a stream); 0 = 30 s
	ConnectTimeout time.Duration    // DNS, TCP, TLS and the HTTP/2 start; 0 = DefaultConnectTimeout

	mu         sync.Mutex
	slots      []*connSlot
	old        []*h2conn // replaced connections, closed by Close
	handshakes int
	jwt        credential.ProviderToken
}

// connSlot holds one of the client's connections, or the dial under way.
type connSlot struct {
	conn  *h2conn
	sends int
	dial  *dialCall
}

// dialCall is one dial that every sender waiting for the slot shares: a
// failure answers all of them at once.
type dialCall struct {
	done chan struct{}
	conn *h2conn
	err  error
}

// IdlePing is how long a connection may be silent before the client checks
// it with an HTTP/2 PING, as Apple advises for connections kept open for
// hours; a connection that does not answer is replaced.
const IdlePing = time.Hour

// DefaultConnectTimeout bounds the DNS lookup, TCP connect, TLS handshake
// and the server's first HTTP/2 SETTINGS.
const DefaultConnectTimeout = 10 * time.Second

// DefaultTimeout bounds one request.
const DefaultTimeout = 30 * time.Second

// ErrNoCredential is returned when a send has no credential to use.
var ErrNoCredential = errors.New("no credential")

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) timeout() time.Duration {
	return cmp.Or(c.Timeout, DefaultTimeout)
}

// Addr is the host:port the client talks to.
func (c *Client) Addr() string {
	if c.Host != "" {
		return c.Host
	}
	return c.Environment.Host()
}

// Handshakes counts the TLS handshakes made so far: one per connection.
func (c *Client) Handshakes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.handshakes
}

// Close closes the connections, if any.
func (c *Client) Close() error {
	c.mu.Lock()
	var conns []*h2conn
	for _, s := range c.slots {
		if s.conn != nil {
			conns = append(conns, s.conn)
			s.conn = nil
		}
	}
	conns = append(conns, c.old...)
	c.old = nil
	c.mu.Unlock()
	for _, conn := range conns {
		conn.Close()
	}
	return nil
}

// Send sends one notification and returns APNs' answer. An error means no
// answer was had: the input was refused before sending, the connection
// failed (ErrConnect: not sent), the request was written but not answered
// (ErrUnconfirmed: it may have been delivered), or the server closed the
// connection (a *GoAwayError carries APNs' reason). A rejection by APNs is
// not an error: it is a Response with a Reason.
func (c *Client) Send(ctx context.Context, n *Notification) (*Response, error) {
	topic, err := c.prepare(n)
	if err != nil {
		c.OnEvent.Emit(Event{Kind: EventError, Text: err.Error()})
		return nil, err
	}
	r := c.deliver(ctx, n, topic, 0, retryPolicy{unprocessed: 1}, nil)
	if r.Err != nil {
		c.OnEvent.Emit(failureEvent(r.Err))
	}
	return r.Response, r.Err
}

// prepare checks the notification and credential before anything is sent,
// and resolves the topic.
func (c *Client) prepare(n *Notification) (string, error) {
	if err := c.ready(); err != nil {
		return "", err
	}
	if err := n.Validate(); err != nil {
		return "", err
	}
	return n.ResolveTopic(c.Credential)
}

// ready checks what every send needs: a credential that is valid now and
// an address.
func (c *Client) ready() error {
	if c.Credential == nil {
		return fmt.Errorf("%w: choose a .p12 certificate, a PEM certificate and key, or a .p8 key", ErrNoCredential)
	}
	if c.Addr() == "" {
		return fmt.Errorf("%w: no server address for the %s environment: start the simulator or give a host", ErrConnect, c.Environment)
	}
	return c.Credential.CheckValidity(c.now())
}

// deliver sends n on connection slot until it has its one outcome.
// stop, when set, ends a bulk send at the first failure that will fail
// every send (no connection, or a GOAWAY with a reason).
func (c *Client) deliver(ctx context.Context, n *Notification, topic string, slot int, pol retryPolicy, stop *bulkStop) Result {
	res := Result{Notification: n}
	statusTries, unprocessedTries := 0, 0
	jwtRetried := false
	for {
		if stop != nil {
			if err := stop.get(); err != nil {
				res.Err = err
				return res
			}
		}
		if ctx.Err() != nil {
			res.Err = fmt.Errorf("not sent: %w", cancelCause(ctx))
			return res
		}
		conn, err := c.connection(ctx, slot)
		if err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("not sent: %w", cancelCause(ctx))
			} else if stop != nil {
				stop.set(err)
			}
			res.Err = err
			return res
		}
		res.Attempts++
		resp, usedJWT, written, err := c.roundTrip(ctx, conn, n, topic)
		if !written {
			res.Attempts-- // it never left
		}
		if err == nil {
			res.Response = resp
			if resp.Reason == "ExpiredProviderToken" && usedJWT != "" && !jwtRetried && c.renewJWT(usedJWT) {
				jwtRetried = true
				c.OnEvent.Emit(Event{Kind: EventInfo, Text: "APNs called the provider token stale; sending again with a new one"})
				continue
			}
			if retryableStatus(resp.Status) && statusTries < pol.status {
				statusTries++
				if werr := c.backOff(ctx, statusTries, resp); werr == nil {
					continue
				}
			}
			return res
		}
		res.Response = nil
		if errors.Is(err, errNotProcessed) {
			ga := conn.goAwayErr()
			if ga != nil && ga.Reason != "" {
				if stop != nil {
					stop.set(ga)
				}
				res.Err = ga
				return res
			}
			if unprocessedTries < pol.unprocessed && ctx.Err() == nil {
				unprocessedTries++
				c.OnEvent.Emit(Event{Kind: EventInfo, Text: "The server closed the connection before taking the request; sending again on a new connection"})
				if unprocessedTries > 1 {
					if c.backOff(ctx, unprocessedTries-1, nil) != nil {
						res.Err = fmt.Errorf("not sent: %w", cancelCause(ctx))
						return res
					}
				}
				continue
			}
			if ga != nil {
				res.Err = fmt.Errorf("%w: %s closed the connection %d times before taking the request: try again later", ErrConnect, c.Addr(), unprocessedTries+1)
			} else {
				res.Err = fmt.Errorf("%w: %s did not take the request: try again later", ErrConnect, c.Addr())
			}
			return res
		}
		switch {
		case !written && ctx.Err() != nil:
			res.Err = fmt.Errorf("not sent: %w", cancelCause(ctx))
		case !written && errors.Is(err, errAnswerTimeout):
			res.Err = fmt.Errorf("%w: not sent: %s allowed no stream for it within %v", ErrConnect, c.Addr(), c.timeout())
		case !written:
			res.Err = fmt.Errorf("%w: not sent: %v", ErrConnect, err)
		case ctx.Err() != nil:
			res.Err = fmt.Errorf("%w: %w while waiting for the answer: it may have been delivered: check before resending", ErrUnconfirmed, cancelCause(ctx))
		case errors.Is(err, errAnswerTimeout):
			// A server that leaves a request unanswered this long is stuck
			// (or stopped): give up the connection, so that the requests
			// behind this one fail now instead of each waiting its time.
			conn.fail(fmt.Errorf("%w: %s stopped answering (no answer within %v)", ErrConnect, c.Addr(), c.timeout()))
			res.Err = fmt.Errorf("%w: no answer from %s within %v: it may have been delivered: check before resending", ErrUnconfirmed, c.Addr(), c.timeout())
		default:
			res.Err = fmt.Errorf("%w: %v after the request was sent: it may have been delivered: check before resending", ErrUnconfirmed, err)
		}
		return res
	}
}

// ErrCancelled and ErrDeadline say why a send stopped: the user
// cancelled it (Ctrl+C, the window's Stop), or its overall time ran out.
var (
	ErrCancelled = errors.New("cancelled")
	ErrDeadline  = errors.New("the send's overall time limit passed")
)

func (c *Client) roundTrip(ctx context.Context, conn *h2conn, n *Notification, topic string) (resp *Response, jwt string, written bool, err error) {
	req, jwt, err := c.request(n, topic)
	if err != nil {
		return nil, "", false, err
	}
	if c.OnEvent != nil {
		c.OnEvent.Emit(requestEvent(req, n))
	}
	start := time.Now()
	ans, written, err := conn.roundTrip(ctx, req, c.timeout())
	if err != nil {
		return nil, jwt, written, err
	}
	resp = &Response{
		Token:    n.Token,
		Host:     c.Addr(),
		Status:   ans.status,
		ApnsID:   ans.apnsID,
		UniqueID: ans.uniqueID,
		Duration: time.Since(start),
	}
	resp.RetryAfter = parseRetryAfter(ans.retryAfter, time.Now())
	if len(ans.body) > 0 {
		var answer struct {
			Reason    string `json:"reason"`
			Timestamp int64  `json:"timestamp"`
		}
		if err := json.Unmarshal(ans.body, &answer); err != nil && resp.Status != http.StatusOK {
			resp.Reason = strings.TrimSpace(string(ans.body))
		} else {
			resp.Reason = answer.Reason
			if answer.Timestamp > 0 {
				resp.Timestamp = time.UnixMilli(answer.Timestamp)
			}
		}
	}
	if c.OnEvent != nil {
		c.OnEvent.Emit(responseEvent(resp))
	}
	return resp, jwt, true, nil
}

// connection returns the open connection of slot i, or makes one. No lock
// is held while dialling: senders that need the same slot wait for the one
// dial and share its outcome.
func (c *Client) connection(ctx context.Context, i int) (*h2conn, error) {
	c.mu.Lock()
	for len(c.slots) <= i {
		c.slots = append(c.slots, &connSlot{})
	}
	s := c.slots[i]
	if conn := s.conn; conn != nil && conn.usable() {
		s.sends++
		sends := s.sends
		c.mu.Unlock()
		if conn.checkIdle(ctx) != nil {
			c.OnEvent.Emit(Event{Kind: EventInfo, Text: fmt.Sprintf("The connection to %s did not answer a PING after an hour of silence; opening a new one", c.Addr())})
			conn.Close()
			return c.connection(ctx, i)
		}
		if sends > 1 && c.OnEvent != nil {
			c.OnEvent.Emit(Event{Kind: EventInfo, Text: fmt.Sprintf("Reusing the connection to %s (send %d on it, no new handshake)", c.Addr(), sends)})
		}
		return conn, nil
	}
	if s.conn != nil {
		// Draining after a GOAWAY, or dead: kept to be closed by Close,
		// forgotten once finished.
		c.old = slices.DeleteFunc(c.old, (*h2conn).isFinished)
		c.old = append(c.old, s.conn)
		s.conn = nil
	}
	call := s.dial
	if call == nil {
		call = &dialCall{done: make(chan struct{})}
		s.dial = call
		c.mu.Unlock()
		call.conn, call.err = c.dial(ctx)
		c.mu.Lock()
		if call.err == nil {
			s.conn, s.sends = call.conn, 1
			c.handshakes++
		}
		s.dial = nil
		close(call.done)
		c.mu.Unlock()
		return call.conn, call.err
	}
	c.mu.Unlock()
	select {
	case <-call.done:
		if call.err != nil {
			return nil, call.err
		}
		return c.connection(ctx, i)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// dial connects, within ConnectTimeout, and starts HTTP/2.
func (c *Client) dial(ctx context.Context) (*h2conn, error) {
	addr := c.Addr()
	if c.Environment == Local || (c.Environment != "" && c.Host != "" && c.Host != c.Environment.Host()) {
		c.OnEvent.Emit(Event{Kind: EventInfo, Text: fmt.Sprintf("Connecting to %s (%s)", addr, c.describeTarget())})
	} else {
		c.OnEvent.Emit(Event{Kind: EventInfo, Text: fmt.Sprintf("Connecting to %s (Apple, %s)", addr, c.Environment)})
	}
	if w := c.environmentWarning(); w != "" {
		c.OnEvent.Emit(Event{Kind: EventWarning, Text: w})
	}
	limit := cmp.Or(c.ConnectTimeout, DefaultConnectTimeout)
	dctx, cancel := context.WithTimeoutCause(ctx, limit, fmt.Errorf("no connection within the connect timeout (%v)", limit))
	defer cancel()
	conn, err := dialH2(dctx, addr, c.Credential, c.RootCAs, c.OnEvent, "is this an APNs HTTP/2 endpoint? Apple's are api.sandbox.push.apple.com and api.push.apple.com on port 443 or 2197")
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("not sent: %w", cancelCause(ctx))
		}
		if dctx.Err() != nil && !errors.Is(err, errNoHTTP2InTime) {
			err = fmt.Errorf("%w: no connection to %s within the connect timeout (%v): the server may be stopped, overloaded or behind a filter; try again later, or allow more time (--connect-timeout)", ErrConnect, addr, limit)
		}
		return nil, err
	}
	return conn, nil
}

func (c *Client) describeTarget() string {
	if c.Environment == Local {
		return "local simulator"
	}
	return string(c.Environment) + " via " + c.Host
}

// environmentWarning warns before connecting when the certificate's
// environment markers leave out the chosen environment.
func (c *Client) environmentWarning() string {
	if c.Credential == nil || c.Credential.Kind == credential.KindP8 || c.Environment == Local || c.Environment == "" {
		return ""
	}
	if c.Environment.Allows(c.Credential) {
		return ""
	}
	return fmt.Sprintf("This certificate is not marked for %s (it allows %s): APNs will likely refuse it with BadCertificateEnvironment", c.Environment, c.Credential.Info.Environments())
}

// request builds the POST /3/device/<token> request; jwt is the provider
// token used, if any.
func (c *Client) request(n *Notification, topic string) (req *h2request, jwt string, err error) {
	req = &h2request{path: "/3/device/" + n.Token, header: n.fields(topic), body: n.Payload}
	req.auth, jwt, err = providerAuth(c.Credential, &c.jwt, c.now(), c.OnEvent)
	if err != nil {
		return nil, "", err
	}
	return req, jwt, nil
}

// requestEvent shows the request line, headers and body; the provider
// token is never shown.
func requestEvent(req *h2request, n *Notification) Event {
	e := Event{Kind: EventRequest, Text: fmt.Sprintf("POST %s (HTTP/2)", req.path)}
	for _, name := range []string{"apns-topic", "apns-push-type", "apns-priority", "apns-expiration", "apns-collapse-id", "apns-id", "content-type"} {
		for _, h := range req.header {
			if h[0] == name && h[1] != "" {
				e.Detail = append(e.Detail, name+": "+h[1])
			}
		}
	}
	if req.auth != "" {
		e.Detail = append(e.Detail, "authorization: bearer <provider token, not shown>")
	}
	e.Detail = append(e.Detail, fmt.Sprintf("body (%d bytes): %s", len(n.Payload), n.Payload))
	return e
}

func responseEvent(r *Response) Event {
	e := Event{Kind: EventResponse, Status: r.Status, Duration: r.Duration}
	if r.Accepted() {
		e.Text = fmt.Sprintf("200 OK in %s · apns-id %s", FormatDuration(r.Duration), r.ApnsID)
	} else {
		desc, hint := r.Explanation()
		e.Text = fmt.Sprintf("%d %s in %s · %s", r.Status, cmp.Or(Printable(r.Reason), http.StatusText(r.Status)), FormatDuration(r.Duration), desc)
		if hint != "" {
			e.Detail = append(e.Detail, "hint: "+hint)
		}
		if r.ApnsID != "" {
			e.Detail = append(e.Detail, "apns-id: "+r.ApnsID)
		}
	}
	if r.UniqueID != "" {
		e.Detail = append(e.Detail, "apns-unique-id: "+r.UniqueID+" (look it up in Apple's Push Notifications Console delivery log)")
	}
	if !r.Timestamp.IsZero() {
		e.Detail = append(e.Detail, "token invalid since: "+r.Timestamp.UTC().Format(time.RFC3339Nano))
	}
	return e
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{"debug data: " + s}
}
