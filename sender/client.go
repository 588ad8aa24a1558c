package sender

import (
	"cmp"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"sync"
	"time"

	"apnsconsole/sender/credential"
	"apnsconsole/sender/h2"
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
	// IdlePing is how long a connection may sit idle before it is checked
	// with a PING before its next request; 0 = DefaultIdlePing (an hour,
	// as Apple advises).
	IdlePing time.Duration

	mu         sync.Mutex
	slots      []*connSlot
	old        []*h2.Conn // replaced connections, closed by Close
	handshakes int
	jwt        credential.ProviderToken
}

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
	var conns []*h2.Conn
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
	r := c.deliver(ctx, n, topic, fixedSlot(0), retryPolicy{}, nil)
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

// dial connects, within ConnectTimeout, and starts HTTP/2.
func (c *Client) dial(ctx context.Context) (*h2.Conn, error) {
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
		if dctx.Err() != nil && !errors.Is(err, h2.ErrNoHTTP2InTime) {
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
func (c *Client) request(n *Notification, topic string) (req *h2.Request, jwt string, err error) {
	req = &h2.Request{Path: "/3/device/" + n.Token, Header: n.fields(topic), Body: n.Payload}
	req.Auth, jwt, err = providerAuth(c.Credential, &c.jwt, c.now(), c.OnEvent)
	if err != nil {
		return nil, "", err
	}
	return req, jwt, nil
}
