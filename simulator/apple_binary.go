package simulator

import (
	"encoding/binary"
	"time"
)

// The binary protocol's tables (APNS-REFERENCE §4: Apple's retired
// "Binary Provider API" and the 2009 article), written out here for the
// gateway rather than taken from package sender/legacy, so that a mistake
// in the client's is caught, not copied. Tests pin them.

// GatewayFormat is a binary notification's format, from its command byte.
type GatewayFormat string

// The formats (§4.1–4.3).
const (
	FormatSimple   GatewayFormat = "simple"   // command 0: token and payload
	FormatEnhanced GatewayFormat = "enhanced" // command 1: identifier and expiry, then token and payload
	FormatFrame    GatewayFormat = "frame"    // command 2: a frame of items
)

// The status codes of the binary protocol's error response (§4.4).
const (
	binaryNoErrors           uint8 = 0
	binaryProcessingError    uint8 = 1
	binaryMissingDeviceToken uint8 = 2
	binaryMissingTopic       uint8 = 3
	binaryMissingPayload     uint8 = 4
	binaryInvalidTokenSize   uint8 = 5
	binaryInvalidTopicSize   uint8 = 6
	binaryInvalidPayloadSize uint8 = 7
	binaryInvalidToken       uint8 = 8
	binaryShutdown           uint8 = 10
	binaryProtocolError      uint8 = 128
	binaryUnknown            uint8 = 255
)

// binaryErrorCommand is the command byte of an error response.
const binaryErrorCommand = 8

// binaryErrorResponse is the six bytes the gateway sends before it closes:
// command 8, the status, and the identifier of the notification at fault.
func binaryErrorResponse(status uint8, identifier uint32) []byte {
	b := []byte{binaryErrorCommand, status, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[2:], identifier)
	return b
}

// FeedbackTuple is one entry of the feedback service's list (§4.5): when
// the app was found gone from the device, and its token.
type FeedbackTuple struct {
	Time  time.Time // second precision, UTC
	Token []byte
}

// appendFeedbackTuple appends t as the feedback service sends it: the
// time (seconds since 1970, 4 bytes), the token's length (2 bytes) and the
// token, big-endian. A token longer than 65535 bytes is cut (none is).
func appendFeedbackTuple(dst []byte, t FeedbackTuple) []byte {
	token := t.Token
	if len(token) > 0xFFFF {
		token = token[:0xFFFF]
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(t.Time.Unix()))
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(token)))
	return append(dst, token...)
}
