package simulator

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Request limits (APNS-REFERENCE §1.3, §1.5, §5).
const (
	devicePath       = "/3/device/"
	maxCollapseID    = 64  // bytes
	minTokenBytes    = 32  // bytes: every token APNs issues has had at least 32
	maxTokenBytes    = 100 // bytes, i.e. 200 hex digits
	maxPayloadBuffer = appleMaxVoIPPayload
)

// request is what the checks read from an HTTP/2 request.
type request struct {
	token      string
	topic      string   // as sent, or the certificate's default
	pushType   PushType // as sent
	effective  PushType // pushType, or the one the topic's suffix names
	priority   int
	expiration *time.Time
	collapseID string
	apnsID     string // the client's, when valid
	teamID     string
	keyID      string
	tokenValid bool // a provider token passed its checks
}

// verdict is a rejection: the reason and, for Unregistered, its timestamp.
type verdict struct {
	reason    string
	timestamp time.Time
	status    int    // a fault's status; 0: the reason's
	goAway    bool   // a fault: close the connection with a GOAWAY carrying reason
	noAnswer  string // a fault: FaultDrop or FaultReset, no answer
	resetCode uint32 // the RST_STREAM code of FaultReset
}

func reject(reason string) *verdict { return &verdict{reason: reason} }

// check validates r as APNs would, in pushy's order adapted with Apple's
// later reasons (APNS-REFERENCE §9.3), filling req as it goes. It returns
// nil when the notification is accepted.
func (s *Server) check(c *conn, r *http.Request, body []byte, req *request, now time.Time) *verdict {
	for i, id := range r.Header["Apns-Id"] {
		if !isCanonicalUUID(id) {
			return reject("BadMessageId")
		}
		if i == 0 {
			req.apnsID = id
		}
	}
	if r.Method != http.MethodPost {
		return reject("MethodNotAllowed")
	}
	path := r.URL.Path
	if !strings.HasPrefix(path, devicePath) {
		return reject("BadPath")
	}
	req.token = path[len(devicePath):]
	if req.token == "" {
		return reject("MissingDeviceToken")
	}
	for name, values := range r.Header {
		if strings.HasPrefix(name, "Apns-") && len(values) > 1 {
			return reject("DuplicateHeaders")
		}
	}
	h := r.Header
	req.collapseID = first(h, "Apns-Collapse-Id")
	if len(req.collapseID) > maxCollapseID {
		return reject("BadCollapseId")
	}
	req.pushType = PushType(first(h, "Apns-Push-Type"))
	if v, ok := h["Apns-Priority"]; ok {
		p, err := strconv.Atoi(v[0])
		if err != nil || p != 10 && p != 5 && p != 1 || p == 10 && req.pushType == "background" {
			return reject("BadPriority")
		}
		req.priority = p
	}
	if _, ok := h["Apns-Push-Type"]; ok && !knownPushType(string(req.pushType)) {
		return reject("InvalidPushType")
	}
	if v, ok := h["Apns-Expiration"]; ok {
		sec, err := strconv.ParseInt(v[0], 10, 64)
		if err != nil || sec < 0 {
			return reject("BadExpirationDate")
		}
		t := time.Unix(sec, 0)
		req.expiration = &t
	}
	if !isDeviceToken(req.token) {
		return reject("BadDeviceToken")
	}

	req.topic = first(h, "Apns-Topic")
	if v := s.authenticate(c, r, req, now); v != nil {
		return v
	}
	suffix := topicSuffix(req.topic)
	if req.pushType != "" && suffix != suffixOf(string(req.pushType)) {
		return reject("BadTopic")
	}
	req.effective = req.pushType
	if req.effective == "" {
		req.effective = pushTypeOfSuffix(suffix)
	}
	if v := checkLiveActivity(req); v != nil { // liveactivity.go
		return v
	}

	if f := s.injectedFault(req.token); f != nil {
		switch {
		case f.GoAway != "":
			return &verdict{reason: f.GoAway, goAway: true}
		case f.Drop:
			return &verdict{noAnswer: NoAnswerDrop}
		case f.Reset:
			return &verdict{noAnswer: NoAnswerReset, resetCode: uint32(f.ResetCode)}
		case f.Reason == "Unregistered":
			return &verdict{reason: f.Reason, status: f.Status, timestamp: now}
		}
		return &verdict{reason: f.Reason, status: f.Status}
	}
	return s.checkAfterFaults(req, body, now)
}

