package sender

import (
	"bytes"
	"cmp"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http2"

	"apnsconsole/sender/credential"
)

// Client sends notifications over Apple's HTTP/2 provider API. It keeps one
// connection per credential and environment and reuses it across sends:
// many sends, one TLS handshake. Set the fields before the first send; make
// a new Client to change them. A Client is safe for concurrent use.
type Client struct {
	Credential  *credential.Credential
	Environment Environment
	Host        string           // host:port; "" = Environment.Host()
	RootCAs     *x509.CertPool   // nil = the system's roots
	OnEvent     EventFunc        // may be nil; called on the sending goroutine
	Now         func() time.Time // nil = time.Now
	Timeout     time.Duration    // per send, connection included; 0 = 30 s

	mu         sync.Mutex
	conn       *clientConn
	handshakes int
	jwt        credential.ProviderToken
	transport  http2.Transport
}

type clientConn struct {
	cc      *http2.ClientConn
	watcher *goAwayWatcher
	sends   int
}

// IdlePing is how long a connection may be silent before the client checks
// it with an HTTP/2 PING, as Apple advises for connections kept open for
// hours; a connection that does not answer is replaced on the next send.
const IdlePing = time.Hour

// ErrNoCredential is returned when a send has no credential to use.
var ErrNoCredential = errors.New("no credential")

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
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

// Close closes the connection, if any.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return nil
	}
	err := c.conn.cc.Close()
	c.conn = nil
	return err
}

