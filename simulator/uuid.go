package simulator

import (
	"crypto/rand"
)

// newUUID makes a random (version 4) UUID in canonical 8-4-4-4-12 form.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather than return an error)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b, "0123456789abcdef")
}

// formatUUID writes b as 8-4-4-4-12 groups with the given hex digits.
func formatUUID(b [16]byte, digits string) string {
	var out [36]byte
	j := 0
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j], out[j+1] = digits[c>>4], digits[c&15]
		j += 2
	}
	return string(out[:])
}

// newApnsID is an apns-id as APNs makes them when the client sent none:
// uppercase (APNS-REFERENCE §1.6).
func newApnsID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b, "0123456789ABCDEF")
}

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
