package sender

import (
	"bytes"
	"cmp"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http2"

	"apnsconsole/sender/credential"
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

	mu        sync.Mutex
	conns     map[string]*clientConn
	jwt       credential.ProviderToken
	transport http2.Transport
	policies  map[string]StoragePolicy // channel id → policy, learnt from get and create
}

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
	defer c.mu.Unlock()
	for host, cc := range c.conns {
		cc.cc.Close()
		delete(c.conns, host)
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
		kind := EventError
		var ga *GoAwayError
		if errors.As(err, &ga) {
			kind = EventGoAway
		}
		c.OnEvent.Emit(Event{Kind: kind, Text: err.Error()})
		return nil, nil, err
	}
	return r, raw, nil
}

func (c *ChannelClient) roundTrip(ctx context.Context, addr, method, path string, h http.Header, body []byte) (*ChannelResponse, []byte, error) {
	conn, err := c.connection(ctx, addr)
	if err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, "https://"+addr+path, bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: cannot build the request for %s: %v", ErrInvalidNotification, addr, err)
	}
	if body == nil {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	req.Header = h.Clone()
	if c.Credential.Kind == credential.KindP8 {
		token, renewed, err := c.jwt.Get(c.Credential, c.now())
		if err != nil {
			return nil, nil, err
		}
		if renewed {
			c.OnEvent.Emit(Event{Kind: EventInfo, Text: fmt.Sprintf("Signed a new provider token (JWT) with key %s for team %s", c.Credential.KeyID, c.Credential.TeamID)})
		}
		req.Header.Set("authorization", "bearer "+token)
	}
	c.OnEvent.Emit(channelRequestEvent(req, body))
	start := time.Now()
	hr, err := conn.cc.RoundTrip(req)
	if err != nil {
		return nil, nil, c.explainFailure(ctx, addr, conn, err)
	}
	defer hr.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(hr.Body, 1<<20))
	if err != nil {
		return nil, nil, c.explainFailure(ctx, addr, conn, err)
	}
	r := &ChannelResponse{
		Host:      addr,
		Status:    hr.StatusCode,
		RequestID: hr.Header.Get("apns-request-id"),
		ApnsID:    hr.Header.Get("apns-id"),
		ChannelID: hr.Header.Get("apns-channel-id"),
		Duration:  time.Since(start),
	}
	if r.Status >= 300 && len(raw) > 0 {
		var answer struct {
			Reason string `json:"reason"`
		}
		if json.Unmarshal(raw, &answer) == nil {
			r.Reason = answer.Reason
		} else {
			r.Reason = strings.TrimSpace(string(raw))
		}
	}
	return r, raw, nil
}

// explainFailure is Client.explainFailure for one of the client's hosts.
func (c *ChannelClient) explainFailure(ctx context.Context, addr string, conn *clientConn, err error) error {
	limit := make(chan struct{})
	timer := time.AfterFunc(time.Second, func() { close(limit) })
	defer timer.Stop()
	ga := conn.watcher.awaitGoAway(limit)
	c.mu.Lock()
	if c.conns[addr] == conn {
		delete(c.conns, addr)
	}
	c.mu.Unlock()
	conn.cc.Close()
	if ga != nil {
		if ga.Reason == "" && ga.Code == http2.ErrCodeNo && ctx.Err() == nil {
			return errRetryOnNewConn
		}
		return ga
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%w: no answer from %s in time (%v): check the network, or try again", ErrConnect, addr, ctx.Err())
	}
	return fmt.Errorf("%w: %s: %v", ErrConnect, addr, err)
}

// connection returns the open connection to addr, or makes one.
func (c *ChannelClient) connection(ctx context.Context, addr string) (*clientConn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cc := c.conns[addr]; cc != nil && cc.cc.CanTakeNewRequest() {
		cc.sends++
		return cc, nil
	} else if cc != nil {
		cc.cc.Close()
		delete(c.conns, addr)
	}
	host, _, _ := net.SplitHostPort(addr)
	c.OnEvent.Emit(Event{Kind: EventInfo, Text: fmt.Sprintf("Connecting to %s (%s)", addr, c.Environment)})
	tc, err := DialTLS(ctx, addr, c.Credential.TLSConfig(host, c.RootCAs, "h2"), c.OnEvent)
	if err != nil {
		return nil, err
	}
	if p := tc.ConnectionState().NegotiatedProtocol; p != "h2" {
		tc.Close()
		return nil, fmt.Errorf("%w: %s does not speak HTTP/2 (ALPN %q): is this an APNs broadcast or channel-management endpoint?", ErrConnect, addr, p)
	}
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
	if c.conns == nil {
		c.conns = make(map[string]*clientConn)
	}
	conn := &clientConn{cc: cc, watcher: w, sends: 1}
	c.conns[addr] = conn
	return conn, nil
}

// channelRequestEvent shows the request line, headers and body; the
// provider token is never shown.
func channelRequestEvent(req *http.Request, body []byte) Event {
	e := Event{Kind: EventRequest, Text: fmt.Sprintf("%s %s (HTTP/2)", req.Method, req.URL.Path)}
	for _, name := range []string{"apns-channel-id", "apns-push-type", "apns-priority", "apns-expiration", "apns-id", "apns-request-id", "content-type"} {
		if v := req.Header.Get(name); v != "" {
			e.Detail = append(e.Detail, name+": "+v)
		}
	}
	if req.Header.Get("authorization") != "" {
		e.Detail = append(e.Detail, "authorization: bearer <provider token, not shown>")
	}
	if len(body) > 0 {
		e.Detail = append(e.Detail, fmt.Sprintf("body (%d bytes): %s", len(body), body))
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
