package sender

import (
	"cmp"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"apnsconsole/sender/credential"
	"apnsconsole/sender/h2"
)

// ChannelClient manages an app's broadcast channels and sends broadcasts
// to them, over HTTP/2 with the same credentials as device pushes (a .p8
// key or a certificate). It keeps one connection per host and reuses it.
// Set the fields before the first request; it is safe for concurrent use.
//
// Requests Apple answered are not errors, whatever the status: they come
// back as a *ChannelResponse. An error means no answer (bad input refused
// before sending, no connection, a GOAWAY).
type ChannelClient struct {
	Credential     *credential.Credential
	Environment    Environment
	ManagementHost string         // host:port; "" = Environment.ManagementHost()
	BroadcastHost  string         // host:port; "" = Environment.BroadcastHost()
	RootCAs        *x509.CertPool // nil = the system's roots
	OnEvent        EventFunc      // may be nil; called on the requesting goroutine
	Now            func() time.Time
	Timeout        time.Duration // per request, connection included; 0 = 30 s
	// BroadcastPushType is the apns-push-type of broadcasts, default
	// "liveactivity". Apple spells it liveactivity, Liveactivity and
	// LiveActivity in different places (UNCERTAIN, APNS-REFERENCE §7).
	BroadcastPushType string

	mu       sync.Mutex
	conns    map[string]*h2.Conn // one per host, reused
	old      []*h2.Conn          // replaced after a GOAWAY, draining: closed by Close
	jwt      credential.ProviderToken
	policies map[string]StoragePolicy // channel id → policy, learnt from get and create
}

// maxChannelAnswer bounds a channel-management answer's body: a list of
// every channel of an app is the longest (APNS-REFERENCE §7).
const maxChannelAnswer = 1 << 20

// errRetryOnNewConn marks a request the server never took (a GOAWAY
// without a reason, or a refused stream): safe to send again.
var errRetryOnNewConn = errors.New("server closed the connection before taking the request")

// maxRememberedPolicies bounds the storage-policy cache.
const maxRememberedPolicies = 1024

func (c *ChannelClient) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *ChannelClient) managementAddr() string {
	return cmp.Or(c.ManagementHost, c.Environment.ManagementHost())
}

func (c *ChannelClient) broadcastAddr() string {
	return cmp.Or(c.BroadcastHost, c.Environment.BroadcastHost())
}

// Close closes the client's connections.
func (c *ChannelClient) Close() error {
	c.mu.Lock()
	conns := c.old
	for host, conn := range c.conns {
		conns = append(conns, conn)
		delete(c.conns, host)
	}
	c.old = nil
	c.mu.Unlock()
	for _, conn := range conns {
		conn.Close()
	}
	return nil
}

// CreateChannel makes a channel for bundleID with the storage policy; the
// answer (201) carries the new id in ChannelID.
func (c *ChannelClient) CreateChannel(ctx context.Context, bundleID string, policy StoragePolicy) (*ChannelResponse, error) {
	if policy != NoMessageStored && policy != MostRecentMessageStored {
		return nil, c.refuse(fmt.Errorf("%w: storage policy %d: use 0 (no message stored) or 1 (most recent message stored)", ErrInvalidNotification, int(policy)))
	}
	body := fmt.Sprintf(`{"message-storage-policy":%d,"push-type":"LiveActivity"}`, int(policy))
	r, err := c.manage(ctx, http.MethodPost, bundleID, "channels", "", []byte(body))
	if err == nil && r.Status == http.StatusCreated {
		c.remember(r.ChannelID, policy)
		r.StoragePolicy = policy
	}
	return r, err
}

// ListChannels lists bundleID's channels in this environment (Channels).
func (c *ChannelClient) ListChannels(ctx context.Context, bundleID string) (*ChannelResponse, error) {
	return c.manage(ctx, http.MethodGet, bundleID, "all-channels", "", nil)
}

// GetChannel reads a channel's storage policy and push type.
func (c *ChannelClient) GetChannel(ctx context.Context, bundleID, channelID string) (*ChannelResponse, error) {
	if err := checkChannelID(channelID); err != nil {
		return nil, c.refuse(err)
	}
	r, err := c.manage(ctx, http.MethodGet, bundleID, "channels", channelID, nil)
	if err == nil && r.Status == http.StatusOK {
		c.remember(channelID, r.StoragePolicy)
	}
	return r, err
}

