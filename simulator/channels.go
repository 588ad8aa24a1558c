package simulator

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Paths of the broadcast APIs (APNS-REFERENCE §7). The simulator serves
// them on the same listener as device pushes: real APNs has separate hosts
// for channel management and broadcasts, so point both of a client's hosts
// at the simulator's address.
const (
	managementPrefix = "/1/apps/"
	broadcastPrefix  = "/4/broadcasts/apps/"
)

// ChannelOptions configures the simulator's channel management and
// broadcasts. The zero value is Apple's documented behaviour with the
// simulator's choices where Apple is silent:
//   - priority 1 on a broadcast is BadPriority (Apple's ActivityKit guide
//     says 5 or 10; 1 was seen in third-party code, UNCERTAIN);
//   - apns-push-type is matched without regard to case (Apple writes
//     liveactivity, Liveactivity and LiveActivity, UNCERTAIN);
//   - a broadcast to a no-storage channel must carry apns-expiration 0:
//     another value or none is BadExpirationDate;
//   - a token key may manage the bundles registered for its team (AddBundle),
//     a certificate its own bundle id; others are TopicDisallowed (token) or
//     403 TopicMismatch (certificate).
type ChannelOptions struct {
	// MaxChannels is how many channels one app may have, default
	// appleMaxChannels (10,000); past it, CannotCreateChannelConfig.
	MaxChannels int
	// AllowPriority1 accepts apns-priority 1 on broadcasts.
	AllowPriority1 bool
}

// maxRememberedBroadcasts bounds Server.Broadcasts.
const maxRememberedBroadcasts = 1000

// channelStore is the server's channels: per bundle id, in creation order.
// A server is one environment, so channels of a sandbox server don't exist
// in a production one.
type channelStore struct {
	mu         sync.Mutex
	apps       map[string][]channel
	broadcasts []AcceptedBroadcast
}

type channel struct {
	id     string
	policy StoragePolicy
}

// AcceptedBroadcast is a broadcast the server accepted.
type AcceptedBroadcast struct {
	Time       time.Time
	BundleID   string
	ChannelID  string
	Policy     StoragePolicy
	Priority   int
	Expiration *time.Time
	ApnsID     string
	Payload    []byte
	Warnings   []string // what the devices would drop (see DeviceWouldDrop)
	Auth       string
}

// Channels lists bundleID's channel ids in creation order.
func (s *Server) Channels(bundleID string) []string {
	st := &s.channels
	st.mu.Lock()
	defer st.mu.Unlock()
	var ids []string
	for _, ch := range st.apps[bundleID] {
		ids = append(ids, ch.id)
	}
	return ids
}

// Broadcasts returns the last accepted broadcasts (at most 1000), oldest
// first.
func (s *Server) Broadcasts() []AcceptedBroadcast {
	st := &s.channels
	st.mu.Lock()
	defer st.mu.Unlock()
	return slices.Clone(st.broadcasts)
}

func (st *channelStore) find(bundle, id string) (channel, bool) {
	for _, ch := range st.apps[bundle] {
		if ch.id == id {
			return ch, true
		}
	}
	return channel{}, false
}

// serveChannels serves channel management and broadcasts; it reports
// false, leaving the request alone, for any other path.
func (s *Server) serveChannels(c *conn, w http.ResponseWriter, r *http.Request) bool {
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, managementPrefix):
		s.serveManagement(c, w, r)
	case strings.HasPrefix(path, broadcastPrefix):
		s.serveBroadcast(c, w, r)
	default:
		return false
	}
	return true
}

// channelAnswer is what a management or broadcast request gets.
type channelAnswer struct {
	status    int
	reason    string
	channelID string // apns-channel-id header (create)
	body      any    // JSON body of a 200
	apnsID    string // broadcasts
}

func failed(reason string) channelAnswer {
	return channelAnswer{status: channelStatusOf(reason), reason: reason}
}

// authorizeBundle applies certificate or token auth to a request for
// bundle, and the bundle rules.
func (s *Server) authorizeBundle(c *conn, r *http.Request, bundle string, now time.Time) (string, bool) {
	if c.auth == AuthCertificate {
		if c.cert == nil {
			return "BadCertificate", false
		}
	} else {
		teamID, _, reason := s.authenticateToken(c, r.Header.Get("authorization"), now)
		if reason != "" {
			return reason, false
		}
		if topicSuffix(bundle) != "" {
			return "TopicDisallowed", false
		}
		if !s.teamHasBundle(teamID, bundle) {
			return "TopicDisallowed", false
		}
		return "", true
	}
	if topicSuffix(bundle) != "" {
		return "TopicDisallowed", false
	}
	if bundle != c.cert.bundleID && !slices.Contains(c.cert.topics, bundle) {
		return "TopicMismatch", false
	}
	return "", true
}

