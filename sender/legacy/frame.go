package legacy

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strings"

	"apnsconsole/sender"
)

// Format is one of the three notification formats of Apple's retired
// binary provider API (APNS-REFERENCE §4). The zero value is FormatFrame.
type Format string

const (
	// FormatSimple is command 0, the 2009 article's
	// struct.pack("!cH32sH%ds", '\x00', 32, token, len(payload), payload):
	// no identifier, no expiry, and on an error the gateway just closes.
	FormatSimple Format = "simple"
	// FormatEnhanced is command 1: an identifier (echoed in error
	// responses) and an expiry before the token and payload.
	FormatEnhanced Format = "enhanced"
	// FormatFrame is command 2: a frame of items (token, payload,
	// identifier, expiration, priority), payloads up to 2 KB.
	FormatFrame Format = "frame"
)

// Sizes of the binary protocol (APNS-REFERENCE §4.1–4.3, §4.6).
const (
	LegacyPayloadLimit = 256  // commands 0 and 1
	FramePayloadLimit  = 2048 // command 2
	MaxTokenSize       = 100  // "up to 100 bytes" (frame item 1); 32 in practice
	LegacyTokenSize    = 32   // what APNs took in commands 0 and 1
)

// Frame item ids of command 2.
const (
	ItemToken      byte = 1
	ItemPayload    byte = 2
	ItemIdentifier byte = 3
	ItemExpiration byte = 4
	ItemPriority   byte = 5
)

// ParseFormat reads "simple", "enhanced" or "frame" (also the command
// numbers 0, 1 and 2); "" is FormatFrame.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "simple", "0", "legacy":
		return FormatSimple, nil
	case "enhanced", "1":
		return FormatEnhanced, nil
	case "frame", "2", "":
		return FormatFrame, nil
	}
	return "", fmt.Errorf("unknown binary format %q: use simple (command 0, the 2009 article's), enhanced (command 1, with identifiers) or frame (command 2, the last one Apple defined)", s)
}

func (f Format) normal() Format {
	if f == "" {
		return FormatFrame
	}
	return f
}

// Command is the format's first byte on the wire: 0, 1 or 2.
func (f Format) Command() byte {
	switch f.normal() {
	case FormatSimple:
		return 0
	case FormatEnhanced:
		return 1
	}
	return 2
}

// PayloadLimit is the largest payload the format carries: 256 bytes for
// commands 0 and 1, 2048 for frames.
func (f Format) PayloadLimit() int {
	if f.normal() == FormatFrame {
		return FramePayloadLimit
	}
	return LegacyPayloadLimit
}

// HasIdentifiers reports whether the gateway can say which notification
// it refused (every format but simple).
func (f Format) HasIdentifiers() bool { return f.normal() != FormatSimple }

// Describe is the format as one phrase for logs: "frame format (command 2)".
func (f Format) Describe() string {
	return fmt.Sprintf("%s format (command %d)", f.normal(), f.Command())
}

// Check tells whether n can be sent in format f: a token of 1 to 100 bytes,
// a valid payload within the format's limit, a priority the format can
// carry and an expiration that fits in 32 bits. Errors wrap
// ErrInvalidNotification, ErrInvalidToken or (as a *PayloadError)
// ErrInvalidPayload / ErrPayloadTooLarge.
func (f Format) Check(n *sender.Notification) error {
	_, err := f.check(n)
	return err
}

func (f Format) check(n *sender.Notification) (sender.DeviceToken, error) {
	return f.checkWith(n, nil)
}

// payloadMemo remembers the last payload found valid, so that many
// notifications sharing one payload's bytes check it once.
type payloadMemo struct {
	last  []byte
	limit int
}

func (m *payloadMemo) seen(p []byte, limit int) bool {
	return m != nil && len(p) > 0 && len(p) == len(m.last) && &p[0] == &m.last[0] && limit == m.limit
}

// checkWith is check, skipping the payload when memo saw it.
func (f Format) checkWith(n *sender.Notification, memo *payloadMemo) (sender.DeviceToken, error) {
	f = f.normal()
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", sender.ErrInvalidNotification, fmt.Sprintf(format, args...))
	}
	switch f {
	case FormatSimple, FormatEnhanced, FormatFrame:
	default:
		return nil, bad("unknown binary format %q: use simple, enhanced or frame", string(f))
	}
	if n.Token == "" {
		return nil, bad("no device token: paste the token the app received in didRegisterForRemoteNotificationsWithDeviceToken")
	}
	token, err := hex.DecodeString(n.Token) // the usual, clean form
	if err != nil {
		if token, err = sender.ParseToken(n.Token); err != nil { // a pasted form
			return nil, err
		}
	}
	if len(token) > MaxTokenSize {
		return nil, bad("the token is %d bytes; the binary protocol takes at most %d: check that you copied only the token", len(token), MaxTokenSize)
	}
	switch n.Priority {
	case 0, 10:
	case 5:
		if f != FormatFrame {
			return nil, bad("the %s format has no priority (APNs used 10): send with the frame format for priority 5", f)
		}
	case 1:
		return nil, bad("priority 1 exists only in the HTTP/2 API: use 10 (immediately) or 5 (power-considerate)")
	default:
		return nil, bad("priority %d is not allowed: use 10 (immediately) or 5 (power-considerate)", n.Priority)
	}
	if n.Expiration != nil {
		if s := n.Expiration.Unix(); s < 0 || s > math.MaxUint32 {
			return nil, bad("the expiration %s does not fit the protocol's 32-bit UNIX seconds (1970 to 2106): give a date in that range, or 0 to try only once", n.Expiration.UTC().Format("2006-01-02"))
		}
	}
	if memo.seen(n.Payload, f.PayloadLimit()) {
		return token, nil
	}
	if err := sender.ValidatePayload(n.Payload, f.PayloadLimit()); err != nil {
		var pe *sender.PayloadError
		if errors.As(err, &pe) && pe.Size > pe.Limit && f != FormatFrame {
			pe.Fix += fmt.Sprintf("; or send with the frame format, which takes up to %d bytes", FramePayloadLimit)
		}
		return nil, err
	}
	if memo != nil {
		memo.last, memo.limit = n.Payload, f.PayloadLimit()
	}
	return token, nil
}