// DeleteChannel deletes a channel (204); it cannot be undone, and a stored
// message may still be delivered.
func (c *ChannelClient) DeleteChannel(ctx context.Context, bundleID, channelID string) (*ChannelResponse, error) {
	if err := checkChannelID(channelID); err != nil {
		return nil, c.refuse(err)
	}
	r, err := c.manage(ctx, http.MethodDelete, bundleID, "channels", channelID, nil)
	if err == nil && r.OK() {
		c.mu.Lock()
		delete(c.policies, channelID)
		c.mu.Unlock()
	}
	return r, err
}

func (c *ChannelClient) remember(channelID string, p StoragePolicy) {
	if channelID == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.policies == nil || len(c.policies) >= maxRememberedPolicies {
		c.policies = make(map[string]StoragePolicy)
	}
	c.policies[channelID] = p
}

func (c *ChannelClient) remembered(channelID string) (StoragePolicy, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.policies[channelID]
	return p, ok
}

// refuse reports input refused before sending as an error event.
func (c *ChannelClient) refuse(err error) error {
	c.OnEvent.Emit(Event{Kind: EventError, Text: err.Error()})
	return err
}

// checkChannelID refuses an empty or non-base64 channel id.
func checkChannelID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: no channel id: give the id `channels create` printed (see `channels list`)", ErrInvalidNotification)
	}
	if _, err := base64.StdEncoding.DecodeString(id); err != nil {
		return fmt.Errorf("%w: channel id %q is not base64: paste it exactly as `channels create` or `channels list` printed it", ErrInvalidNotification, id)
	}
	return nil
}

// checkBundleID refuses an empty bundle id and strips a push-type suffix,
// which channel and broadcast paths must not carry (TopicDisallowed).
func (c *ChannelClient) checkBundleID(bundleID string) (string, error) {
	b := strings.TrimSpace(bundleID)
	if b == "" {
		return "", fmt.Errorf("%w: no bundle id: give the app's bundle id, e.g. com.example.app", ErrInvalidNotification)
	}
	for _, p := range PushTypes {
		if s := p.TopicSuffix(); s != "" && strings.HasSuffix(b, s) {
			c.OnEvent.Emit(Event{Kind: EventInfo, Text: fmt.Sprintf("Using bundle id %s: channel and broadcast paths take the bundle id without the %s suffix", strings.TrimSuffix(b, s), s)})
			return strings.TrimSuffix(b, s), nil
		}
	}
	if strings.ContainsAny(b, "/?# ") {
		return "", fmt.Errorf("%w: bundle id %q has characters a bundle id cannot have: use the form com.example.app", ErrInvalidNotification, b)
	}
	return b, nil
}

// manage sends one channel-management request:
// POST|GET|DELETE /1/apps/<bundle>/channels (with apns-channel-id), or
// GET /1/apps/<bundle>/all-channels.
func (c *ChannelClient) manage(ctx context.Context, method, bundleID, resource, channelID string, body []byte) (*ChannelResponse, error) {
	bundle, err := c.checkBundleID(bundleID)
	if err != nil {
		return nil, c.refuse(err)
	}
	h := http.Header{}
	if channelID != "" {
		h.Set("apns-channel-id", channelID)
	}
	if body != nil {
		h.Set("content-type", "application/json")
	}
	r, raw, err := c.do(ctx, c.managementAddr(), method, "/1/apps/"+url.PathEscape(bundle)+"/"+resource, h, body)
	if err != nil {
		return nil, err
	}
	r.ChannelID = cmp.Or(r.ChannelID, channelID)
	if r.Status == http.StatusOK && len(raw) > 0 {
		var answer struct {
			Policy   *int     `json:"message-storage-policy"`
			PushType string   `json:"push-type"`
			Channels []string `json:"channels"`
		}
		if err := json.Unmarshal(raw, &answer); err != nil {
			return nil, fmt.Errorf("%w: %s answered 200 with a body that is not JSON (%v): is it an APNs channel-management endpoint?", ErrConnect, r.Host, err)
		}
		if answer.Policy != nil {
			r.StoragePolicy = StoragePolicy(*answer.Policy)
		}
		r.PushType, r.Channels = answer.PushType, answer.Channels
	}
	c.OnEvent.Emit(channelResponseEvent(r))
	return r, nil
}

