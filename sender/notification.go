package sender

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"apnsconsole/sender/credential"
)

// Notification is one push to one device, as sent over HTTP/2: the token,
// the apns- headers and the payload.
type Notification struct {
	Token      string     // clean lowercase hex (DeviceToken.String())
	Topic      string     // "" = the credential's default topic, with the push type's suffix
	PushType   PushType   // "" = alert
	Priority   int        // 0 = header omitted (APNs then uses 10); else 10, 5 or 1
	Expiration *time.Time // nil = header omitted; time.Unix(0, 0) = "0", try once and don't store
	CollapseID string     // at most 64 bytes
	ApnsID     string     // "" = APNs assigns one
	Payload    []byte
}

// ErrInvalidNotification is wrapped by every error of Notification.Validate.
var ErrInvalidNotification = errors.New("invalid notification")

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Validate checks the headers and payload as APNs would, so that mistakes
// are explained before anything is sent.
func (n *Notification) Validate() error {
	if err := n.validateHeaders(); err != nil {
		return err
	}
	return ValidatePayload(n.Payload, n.pushType().MaxPayload())
}

// validateHeaders is Validate without the payload.
func (n *Notification) validateHeaders() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidNotification, fmt.Sprintf(format, args...))
	}
	if n.Token == "" {
		return bad("no device token: paste the token the app received in didRegisterForRemoteNotificationsWithDeviceToken")
	}
	if !isCleanHex(n.Token) { // a clean token, as DeviceToken.String makes, needs no parsing
		if _, err := ParseToken(n.Token); err != nil {
			return err
		}
	}
	if n.PushType != "" && !n.PushType.Known() {
		return bad("unknown push type %q: use one of alert, background, voip, complication, fileprovider, mdm, liveactivity, location, pushtotalk, widgets, controls", n.PushType)
	}
	switch n.Priority {
	case 0, 10, 5, 1:
	default:
		return bad("priority %d is not allowed: use 10 (immediately), 5 (power-considerate) or 1 (lowest)", n.Priority)
	}
	if n.PushType == PushBackground && n.Priority == 10 {
		return bad("background pushes must use priority 5, not 10: choose priority 5")
	}
	if len(n.CollapseID) > 64 {
		return bad("the collapse id is %d bytes, over the 64-byte limit: shorten it", len(n.CollapseID))
	}
	if n.ApnsID != "" && !uuidPattern.MatchString(n.ApnsID) {
		return bad("apns-id %q is not a UUID: use the form 123e4567-e89b-12d3-a456-4266554400a0, or leave it empty and APNs makes one", n.ApnsID)
	}
	if n.Expiration != nil && n.Expiration.Unix() < 0 {
		return bad("the expiration is before 1970: give UNIX seconds, or 0 to try only once")
	}
	return nil
}

// isHexPairs reports hex digits (either case) in pairs and nothing else:
// a form ParseToken accepts as it is.
func isHexPairs(s string) bool {
	if s == "" || len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// isCleanHex reports lowercase hex digits in pairs: the form ParseToken
// always accepts as it is.
func isCleanHex(s string) bool {
	if s == "" || len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func (n *Notification) pushType() PushType {
	if n.PushType == "" {
		return PushAlert
	}
	return n.PushType
}

// Header is the apns- headers of the request, without authorization.
// topic is the resolved topic ("" leaves the header out).
func (n *Notification) Header(topic string) http.Header {
	h := http.Header{}
	h.Set("apns-push-type", string(n.pushType()))
	if topic != "" {
		h.Set("apns-topic", topic)
	}
	if n.Priority != 0 {
		h.Set("apns-priority", strconv.Itoa(n.Priority))
	}
	if n.Expiration != nil {
		h.Set("apns-expiration", strconv.FormatInt(n.Expiration.Unix(), 10))
	}
	if n.CollapseID != "" {
		h.Set("apns-collapse-id", n.CollapseID)
	}
	if n.ApnsID != "" {
		h.Set("apns-id", n.ApnsID)
	}
	h.Set("content-type", "application/json")
	return h
}

// fields is Header as the lowercase name-value pairs put on the wire,
// in the same order on every request (good for HPACK).
func (n *Notification) fields(topic string) [][2]string {
	f := make([][2]string, 0, 7)
	f = append(f, [2]string{"apns-push-type", string(n.pushType())})
	if topic != "" {
		f = append(f, [2]string{"apns-topic", topic})
	}
	if n.Priority != 0 {
		f = append(f, [2]string{"apns-priority", strconv.Itoa(n.Priority)})
	}
	if n.Expiration != nil {
		f = append(f, [2]string{"apns-expiration", strconv.FormatInt(n.Expiration.Unix(), 10)})
	}
	if n.CollapseID != "" {
		f = append(f, [2]string{"apns-collapse-id", n.CollapseID})
	}
	if n.ApnsID != "" {
		f = append(f, [2]string{"apns-id", n.ApnsID})
	}
	return append(f, [2]string{"content-type", "application/json"})
}

// ResolveTopic gives the apns-topic for n sent with cred: n.Topic when set,
// else the certificate's bundle id with the push type's suffix. A .p8 key
// has no default, so its topic must be given.
func (n *Notification) ResolveTopic(cred *credential.Credential) (string, error) {
	if n.Topic != "" {
		return n.Topic, nil
	}
	if cred != nil {
		if base := cred.DefaultTopic(); base != "" {
			return n.pushType().TopicFor(base), nil
		}
	}
	if cred != nil && cred.Kind == credential.KindP8 {
		return "", fmt.Errorf("%w: a .p8 key needs a topic: type the app's bundle id (e.g. com.example.app)", ErrInvalidNotification)
	}
	return "", nil
}