// requestID is the client's apns-request-id when valid, else a new one.
func requestID(r *http.Request) (string, bool) {
	id := r.Header.Get("apns-request-id")
	if id == "" {
		return strings.ToLower(newUUID()), true
	}
	return id, isCanonicalUUID(id)
}

func (s *Server) serveManagement(c *conn, w http.ResponseWriter, r *http.Request) {
	now := s.Now()
	body, _ := io.ReadAll(io.LimitReader(r.Body, 4096))
	reqID, okID := requestID(r)
	rest := strings.TrimPrefix(r.URL.Path, managementPrefix)
	bundle, resource, _ := strings.Cut(rest, "/")
	channelID := r.Header.Get("apns-channel-id")
	a := func() channelAnswer {
		switch {
		case !okID:
			return failed("BadMessageId")
		case bundle == "" || resource != "channels" && resource != "all-channels":
			return failed("BadPath")
		case resource == "all-channels" && r.Method != http.MethodGet,
			resource == "channels" && r.Method != http.MethodPost && r.Method != http.MethodGet && r.Method != http.MethodDelete:
			return failed("MethodNotAllowed")
		}
		if reason, ok := s.authorizeBundle(c, r, bundle, now); !ok {
			return failed(reason)
		}
		st := &s.channels
		st.mu.Lock()
		defer st.mu.Unlock()
		switch {
		case resource == "all-channels":
			ids := []string{}
			for _, ch := range st.apps[bundle] {
				ids = append(ids, ch.id)
			}
			return channelAnswer{status: http.StatusOK, body: map[string]any{"channels": ids}}
		case r.Method == http.MethodPost:
			return s.createChannel(st, bundle, body)
		case channelID == "":
			return failed("MissingChannelId")
		case !isChannelID(channelID):
			return failed("BadChannelId")
		}
		ch, ok := st.find(bundle, channelID)
		if !ok {
			return failed("ChannelNotRegistered")
		}
		if r.Method == http.MethodGet {
			return channelAnswer{status: http.StatusOK, body: map[string]any{"message-storage-policy": int(ch.policy), "push-type": "LiveActivity"}}
		}
		st.apps[bundle] = slices.DeleteFunc(st.apps[bundle], func(c channel) bool { return c.id == channelID })
		if len(st.apps[bundle]) == 0 {
			delete(st.apps, bundle)
		}
		return channelAnswer{status: http.StatusNoContent}
	}()
	if a.channelID != "" {
		channelID = a.channelID
	}
	writeChannelAnswer(w, a, reqID)
	s.answered(w, Record{Time: now, Conn: c.id, Remote: c.remote, Auth: c.auth, Method: r.Method, Path: r.URL.Path,
		Topic: bundle, Channel: channelID, Status: a.status, Reason: a.reason, RequestID: reqID, PayloadSize: len(body),
		Header: redacted(r.Header)}, nil)
}