// Send sends one notification and returns APNs' answer. An error means no
// answer was had: the input was refused before sending, the connection
// failed, or the server closed it (a *GoAwayError carries APNs' reason).
// A rejection by APNs is not an error: it is a Response with a Reason.
func (c *Client) Send(ctx context.Context, n *Notification) (*Response, error) {
	emit := c.OnEvent
	topic, err := c.prepare(n)
	if err != nil {
		emit.Emit(Event{Kind: EventError, Text: err.Error()})
		return nil, err
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	resp, err := c.roundTrip(ctx, n, topic)
	if errors.Is(err, errRetryOnNewConn) {
		emit.Emit(Event{Kind: EventInfo, Text: "The server closed the connection before taking the request; sending again on a new connection"})
		resp, err = c.roundTrip(ctx, n, topic)
	}
	if err == nil && resp.Reason == "ExpiredProviderToken" && c.jwt.Expire(c.now()) {
		emit.Emit(Event{Kind: EventInfo, Text: "APNs called the provider token stale; sending again with a new one"})
		resp, err = c.roundTrip(ctx, n, topic)
	}
	if err != nil {
		if errors.Is(err, errRetryOnNewConn) {
			err = fmt.Errorf("%w: %s closed the connection twice before taking the request: try again later", ErrConnect, c.Addr())
		}
		kind := EventError
		var ga *GoAwayError
		if errors.As(err, &ga) {
			kind = EventGoAway
		}
		emit.Emit(Event{Kind: kind, Text: err.Error()})
		return nil, err
	}
	return resp, nil
}

// prepare checks the notification and credential before anything is sent,
// and resolves the topic.
func (c *Client) prepare(n *Notification) (string, error) {
	if c.Credential == nil {
		return "", fmt.Errorf("%w: choose a .p12 certificate, a PEM certificate and key, or a .p8 key", ErrNoCredential)
	}
	if c.Addr() == "" {
		return "", fmt.Errorf("%w: no server address for the %s environment: start the simulator or give a host", ErrConnect, c.Environment)
	}
	if err := n.Validate(); err != nil {
		return "", err
	}
	if err := c.Credential.CheckValidity(c.now()); err != nil {
		return "", err
	}
	return n.ResolveTopic(c.Credential)
}

// errRetryOnNewConn marks a request the server never took (closed by a
// GOAWAY without a reason): it is safe to send again on a new connection.
var errRetryOnNewConn = errors.New("server closed the connection before taking the request")

func (c *Client) roundTrip(ctx context.Context, n *Notification, topic string) (*Response, error) {
	emit := c.OnEvent
	conn, err := c.connection(ctx)
	if err != nil {
		return nil, err
	}
	req, err := c.request(ctx, n, topic)
	if err != nil {
		return nil, err
	}
	emit.Emit(requestEvent(req, n))
	start := time.Now()
	hr, err := conn.cc.RoundTrip(req)
	if err != nil {
		return nil, c.explainFailure(ctx, conn, err)
	}
	defer hr.Body.Close()
	body, err := io.ReadAll(io.LimitReader(hr.Body, 64<<10))
	if err != nil {
		return nil, c.explainFailure(ctx, conn, err)
	}
	resp := &Response{
		Token:    n.Token,
		Host:     c.Addr(),
		Status:   hr.StatusCode,
		ApnsID:   hr.Header.Get("apns-id"),
		UniqueID: hr.Header.Get("apns-unique-id"),
		Duration: time.Since(start),
	}
	if len(body) > 0 {
		var answer struct {
			Reason    string `json:"reason"`
			Timestamp int64  `json:"timestamp"`
		}
		if err := json.Unmarshal(body, &answer); err != nil && resp.Status != http.StatusOK {
			resp.Reason = strings.TrimSpace(string(body))
		} else {
			resp.Reason = answer.Reason
			if answer.Timestamp > 0 {
				resp.Timestamp = time.UnixMilli(answer.Timestamp)
			}
		}
	}
	emit.Emit(responseEvent(resp))
	return resp, nil
}

// explainFailure turns a failed round trip into the error the user sees:
// APNs' GOAWAY reason when it sent one, else the connection error.
func (c *Client) explainFailure(ctx context.Context, conn *clientConn, err error) error {
	limit := make(chan struct{})
	timer := time.AfterFunc(time.Second, func() { close(limit) })
	defer timer.Stop()
	ga := conn.watcher.awaitGoAway(limit)
	c.drop(conn)
	if ga != nil {
		if ga.Reason == "" && ga.Code == http2.ErrCodeNo && ctx.Err() == nil {
			return errRetryOnNewConn
		}
		return ga
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%w: no answer from %s in time (%v): check the network, or try again", ErrConnect, c.Addr(), ctx.Err())
	}
	return fmt.Errorf("%w: %s: %v", ErrConnect, c.Addr(), err)
}

// drop forgets conn (if it is still the current one) and closes it.
func (c *Client) drop(conn *clientConn) {
	c.mu.Lock()
	if c.conn == conn {
		c.conn = nil
	}
	c.mu.Unlock()
	conn.cc.Close()
}

// connection returns the open connection, or makes one.
func (c *Client) connection(ctx context.Context) (*clientConn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != nil && c.conn.cc.CanTakeNewRequest() {
		c.conn.sends++
		if c.conn.sends > 1 {
			c.OnEvent.Emit(Event{Kind: EventInfo, Text: fmt.Sprintf("Reusing the connection to %s (send %d on it, no new handshake)", c.Addr(), c.conn.sends)})
		}
		return c.conn, nil
	}
	if c.conn != nil {
		c.conn.cc.Close()
		c.conn = nil
	}
	addr := c.Addr()
	host, _, _ := net.SplitHostPort(addr)
	if c.Environment == Local || (c.Environment != "" && c.Host != "" && c.Host != c.Environment.Host()) {
		c.OnEvent.Emit(Event{Kind: EventInfo, Text: fmt.Sprintf("Connecting to %s (%s)", addr, c.describeTarget())})
	} else {
		c.OnEvent.Emit(Event{Kind: EventInfo, Text: fmt.Sprintf("Connecting to %s (Apple, %s)", addr, c.Environment)})
	}
	if w := c.environmentWarning(); w != "" {
		c.OnEvent.Emit(Event{Kind: EventWarning, Text: w})
	}
	tc, err := DialTLS(ctx, addr, c.Credential.TLSConfig(host, c.RootCAs, "h2"), c.OnEvent)
	if err != nil {
		return nil, err
	}
	if p := tc.ConnectionState().NegotiatedProtocol; p != "h2" {
		tc.Close()
		return nil, fmt.Errorf("%w: %s does not speak HTTP/2 (ALPN %q): is this an APNs HTTP/2 endpoint? Apple's are api.sandbox.push.apple.com and api.push.apple.com on port 443 or 2197", ErrConnect, addr, p)
	}
	c.handshakes++
	c.transport.ReadIdleTimeout = IdlePing
	c.transport.PingTimeout = 15 * time.Second
	w := watchGoAway(tc, addr, func(ga *GoAwayError) {
		text := fmt.Sprintf("%s sent GOAWAY (%s)", addr, ga.Code)
		if ga.Reason != "" {
			text += ": " + ga.Reason
		}
		c.OnEvent.Emit(Event{Kind: EventGoAway, Text: text, Detail: nonEmpty(ga.Debug)})
	})
	cc, err := c.transport.NewClientConn(w)
	if err != nil {
		tc.Close()
		return nil, fmt.Errorf("%w: HTTP/2 setup with %s failed: %v", ErrConnect, addr, err)
	}
	c.conn = &clientConn{cc: cc, watcher: w, sends: 1}
	return c.conn, nil
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

// request builds the POST /3/device/<token> request.
func (c *Client) request(ctx context.Context, n *Notification, topic string) (*http.Request, error) {
	url := "https://" + c.Addr() + "/3/device/" + n.Token
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(n.Payload))
	if err != nil {
		return nil, fmt.Errorf("%w: cannot build the request for %s: %v", ErrInvalidNotification, c.Addr(), err)
	}
	req.Header = n.Header(topic)
	if c.Credential.Kind == credential.KindP8 {
		token, renewed, err := c.jwt.Get(c.Credential, c.now())
		if err != nil {
			return nil, err
		}
		if renewed {
			c.OnEvent.Emit(Event{Kind: EventInfo, Text: fmt.Sprintf("Signed a new provider token (JWT) with key %s for team %s; it is reused for %d minutes", c.Credential.KeyID, c.Credential.TeamID, int(credential.TokenRefreshAfter.Minutes()))})
		}
		req.Header.Set("authorization", "bearer "+token)
	}
	return req, nil
}

// requestEvent shows the request line, headers and body; the provider
// token is never shown.
func requestEvent(req *http.Request, n *Notification) Event {
	e := Event{Kind: EventRequest, Text: fmt.Sprintf("POST %s (HTTP/2)", req.URL.Path)}
	for _, name := range []string{"apns-topic", "apns-push-type", "apns-priority", "apns-expiration", "apns-collapse-id", "apns-id", "content-type"} {
		if v := req.Header.Get(name); v != "" {
			e.Detail = append(e.Detail, name+": "+v)
		}
	}
	if req.Header.Get("authorization") != "" {
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
		e.Text = fmt.Sprintf("%d %s in %s · %s", r.Status, cmp.Or(r.Reason, http.StatusText(r.Status)), FormatDuration(r.Duration), desc)
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