// do makes one request to addr and reads the answer's headers and reason;
// it retries once on a new connection when the server closed the old one
// before taking the request, and once with a new JWT when APNs called the
// old one stale.
func (c *ChannelClient) do(ctx context.Context, addr, method, path string, h http.Header, body []byte) (*ChannelResponse, []byte, error) {
	if c.Credential == nil {
		return nil, nil, c.refuse(fmt.Errorf("%w: choose a .p12 certificate, a PEM certificate and key, or a .p8 key", ErrNoCredential))
	}
	if addr == "" {
		return nil, nil, c.refuse(fmt.Errorf("%w: no server address for the %s environment: start the simulator or give a host", ErrConnect, c.Environment))
	}
	if err := c.Credential.CheckValidity(c.now()); err != nil {
		return nil, nil, c.refuse(err)
	}
	timeout := cmp.Or(c.Timeout, 30*time.Second)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r, raw, err := c.roundTrip(ctx, addr, method, path, h, body)
	if errors.Is(err, errRetryOnNewConn) {
		c.OnEvent.Emit(Event{Kind: EventInfo, Text: "The server closed the connection before taking the request; sending again on a new connection"})
		r, raw, err = c.roundTrip(ctx, addr, method, path, h, body)
	}
	if err == nil && r.Reason == "ExpiredProviderToken" && c.jwt.Expire(c.now()) {
		c.OnEvent.Emit(Event{Kind: EventInfo, Text: "APNs called the provider token stale; sending again with a new one"})
		r, raw, err = c.roundTrip(ctx, addr, method, path, h, body)
	}
	if err != nil {
		if errors.Is(err, errRetryOnNewConn) {
			err = fmt.Errorf("%w: %s closed the connection twice before taking the request: try again later", ErrConnect, addr)
		}
		c.OnEvent.Emit(failureEvent(err))
		return nil, nil, err
	}
	return r, raw, nil
}

func (c *ChannelClient) roundTrip(ctx context.Context, addr, method, path string, h http.Header, body []byte) (*ChannelResponse, []byte, error) {
	conn, err := c.connection(ctx, addr)
	if err != nil {
		return nil, nil, err
	}
	req := &h2.Request{Method: method, Path: path, Body: body, MaxBody: maxChannelAnswer}
	for name, values := range h {
		for _, v := range values {
			req.Header = append(req.Header, [2]string{strings.ToLower(name), v})
		}
	}
	slices.SortFunc(req.Header, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	if req.Auth, _, err = providerAuth(c.Credential, &c.jwt, c.now(), c.OnEvent); err != nil {
		return nil, nil, err
	}
	c.OnEvent.Emit(channelRequestEvent(req))
	start := time.Now()
	timeout := DefaultTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = time.Until(dl)
	}
	ans, written, err := conn.RoundTrip(ctx, req, timeout)
	if err != nil {
		return nil, nil, c.explainFailure(ctx, addr, conn, written, err)
	}
	r := &ChannelResponse{
		Host:      addr,
		Status:    ans.Status,
		RequestID: ans.RequestID,
		ApnsID:    ans.ApnsID,
		ChannelID: ans.ChannelID,
		Duration:  time.Since(start),
	}
	if r.Status >= 300 && len(ans.Body) > 0 {
		var answer struct {
			Reason string `json:"reason"`
		}
		if json.Unmarshal(ans.Body, &answer) == nil {
			r.Reason = answer.Reason
		} else {
			r.Reason = strings.TrimSpace(string(ans.Body))
		}
	}
	return r, ans.Body, nil
}