// checkAfterFaults is the end of check: what the server was told about
// the token, then the payload.
func (s *Server) checkAfterFaults(req *request, body []byte, now time.Time) *verdict {
	if v := s.checkMarks(req, now); v != nil {
		return v
	}
	if len(body) == 0 {
		return reject("PayloadEmpty")
	}
	if len(body) > maxPayloadOf(string(req.effective)) {
		return reject("PayloadTooLarge")
	}
	return nil
}

// authenticate applies the certificate or token rules and the topic rules
// that come with them.
func (s *Server) authenticate(c *conn, r *http.Request, req *request, now time.Time) *verdict {
	if c.auth == AuthCertificate {
		if c.cert == nil {
			return reject("BadCertificate")
		}
		req.teamID = c.cert.teamID
		switch {
		case req.topic == "" && len(c.cert.topics) == 1:
			req.topic = c.cert.topics[0]
		case req.topic == "":
			return reject("MissingTopic")
		case !slices.Contains(c.cert.topics, req.topic):
			return reject("TopicDisallowed")
		}
		return nil
	}
	teamID, keyID, reason := s.authenticateToken(c, first(r.Header, "Authorization"), now)
	if reason != "" {
		return reject(reason)
	}
	req.tokenValid = true
	req.teamID, req.keyID = teamID, keyID
	if req.topic == "" {
		return reject("MissingTopic")
	}
	if !s.teamHasBundle(teamID, bundleOf(req.topic)) {
		return reject("TopicDisallowed")
	}
	return nil
}

// checkMarks answers what the server was told about the token: injected
// faults first, then the token's environment, app and state.
func (s *Server) checkMarks(req *request, now time.Time) *verdict {
	m := s.marksOf(req.token)
	switch {
	case m.fail == "Unregistered":
		return &verdict{reason: m.fail, timestamp: now}
	case m.fail != "":
		return reject(m.fail)
	case m.otherEnvironment, m.environment != "" && m.environment != string(s.Environment):
		return reject("BadDeviceToken")
	case m.bundleID != "" && bundleOf(req.topic) != m.bundleID, m.topics != nil && !m.accepts(req.topic):
		return reject("DeviceTokenNotForTopic")
	case m.expired:
		return reject("ExpiredToken")
	case !m.unregisteredAt.IsZero():
		return &verdict{reason: "Unregistered", timestamp: m.unregisteredAt}
	}
	return nil
}

// isDeviceToken reports whether t is an even number of hex digits of
// minTokenBytes to maxTokenBytes bytes: APNs answers BadDeviceToken to a
// token cut short (1234, or half a <740f4707 bebcf74f …> description), and
// doesn't promise 32 bytes, so longer ones (up to 100) pass (§1.2, §5).
func isDeviceToken(t string) bool {
	if len(t)%2 != 0 || len(t)/2 < minTokenBytes || len(t)/2 > maxTokenBytes {
		return false
	}
	for i := 0; i < len(t); i++ {
		if !isHex(t[i]) {
			return false
		}
	}
	return true
}

// topicSuffix is the push-type suffix topic ends with ("" for none).
func topicSuffix(topic string) string {
	best := ""
	for _, p := range applePushTypes {
		if p.suffix != "" && len(p.suffix) > len(best) && strings.HasSuffix(topic, p.suffix) {
			best = p.suffix
		}
	}
	return best
}

// pushTypeOfSuffix is the push type a topic suffix names (alert for none),
// used when the client sent no apns-push-type.
func pushTypeOfSuffix(suffix string) PushType {
	for _, p := range applePushTypes {
		if p.suffix == suffix {
			return PushType(p.name)
		}
	}
	return "alert"
}

// bundleOf is the bundle id a topic belongs to: the topic without its
// push-type suffix.
func bundleOf(topic string) string {
	return strings.TrimSuffix(topic, topicSuffix(topic))
}

// first is the first value of a header by its canonical name (what
// Header.Get does, without canonicalising the name on every request).
func first(h http.Header, canonical string) string {
	if v := h[canonical]; len(v) > 0 {
		return v[0]
	}
	return ""
}
