package cli

import (
	"fmt"

	"apnsconsole/internal/userfile"
	"apnsconsole/sender"
)

// The limits on the files the command line reads (besides credentials,
// whose 1 MiB limit is the credential package's, and token lists, which are
// streamed a line at a time with a limit per line, maxTokenLine). Each file
// is refused, before it is opened, when it is a folder, a named pipe, a
// socket or a device, and is never read past its limit.

// caFile is --ca: a PEM certificate or a few, far under 1 MiB.
var caFile = userfile.Limit{Max: 1 << 20, What: "a CA certificate file",
	Fix: "give the ca.pem that `apns-console serve` wrote, or leave --ca out to trust the system's roots"}

// payloadMargin is what a payload file may hold beyond the push type's
// limit: the indentation, spaces and line breaks of JSON written by hand
// (the payload sent is compacted and checked against the limit itself).
const payloadMargin = 16 << 10

// payloadFile is the limit on --payload @FILE (and --content-state and
// --attributes @FILE) for a push type: its payload limit (4 KiB, 5 KiB for
// VoIP) plus payloadMargin, so 20 KiB for an alert.
func payloadFile(flag string, pt sender.PushType) userfile.Limit {
	return userfile.Limit{Max: int64(pt.MaxPayload()) + payloadMargin,
		What: fmt.Sprintf("a %s file (APNs takes at most %s for the push type %s, and the file may hold %s more of spacing)", flag,
			userfile.FormatSize(int64(pt.MaxPayload())), pushTypeName(pt), userfile.FormatSize(payloadMargin)),
		Fix: "is it the right file? Give the JSON object to send, or the JSON itself instead of @FILE"}
}

func pushTypeName(pt sender.PushType) string {
	if pt == "" {
		return string(sender.PushAlert)
	}
	return string(pt)
}
