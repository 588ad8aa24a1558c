package legacy

import (
	"encoding/binary"
	"errors"
	"fmt"

	"apnsconsole/sender"
)

// The status codes of the binary protocol's error response
// (APNS-REFERENCE §4.4). 9 is not used; 10 is Shutdown.
const (
	StatusNoErrors           uint8 = 0
	StatusProcessingError    uint8 = 1
	StatusMissingDeviceToken uint8 = 2
	StatusMissingTopic       uint8 = 3
	StatusMissingPayload     uint8 = 4
	StatusInvalidTokenSize   uint8 = 5
	StatusInvalidTopicSize   uint8 = 6
	StatusInvalidPayloadSize uint8 = 7
	StatusInvalidToken       uint8 = 8
	StatusShutdown           uint8 = 10
	StatusProtocolError      uint8 = 128
	StatusUnknown            uint8 = 255
)

// Status describes one status code of the binary protocol's error
// response.
type Status struct {
	Code        uint8
	Name        string // one word, used as Response.Reason: "InvalidToken"
	Description string // Apple's wording: "Invalid token"
	Hint        string // what the user can do about it
}

// String is "8 Invalid token".
func (s Status) String() string { return fmt.Sprintf("%d %s", s.Code, s.Description) }

// Statuses lists every status Apple documents for the binary
// protocol, in the order of its table.
var Statuses = []Status{
	{StatusNoErrors, "NoErrors", "No errors encountered",
		"The gateway reported no error; it may still close the connection. Anything sent after the identifier is sent again."},
	{StatusProcessingError, "ProcessingError", "Processing error",
		"APNs failed to process this notification on its side: send it again later."},
	{StatusMissingDeviceToken, "MissingDeviceToken", "Missing device token",
		"The token is empty, or a frame lacks item 1 (device token): paste the device token and check the packing."},
	{StatusMissingTopic, "MissingTopic", "Missing topic",
		"The binary protocol takes the topic from the certificate's bundle id: use an Apple Push Services certificate made for the app."},
	{StatusMissingPayload, "MissingPayload", "Missing payload",
		`The payload is empty, or a frame lacks item 2 (payload): send at least {"aps":{}}.`},
	{StatusInvalidTokenSize, "InvalidTokenSize", "Invalid token size",
		"The token length is wrong: 32 bytes for the simple and enhanced formats, at most 100 in a frame. Check that the token was decoded from hex to binary (the article's unhexlify) and that its length field is big-endian."},
	{StatusInvalidTopicSize, "InvalidTopicSize", "Invalid topic size",
		"The certificate's topic is too long for APNs: check that this is a push certificate for the app's bundle id."},
	{StatusInvalidPayloadSize, "InvalidPayloadSize", "Invalid payload size",
		"The payload is over 256 bytes (simple and enhanced formats) or 2048 (frames), or its length field is wrong: shorten it, or use the frame format for up to 2 KB."},
	{StatusInvalidToken, "InvalidToken", "Invalid token",
		"APNs does not know this token in this environment: a development build's token works only with the sandbox gateway, an App Store or TestFlight build's only with production. Or the token was sent as hex text instead of binary."},
	{StatusShutdown, "Shutdown", "Shutdown",
		"The gateway closed the connection (e.g. for maintenance). The identifier is the last notification it took; everything after it is sent again on a new connection."},
	{StatusProtocolError, "ProtocolError", "Protocol error",
		"The gateway could not parse the bytes: a wrong command byte, a little-endian length, or an item the frame format does not define. Compare the bytes with --dry-run's hex."},
	{StatusUnknown, "Unknown", "None (unknown)",
		"APNs gave no reason: send again later."},
}

// LookupStatus describes code; a code Apple never defined gets a
// generic description naming it.
func LookupStatus(code uint8) Status {
	for _, s := range Statuses {
		if s.Code == code {
			return s
		}
	}
	return Status{
		Code:        code,
		Name:        fmt.Sprintf("Status%d", code),
		Description: fmt.Sprintf("status %d, which Apple never defined", code),
		Hint:        "The server is not an APNs gateway, or it is a faulty one: check the host.",
	}
}

// ExplainResponse is Response.Explanation for a Response a
// Client made: its Status is 200 when no error response came, else
// the binary status code.
func ExplainResponse(r *sender.Response) (description, hint string) {
	if r.Accepted() {
		return "No error response: the gateway took it (the binary protocol never confirms delivery).", ""
	}
	if r.Status < 0 || r.Status > 255 {
		return r.Explanation()
	}
	s := LookupStatus(uint8(r.Status))
	return s.Description + ".", s.Hint
}

// ErrorCommand is the first byte of an error response.
const ErrorCommand byte = 8

// ErrorResponseSize is the size of an error response in bytes.
const ErrorResponseSize = 6

// ErrorResponse is the 6-byte packet the gateway writes before it
// closes the connection: command 8, a status and the identifier of the
// notification it refused (for Shutdown: of the last one it took).
type ErrorResponse struct {
	Status     uint8
	Identifier uint32
}

// ErrNotErrorResponse is returned by ParseErrorResponse for bytes that
// are not an error response.
var ErrNotErrorResponse = errors.New("not a binary error response")

// ParseErrorResponse reads the 6-byte packet.
func ParseErrorResponse(b []byte) (ErrorResponse, error) {
	if len(b) != ErrorResponseSize {
		return ErrorResponse{}, fmt.Errorf("%w: %d bytes instead of %d: is this an APNs gateway (port 2195)?", ErrNotErrorResponse, len(b), ErrorResponseSize)
	}
	if b[0] != ErrorCommand {
		return ErrorResponse{}, fmt.Errorf("%w: it starts with %#02x instead of 0x08: is this an APNs gateway (port 2195)?", ErrNotErrorResponse, b[0])
	}
	return ErrorResponse{Status: b[1], Identifier: binary.BigEndian.Uint32(b[2:])}, nil
}

// Bytes is the packet on the wire.
func (e ErrorResponse) Bytes() []byte {
	b := []byte{ErrorCommand, e.Status, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[2:], e.Identifier)
	return b
}

// String is "status 8 (Invalid token) for identifier 42".
func (e ErrorResponse) String() string {
	return fmt.Sprintf("status %d (%s) for identifier %d", e.Status, LookupStatus(e.Status).Description, e.Identifier)
}