// explainFailure turns a request that got no answer into the error the
// user reads. A request the server never took is errRetryOnNewConn, or
// the GOAWAY when APNs gave a reason; one written and not answered may
// have been carried out (ErrUnconfirmed). The connection is given up
// when it is stuck or gone.
func (c *ChannelClient) explainFailure(ctx context.Context, addr string, conn *h2.Conn, written bool, err error) error {
	ga := goAwayOf(conn)
	if errors.Is(err, h2.ErrNotProcessed) {
		if !conn.Usable() {
			c.retire(addr, conn, false) // draining after a GOAWAY, or gone
		}
		if ga != nil && ga.Reason != "" {
			return ga
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%w: not sent: no connection to %s in time (%v)", ErrConnect, addr, ctx.Err())
		}
		return errRetryOnNewConn
	}
	if errors.Is(err, h2.ErrAnswerTimeout) || errors.Is(ctx.Err(), context.DeadlineExceeded) || conn.IsFinished() {
		// Stuck or gone: the requests behind this one should not wait
		// for it too. (A cancelled request leaves the connection be.)
		c.retire(addr, conn, true)
	}
	if errors.As(err, &ga) && ga.Reason != "" {
		return ga
	}
	var what string
	switch {
	case ctx.Err() != nil || errors.Is(err, h2.ErrAnswerTimeout):
		what = fmt.Sprintf("no answer from %s in time (%v)", addr, cmp.Or(ctx.Err(), err))
	case errors.Is(err, ErrConnect):
		what = strings.TrimPrefix(err.Error(), ErrConnect.Error()+": ")
	case ga != nil:
		what = ga.Error()
	default:
		what = fmt.Sprintf("%s: %v", addr, err)
	}
	if !written {
		return fmt.Errorf("%w: not sent: %s: check the network, or try again", ErrConnect, what)
	}
	return fmt.Errorf("%w: %w: %s after the request was sent: it may have been carried out; check (channels list, channels get) before trying again", ErrConnect, ErrUnconfirmed, what)
}

// retire takes conn out of use for addr: closed at once when closeNow,
// else left to drain (a GOAWAY) and closed by Close.
func (c *ChannelClient) retire(addr string, conn *h2.Conn, closeNow bool) {
	c.mu.Lock()
	if c.conns[addr] == conn {
		delete(c.conns, addr)
		if !closeNow {
			c.old = slices.DeleteFunc(c.old, (*h2.Conn).IsFinished)
			c.old = append(c.old, conn)
		}
	}
	c.mu.Unlock()
	if closeNow {
		conn.Close()
	}
}

// connection returns the open connection to addr, or makes one within
// ctx.
func (c *ChannelClient) connection(ctx context.Context, addr string) (*h2.Conn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if conn := c.conns[addr]; conn != nil && conn.Usable() && conn.CheckIdle(ctx, DefaultIdlePing) == nil {
		return conn, nil
	} else if conn != nil {
		delete(c.conns, addr)
		c.old = slices.DeleteFunc(c.old, (*h2.Conn).IsFinished)
		c.old = append(c.old, conn)
	}
	c.OnEvent.Emit(Event{Kind: EventInfo, Text: fmt.Sprintf("Connecting to %s (%s)", addr, c.Environment)})
	conn, err := dialH2(ctx, addr, c.Credential, c.RootCAs, c.OnEvent, "is this an APNs broadcast or channel-management endpoint?")
	if err != nil {
		return nil, err
	}
	if c.conns == nil {
		c.conns = make(map[string]*h2.Conn)
	}
	c.conns[addr] = conn
	return conn, nil
}

// channelRequestEvent shows the request line, headers and body; the
// provider token is never shown.
func channelRequestEvent(req *h2.Request) Event {
	e := Event{Kind: EventRequest, Text: fmt.Sprintf("%s %s (HTTP/2)", req.Method, req.Path)}
	for _, name := range []string{"apns-channel-id", "apns-push-type", "apns-priority", "apns-expiration", "apns-id", "apns-request-id", "content-type"} {
		for _, h := range req.Header {
			if h[0] == name && h[1] != "" {
				e.Detail = append(e.Detail, name+": "+h[1])
			}
		}
	}
	if req.Auth != "" {
		e.Detail = append(e.Detail, "authorization: bearer <provider token, not shown>")
	}
	if len(req.Body) > 0 {
		e.Detail = append(e.Detail, fmt.Sprintf("body (%d bytes): %s", len(req.Body), req.Body))
	}
	return e
}

func channelResponseEvent(r *ChannelResponse) Event {
	e := Event{Kind: EventResponse, Status: r.Status, Duration: r.Duration}
	e.Text = r.Summary() + " in " + FormatDuration(r.Duration)
	if r.RequestID != "" {
		e.Detail = append(e.Detail, "apns-request-id: "+r.RequestID)
	}
	return e
}
