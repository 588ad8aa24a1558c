package sender

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The status codes of the binary protocol's error response
// (APNS-REFERENCE §4.4). 9 is not used; 10 is Shutdown.
const (
	BinaryNoErrors           uint8 = 0
	BinaryProcessingError    uint8 = 1
	BinaryMissingDeviceToken uint8 = 2
	BinaryMissingTopic       uint8 = 3
	BinaryMissingPayload     uint8 = 4
	BinaryInvalidTokenSize   uint8 = 5
	BinaryInvalidTopicSize   uint8 = 6
	BinaryInvalidPayloadSize uint8 = 7
	BinaryInvalidToken       uint8 = 8
	BinaryShutdown           uint8 = 10
	BinaryProtocolError      uint8 = 128
	BinaryUnknown            uint8 = 255
)

// BinaryStatus describes one status code of the binary protocol's error
// response.
type BinaryStatus struct {
	Code        uint8
	Name        string // one word, used as Response.Reason: "InvalidToken"
	Description string // Apple's wording: "Invalid token"
	Hint        string // what the user can do about it
}

// String is "8 Invalid token".
func (s BinaryStatus) String() string { return fmt.Sprintf("%d %s", s.Code, s.Description) }

// BinaryStatuses lists every status Apple documents for the binary
// protocol, in the order of its table.
var BinaryStatuses = []BinaryStatus{
	{BinaryNoErrors, "NoErrors", "No errors encountered",
		"The gateway reported no error; it may still close the connection. Anything sent after the identifier is sent again."},
	{BinaryProcessingError, "ProcessingError", "Processing error",
		"APNs failed to process this notification on its side: send it again later."},
	{BinaryMissingDeviceToken, "MissingDeviceToken", "Missing device token",
		"The token is empty, or a frame lacks item 1 (device token): paste the device token and check the packing."},
	{BinaryMissingTopic, "MissingTopic", "Missing topic",
		"The binary protocol takes the topic from the certificate's bundle id: use an Apple Push Services certificate made for the app."},
	{BinaryMissingPayload, "MissingPayload", "Missing payload",
		`The payload is empty, or a frame lacks item 2 (payload): send at least {"aps":{}}.`},
	{BinaryInvalidTokenSize, "InvalidTokenSize", "Invalid token size",
		"The token length is wrong: 32 bytes for the simple and enhanced formats, at most 100 in a frame. Check that the token was decoded from hex to binary (the article's unhexlify) and that its length field is big-endian."},
	{BinaryInvalidTopicSize, "InvalidTopicSize", "Invalid topic size",
		"The certificate's topic is too long for APNs: check that this is a push certificate for the app's bundle id."},
	{BinaryInvalidPayloadSize, "InvalidPayloadSize", "Invalid payload size",
		"The payload is over 256 bytes (simple and enhanced formats) or 2048 (frames), or its length field is wrong: shorten it, or use the frame format for up to 2 KB."},
	{BinaryInvalidToken, "InvalidToken", "Invalid token",
		"APNs does not know this token in this environment: a development build's token works only with the sandbox gateway, an App Store or TestFlight build's only with production. Or the token was sent as hex text instead of binary."},
	{BinaryShutdown, "Shutdown", "Shutdown",
		"The gateway closed the connection (e.g. for maintenance). The identifier is the last notification it took; everything after it is sent again on a new connection."},
	{BinaryProtocolError, "ProtocolError", "Protocol error",
		"The gateway could not parse the bytes: a wrong command byte, a little-endian length, or an item the frame format does not define. Compare the bytes with --dry-run's hex."},
	{BinaryUnknown, "Unknown", "None (unknown)",
		"APNs gave no reason: send again later."},
}

// LookupBinaryStatus describes code; a code Apple never defined gets a
// generic description naming it.
func LookupBinaryStatus(code uint8) BinaryStatus {
	for _, s := range BinaryStatuses {
		if s.Code == code {
			return s
		}
	}
	return BinaryStatus{
		Code:        code,
		Name:        fmt.Sprintf("Status%d", code),
		Description: fmt.Sprintf("status %d, which Apple never defined", code),
		Hint:        "The server is not an APNs gateway, or it is a faulty one: check the host.",
	}
}

// ExplainBinaryResponse is Response.Explanation for a Response a
// BinaryClient made: its Status is 200 when no error response came, else
// the binary status code.
func ExplainBinaryResponse(r *Response) (description, hint string) {
	if r.Accepted() {
		return "No error response: the gateway took it (the binary protocol never confirms delivery).", ""
	}
	if r.Status < 0 || r.Status > 255 {
		return r.Explanation()
	}
	s := LookupBinaryStatus(uint8(r.Status))
	return s.Description + ".", s.Hint
}

// BinaryErrorCommand is the first byte of an error response.
const BinaryErrorCommand byte = 8

// BinaryErrorResponseSize is the size of an error response in bytes.
const BinaryErrorResponseSize = 6

// BinaryErrorResponse is the 6-byte packet the gateway writes before it
// closes the connection: command 8, a status and the identifier of the
// notification it refused (for Shutdown: of the last one it took).
type BinaryErrorResponse struct {
	Status     uint8
	Identifier uint32
}

// ErrNotErrorResponse is returned by ParseBinaryErrorResponse for bytes that
// are not an error response.
var ErrNotErrorResponse = errors.New("not a binary error response")

// ParseBinaryErrorResponse reads the 6-byte packet.
func ParseBinaryErrorResponse(b []byte) (BinaryErrorResponse, error) {
	if len(b) != BinaryErrorResponseSize {
		return BinaryErrorResponse{}, fmt.Errorf("%w: %d bytes instead of %d: is this an APNs gateway (port 2195)?", ErrNotErrorResponse, len(b), BinaryErrorResponseSize)
	}
	if b[0] != BinaryErrorCommand {
		return BinaryErrorResponse{}, fmt.Errorf("%w: it starts with %#02x instead of 0x08: is this an APNs gateway (port 2195)?", ErrNotErrorResponse, b[0])
	}
	return BinaryErrorResponse{Status: b[1], Identifier: binary.BigEndian.Uint32(b[2:])}, nil
}

// Bytes is the packet on the wire.
func (e BinaryErrorResponse) Bytes() []byte {
	b := []byte{BinaryErrorCommand, e.Status, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[2:], e.Identifier)
	return b
}

// String is "status 8 (Invalid token) for identifier 42".
func (e BinaryErrorResponse) String() string {
	return fmt.Sprintf("status %d (%s) for identifier %d", e.Status, LookupBinaryStatus(e.Status).Description, e.Identifier)
}