// Ignored lists, as one-line warnings, what n sets that the binary
// protocol cannot carry: it has no topic, push type, collapse id or
// apns-id (the certificate decides the app and the kind of push).
func (f Format) Ignored(n *sender.Notification) []string {
	var w []string
	if n.Topic != "" {
		w = append(w, fmt.Sprintf("topic %q is ignored: the binary protocol takes the app from the certificate", n.Topic))
	}
	if n.PushType != "" && n.PushType != sender.PushAlert {
		w = append(w, fmt.Sprintf("push type %q is ignored: the binary protocol has none (a VoIP certificate sends VoIP pushes)", n.PushType))
	}
	if n.CollapseID != "" {
		w = append(w, "the collapse id is ignored: the binary protocol has none")
	}
	if n.ApnsID != "" {
		w = append(w, "the apns-id is ignored: the binary protocol uses a 4-byte identifier of its own")
	}
	if f.normal() == FormatEnhanced && n.Expiration == nil {
		w = append(w, "the enhanced format always carries an expiry: with none given it is 0, so APNs tries once and does not store the notification")
	}
	if f.normal() == FormatSimple && n.Expiration != nil {
		w = append(w, "the expiration is ignored: the simple format has none (send with enhanced or frame)")
	}
	return w
}

// Pack checks n (as Check) and packs it in format f, with identifier for
// the enhanced and frame formats (the simple format has none).
//
// Byte layouts (big-endian), APNS-REFERENCE §4:
//
//	simple:   0 | token len (2) | token | payload len (2) | payload
//	enhanced: 1 | identifier (4) | expiry (4) | token len (2) | token | payload len (2) | payload
//	frame:    2 | frame len (4) | items, each id (1) | len (2) | data
//
// A frame holds items 1 (token), 2 (payload) and 3 (identifier), then 4
// (expiration) when n.Expiration is set and 5 (priority) when n.Priority
// is. The enhanced expiry is 0 when n.Expiration is nil.
func (f Format) Pack(n *sender.Notification, identifier uint32) ([]byte, error) {
	return f.AppendPacked(nil, n, identifier)
}

// AppendPacked is Pack appending to dst.
func (f Format) AppendPacked(dst []byte, n *sender.Notification, identifier uint32) ([]byte, error) {
	return f.appendPacked(dst, n, identifier, nil)
}

func (f Format) appendPacked(dst []byte, n *sender.Notification, identifier uint32, memo *payloadMemo) ([]byte, error) {
	token, err := f.checkWith(n, memo)
	if err != nil {
		return dst, err
	}
	var expiry uint32
	if n.Expiration != nil {
		expiry = uint32(n.Expiration.Unix())
	}
	switch f.normal() {
	case FormatSimple:
		return appendSimple(dst, token, n.Payload), nil
	case FormatEnhanced:
		return appendEnhanced(dst, identifier, expiry, token, n.Payload), nil
	}
	return appendFrame(dst, token, n.Payload, identifier, n.Expiration != nil, expiry, n.Priority), nil
}

func appendSimple(dst, token, payload []byte) []byte {
	dst = append(dst, 0)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(token)))
	dst = append(dst, token...)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(payload)))
	return append(dst, payload...)
}

func appendEnhanced(dst []byte, identifier, expiry uint32, token, payload []byte) []byte {
	dst = append(dst, 1)
	dst = binary.BigEndian.AppendUint32(dst, identifier)
	dst = binary.BigEndian.AppendUint32(dst, expiry)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(token)))
	dst = append(dst, token...)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(payload)))
	return append(dst, payload...)
}

func appendFrame(dst, token, payload []byte, identifier uint32, hasExpiry bool, expiry uint32, priority int) []byte {
	dst = append(dst, 2, 0, 0, 0, 0) // the frame length is filled in below
	start := len(dst)
	dst = append(dst, ItemToken)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(token)))
	dst = append(dst, token...)
	dst = append(dst, ItemPayload)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(payload)))
	dst = append(dst, payload...)
	dst = append(dst, ItemIdentifier, 0, 4)
	dst = binary.BigEndian.AppendUint32(dst, identifier)
	if hasExpiry {
		dst = append(dst, ItemExpiration, 0, 4)
		dst = binary.BigEndian.AppendUint32(dst, expiry)
	}
	if priority != 0 {
		dst = append(dst, ItemPriority, 0, 1, byte(priority))
	}
	binary.BigEndian.PutUint32(dst[start-4:start], uint32(len(dst)-start))
	return dst
}
