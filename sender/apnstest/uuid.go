package apnstest

import (
	"crypto/rand"
	"fmt"
	"strings"
)

// newUUID makes a random (version 4) UUID in canonical 8-4-4-4-12 form.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather than return an error)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newApnsID is an apns-id as APNs makes them when the client sent none:
// uppercase (APNS-REFERENCE §1.6).
func newApnsID() string { return strings.ToUpper(newUUID()) }

// isCanonicalUUID reports whether s is 32 hexadecimal digits in groups of
// 8-4-4-4-12. Either case is accepted: Apple documents lowercase but
// answers with uppercase ids, which clients echo back.
func isCanonicalUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
