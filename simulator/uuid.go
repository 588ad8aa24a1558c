package simulator

import (
	"strings"

	"github.com/google/uuid"
)

// newUUID makes a random (version 4) UUID in canonical 8-4-4-4-12 form,
// lower case.
func newUUID() string { return uuid.NewString() }

// newApnsID is an apns-id as APNs makes them when the client sent none:
// uppercase (APNS-REFERENCE §1.6).
func newApnsID() string { return strings.ToUpper(uuid.NewString()) }

// isCanonicalUUID reports whether s is 32 hexadecimal digits in groups of
// 8-4-4-4-12 (uuid.Validate alone also takes the urn:uuid:, braced and
// undashed forms, which APNs refuses). Either case is accepted: Apple
// documents lowercase but answers with uppercase ids, which clients echo
// back.
func isCanonicalUUID(s string) bool { return len(s) == 36 && uuid.Validate(s) == nil }

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