// createChannel makes a channel (st is locked).
func (s *Server) createChannel(st *channelStore, bundle string, body []byte) channelAnswer {
	var req struct {
		Policy   *int   `json:"message-storage-policy"`
		PushType string `json:"push-type"`
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return failed("PayloadEmpty")
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Policy == nil || *req.Policy != 0 && *req.Policy != 1 {
		return failed("BadRequestPayload")
	}
	if req.PushType == "" {
		return failed("MissingPushType")
	}
	if !strings.EqualFold(req.PushType, "LiveActivity") {
		return failed("InvalidPushType")
	}
	limit := s.ChannelOptions.MaxChannels
	if limit <= 0 {
		limit = appleMaxChannels
	}
	if len(st.apps[bundle]) >= limit {
		return failed("CannotCreateChannelConfig")
	}
	if st.apps == nil {
		st.apps = make(map[string][]channel)
	}
	id := newChannelID()
	st.apps[bundle] = append(st.apps[bundle], channel{id: id, policy: StoragePolicy(*req.Policy)})
	return channelAnswer{status: http.StatusCreated, channelID: id}
}

func (s *Server) serveBroadcast(c *conn, w http.ResponseWriter, r *http.Request) {
	now := s.Now()
	body, _ := io.ReadAll(io.LimitReader(r.Body, appleMaxBroadcastPayload+1))
	reqID, okID := requestID(r)
	bundle := strings.TrimPrefix(r.URL.Path, broadcastPrefix)
	h := r.Header
	channelID := h.Get("apns-channel-id")
	pushType := h.Get("apns-push-type")
	apnsID := h.Get("apns-id")
	var accepted *AcceptedBroadcast
	a := func() channelAnswer {
		switch {
		case !okID || apnsID != "" && !isCanonicalUUID(apnsID):
			return failed("BadMessageId")
		case r.Method != http.MethodPost:
			return failed("MethodNotAllowed")
		case bundle == "" || strings.Contains(bundle, "/"):
			return failed("BadPath")
		}
		if reason, ok := s.authorizeBundle(c, r, bundle, now); !ok {
			return failed(reason)
		}
		switch {
		case channelID == "":
			return failed("MissingChannelId")
		case !isChannelID(channelID):
			return failed("BadChannelId")
		case pushType == "":
			return failed("MissingPushType")
		case !strings.EqualFold(pushType, string(pushLiveActivity)):
			return failed("InvalidPushType")
		}
		priority := 10
		if v := h.Get("apns-priority"); v != "" {
			p, err := strconv.Atoi(v)
			if err != nil || p != 10 && p != 5 && !(p == 1 && s.ChannelOptions.AllowPriority1) {
				return failed("BadPriority")
			}
			priority = p
		}
		var expiration *time.Time
		if v, ok := h["Apns-Expiration"]; ok {
			sec, err := strconv.ParseInt(v[0], 10, 64)
			if err != nil || sec < 0 {
				return failed("BadExpirationDate")
			}
			t := time.Unix(sec, 0)
			expiration = &t
		}
		st := &s.channels
		st.mu.Lock()
		defer st.mu.Unlock()
		ch, ok := st.find(bundle, channelID)
		switch {
		case !ok:
			return failed("ChannelNotRegistered")
		case ch.policy == NoMessageStored && (expiration == nil || expiration.Unix() != 0):
			return failed("BadExpirationDate")
		case len(bytes.TrimSpace(body)) == 0:
			return failed("PayloadEmpty")
		case len(body) > appleMaxBroadcastPayload:
			return failed("PayloadTooLarge")
		case !json.Valid(body):
			return failed("BadRequestPayload")
		}
		if apnsID == "" {
			apnsID = newApnsID()
		}
		warnings := liveActivityWarnings(pushLiveActivity, body)
		var p struct {
			Aps struct {
				Event string `json:"event"`
			} `json:"aps"`
		}
		if json.Unmarshal(body, &p) == nil && p.Aps.Event == "start" {
			warnings = append(warnings, DeviceWouldDrop+"a broadcast cannot start a Live Activity (start it with a push to the device token)")
		}
		accepted = &AcceptedBroadcast{Time: now, BundleID: bundle, ChannelID: channelID, Policy: ch.policy, Priority: priority,
			Expiration: expiration, ApnsID: apnsID, Payload: body, Warnings: warnings, Auth: c.auth}
		if len(st.broadcasts) >= maxRememberedBroadcasts {
			st.broadcasts = slices.Delete(st.broadcasts, 0, len(st.broadcasts)-maxRememberedBroadcasts+1)
		}
		st.broadcasts = append(st.broadcasts, *accepted)
		return channelAnswer{status: http.StatusOK, apnsID: apnsID}
	}()
	rec := Record{Time: now, Conn: c.id, Remote: c.remote, Auth: c.auth, Method: r.Method, Path: r.URL.Path,
		Topic: bundle, Channel: channelID, PushType: PushType(pushType), Status: a.status, Reason: a.reason,
		ApnsID: a.apnsID, RequestID: reqID, PayloadSize: len(body), Header: redacted(r.Header)}
	if accepted != nil {
		rec.Warnings = accepted.Warnings
	}
	writeChannelAnswer(w, a, reqID)
	s.answered(w, rec, nil)
}

// writeChannelAnswer answers with apns-request-id (and apns-channel-id,
// apns-id): a body-less 201/204/200, a JSON 200, or the reason as JSON.
func writeChannelAnswer(w http.ResponseWriter, a channelAnswer, reqID string) {
	hdr := w.Header()
	hdr.Set("apns-request-id", reqID)
	if a.channelID != "" {
		hdr.Set("apns-channel-id", a.channelID)
	}
	if a.apnsID != "" {
		hdr.Set("apns-id", a.apnsID)
	}
	var out []byte
	switch {
	case a.reason != "":
		out, _ = json.Marshal(map[string]string{"reason": a.reason})
	case a.body != nil:
		out, _ = json.Marshal(a.body)
	}
	if out == nil {
		w.WriteHeader(a.status)
		return
	}
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(a.status)
	w.Write(out)
}

// isChannelID reports a base64 channel id (Apple: don't assume its size).
func isChannelID(id string) bool {
	b, err := base64.StdEncoding.DecodeString(id)
	return err == nil && len(b) > 0 && len(id) <= 256
}

// newChannelID is 16 random bytes in base64, like Apple's ids.
func newChannelID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}
