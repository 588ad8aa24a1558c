package simulator

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"io"
	"time"
)

// Sizes the gateway checks, as APNs did (APNS-REFERENCE §4.1–4.3). They are
// written out here rather than taken from package sender so that the
// simulator does not share the client's mistakes.
const (
	// gatewayToken is the only token size taken, in every format (status
	// 5 otherwise): Apple documented frame item 1 as "up to 100 bytes",
	// but every token its binary gateway saw was 32 bytes.
	gatewayToken         = 32
	gatewayLegacyPayload = 256  // commands 0 and 1
	gatewayFramePayload  = 2048 // command 2
	// gatewayMaxFrame bounds the frame length the gateway reads before it
	// calls the frame unparseable (a little-endian length, say).
	gatewayMaxFrame = 1 << 17
)

// receivedFrame is one notification as the gateway read it.
type receivedFrame struct {
	format     GatewayFormat
	identifier uint32
	expiration *time.Time
	priority   int
	token      []byte
	payload    []byte
	raw        []byte
}

func (f *receivedFrame) record(conn uint64, now time.Time, status uint8) GatewayRecord {
	return GatewayRecord{
		Time:       now,
		Conn:       conn,
		Format:     f.format,
		Identifier: f.identifier,
		Expiration: f.expiration,
		Priority:   f.priority,
		Token:      hex.EncodeToString(f.token),
		Payload:    keptBytes(f.payload),
		Frame:      keptBytes(f.raw),
		Status:     status,
	}
}

// gatewayKeep is the most of a notification's bytes a record keeps: a
// valid frame is about 2 KB, but a refused one may announce up to
// gatewayMaxFrame, and Keep records of those would hold over a gigabyte.
const gatewayKeep = 4096

func keptBytes(b []byte) []byte {
	if len(b) > gatewayKeep {
		return append([]byte(nil), b[:gatewayKeep]...) // a copy: the rest is freed
	}
	return b
}

// frameReader reads a notification's fields, keeping its raw bytes.
type frameReader struct {
	r   *bufio.Reader
	raw []byte
}

func (fr *frameReader) read(n int) ([]byte, error) {
	start := len(fr.raw)
	fr.raw = append(fr.raw, make([]byte, n)...)
	if _, err := io.ReadFull(fr.r, fr.raw[start:]); err != nil {
		return nil, err
	}
	return fr.raw[start:], nil
}

func (fr *frameReader) uint16() (int, error) {
	b, err := fr.read(2)
	if err != nil {
		return 0, err
	}
	return int(binary.BigEndian.Uint16(b)), nil
}

func (fr *frameReader) uint32() (uint32, error) {
	b, err := fr.read(4)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b), nil
}

// readNotification reads one notification. It returns the status of the
// error response the notification earns (0 when it is well formed), and
// an error only when the connection ended or broke, before or inside the
// notification. A bad length is answered at once, without reading what
// it announces.
func readNotification(r *bufio.Reader) (*receivedFrame, uint8, error) {
	cmd, err := r.ReadByte()
	if err != nil {
		return nil, 0, err
	}
	fr := &frameReader{r: r, raw: []byte{cmd}}
	f := &receivedFrame{}
	var status uint8
	switch cmd {
	case 0:
		f.format = FormatSimple
		status, err = readLegacy(fr, f)
	case 1:
		f.format = FormatEnhanced
		if f.identifier, err = fr.uint32(); err != nil {
			return nil, 0, err
		}
		var expiry uint32
		if expiry, err = fr.uint32(); err != nil {
			return nil, 0, err
		}
		t := time.Unix(int64(expiry), 0).UTC()
		f.expiration = &t
		status, err = readLegacy(fr, f)
	case 2:
		f.format = FormatFrame
		status, err = readFrame(fr, f)
	default:
		// An unknown command: APNs cannot parse anything further.
		status = binaryProtocolError
	}
	if err != nil {
		return nil, 0, err
	}
	f.raw = fr.raw
	return f, status, nil
}

// readLegacy reads the token and payload of commands 0 and 1.
func readLegacy(fr *frameReader, f *receivedFrame) (uint8, error) {
	n, err := fr.uint16()
	if err != nil {
		return 0, err
	}
	switch {
	case n == 0:
		return binaryMissingDeviceToken, nil
	case n != gatewayToken:
		return binaryInvalidTokenSize, nil
	}
	tok, err := fr.read(n)
	if err != nil {
		return 0, err
	}
	f.token = append([]byte(nil), tok...)
	if n, err = fr.uint16(); err != nil {
		return 0, err
	}
	switch {
	case n == 0:
		return binaryMissingPayload, nil
	case n > gatewayLegacyPayload:
		return binaryInvalidPayloadSize, nil
	}
	p, err := fr.read(n)
	if err != nil {
		return 0, err
	}
	f.payload = append([]byte(nil), p...)
	return binaryNoErrors, nil
}

// readFrame reads the items of command 2.
func readFrame(fr *frameReader, f *receivedFrame) (uint8, error) {
	size, err := fr.uint32()
	if err != nil {
		return 0, err
	}
	if size > gatewayMaxFrame {
		return binaryProtocolError, nil
	}
	body, err := fr.read(int(size))
	if err != nil {
		return 0, err
	}
	seen := map[byte]bool{}
	for len(body) > 0 {
		if len(body) < 3 {
			return binaryProtocolError, nil
		}
		id, n := body[0], int(binary.BigEndian.Uint16(body[1:3]))
		body = body[3:]
		if n > len(body) || seen[id] {
			return binaryProtocolError, nil
		}
		seen[id] = true
		data := body[:n]
		body = body[n:]
		switch id {
		case 1: // the body is the last read, so data stays valid in fr.raw
			f.token = data
		case 2:
			f.payload = data
		case 3:
			if n != 4 {
				return binaryProtocolError, nil
			}
			f.identifier = binary.BigEndian.Uint32(data)
		case 4:
			if n != 4 {
				return binaryProtocolError, nil
			}
			t := time.Unix(int64(binary.BigEndian.Uint32(data)), 0).UTC()
			f.expiration = &t
		case 5:
			if n != 1 || data[0] != 10 && data[0] != 5 {
				return binaryProtocolError, nil
			}
			f.priority = int(data[0])
		default:
			return binaryProtocolError, nil
		}
	}
	switch {
	case len(f.token) == 0:
		return binaryMissingDeviceToken, nil
	case len(f.token) != gatewayToken:
		return binaryInvalidTokenSize, nil
	case len(f.payload) == 0:
		return binaryMissingPayload, nil
	case len(f.payload) > gatewayFramePayload:
		return binaryInvalidPayloadSize, nil
	}
	return binaryNoErrors, nil
}
