package legacy

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// HexDump is b as `hexdump -C` lines (offset, 16 bytes in hex, ASCII), for
// comparing a frame with one's own packing; no lines for no bytes.
func HexDump(b []byte) []string {
	if len(b) == 0 {
		return nil // not one blank line
	}
	return strings.Split(strings.TrimSuffix(hex.Dump(b), "\n"), "\n")
}

// FrameField is one field of a packed binary notification.
type FrameField struct {
	Offset int
	Bytes  []byte
	Label  string // e.g. "token length 32", "item 3 (identifier), 4 bytes"
}

// ErrMalformedFrame is returned by FrameLayout for bytes that are not one
// whole binary notification.
var ErrMalformedFrame = errors.New("malformed binary notification")

// FrameLayout splits a packed notification (any of the three formats)
// into its fields, for --dry-run and the log. It is a reader for display,
// not a validator: lengths are taken as written.
func FrameLayout(frame []byte) ([]FrameField, error) {
	l := &layout{b: frame}
	if len(frame) == 0 {
		return nil, fmt.Errorf("%w: no bytes", ErrMalformedFrame)
	}
	switch frame[0] {
	case 0:
		l.take(1, "command 0 (simple)")
		l.tokenAndPayload()
	case 1:
		l.take(1, "command 1 (enhanced)")
		l.uint32Field("identifier %d")
		l.expiry("expiry")
		l.tokenAndPayload()
	case 2:
		l.take(1, "command 2 (frame)")
		n, ok := l.uint32Field("frame length %d")
		if ok && int(n) != len(frame)-l.off {
			l.err = fmt.Errorf("%w: the frame length says %d bytes of items, but %d follow", ErrMalformedFrame, n, len(frame)-l.off)
		}
		for l.err == nil && l.off < len(frame) {
			l.item()
		}
	default:
		return nil, fmt.Errorf("%w: command %d is not 0, 1 or 2", ErrMalformedFrame, frame[0])
	}
	if l.err == nil && l.off != len(frame) {
		l.err = fmt.Errorf("%w: %d bytes left over after the notification", ErrMalformedFrame, len(frame)-l.off)
	}
	return l.fields, l.err
}

type layout struct {
	b      []byte
	off    int
	fields []FrameField
	err    error
}

func (l *layout) take(n int, label string) ([]byte, bool) {
	if l.err != nil {
		return nil, false
	}
	if n > len(l.b)-l.off {
		l.err = fmt.Errorf("%w: %s needs %d bytes at offset %d, %d are left", ErrMalformedFrame, label, n, l.off, len(l.b)-l.off)
		return nil, false
	}
	b := l.b[l.off : l.off+n]
	l.fields = append(l.fields, FrameField{Offset: l.off, Bytes: b, Label: label})
	l.off += n
	return b, true
}

// peek16 reads a big-endian uint16 without taking it.
func (l *layout) peek16() (int, bool) {
	if l.err != nil || len(l.b)-l.off < 2 {
		return 0, false
	}
	return int(binary.BigEndian.Uint16(l.b[l.off:])), true
}

func (l *layout) uint32Field(format string) (uint32, bool) {
	if l.err != nil || len(l.b)-l.off < 4 {
		_, ok := l.take(4, strings.TrimSuffix(format, " %d"))
		return 0, ok
	}
	v := binary.BigEndian.Uint32(l.b[l.off:])
	l.take(4, fmt.Sprintf(format, v))
	return v, true
}

func (l *layout) expiry(name string) {
	if l.err != nil || len(l.b)-l.off < 4 {
		l.take(4, name)
		return
	}
	l.take(4, name+" "+describeExpiry(binary.BigEndian.Uint32(l.b[l.off:])))
}

func describeExpiry(v uint32) string {
	if v == 0 {
		return "0 (try once, do not store)"
	}
	return fmt.Sprintf("%d (%s)", v, time.Unix(int64(v), 0).UTC().Format(time.RFC3339))
}

func (l *layout) tokenAndPayload() {
	if n, ok := l.peek16(); ok {
		l.take(2, fmt.Sprintf("token length %d", n))
		l.take(n, "device token")
	} else {
		l.take(2, "token length")
	}
	if n, ok := l.peek16(); ok {
		l.take(2, fmt.Sprintf("payload length %d", n))
		l.take(n, "payload")
	} else {
		l.take(2, "payload length")
	}
}

var itemNames = map[byte]string{
	ItemToken:      "device token",
	ItemPayload:    "payload",
	ItemIdentifier: "identifier",
	ItemExpiration: "expiration",
	ItemPriority:   "priority",
}

func (l *layout) item() {
	if len(l.b)-l.off < 3 {
		l.take(3, "item header")
		return
	}
	id := l.b[l.off]
	n := int(binary.BigEndian.Uint16(l.b[l.off+1:]))
	name, known := itemNames[id]
	if !known {
		name = "unknown to APNs"
	}
	l.take(3, fmt.Sprintf("item %d (%s), %d bytes", id, name, n))
	data, ok := l.take(n, name)
	if !ok {
		return
	}
	last := &l.fields[len(l.fields)-1]
	switch {
	case id == ItemIdentifier && n == 4:
		last.Label = fmt.Sprintf("identifier %d", binary.BigEndian.Uint32(data))
	case id == ItemExpiration && n == 4:
		last.Label = "expiration " + describeExpiry(binary.BigEndian.Uint32(data))
	case id == ItemPriority && n == 1:
		last.Label = fmt.Sprintf("priority %d", data[0])
	}
}
