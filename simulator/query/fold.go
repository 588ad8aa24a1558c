package query

import "bytes"

// fold is b with ASCII letters lowercased (a copy).
func fold(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// containsFold reports whether h contains needle (already folded),
// ignoring ASCII case, without copying h: it jumps (bytes.IndexByte)
// between the places where needle's rarest byte, in either case, occurs,
// and compares the rest there.
func containsFold(h, needle []byte) bool {
	if len(needle) == 0 {
		return true
	}
	if len(h) < len(needle) {
		return false
	}
	k := rarest(needle)
	c := needle[k]
	lower, upper := c, c
	if 'a' <= c && c <= 'z' {
		upper = c - ('a' - 'A')
	}
	// The rare byte sits at k in a match, so at k to last+k in h.
	from, last := k, len(h)-len(needle)+k
	lo, up := next(h, from, last, lower), -1
	if upper != lower {
		up = next(h, from, last, upper)
	}
	for lo >= 0 || up >= 0 {
		i := lo
		if i < 0 || up >= 0 && up < i {
			i = up
		}
		if equalFold(h[i-k:i-k+len(needle)], needle) {
			return true
		}
		if i == lo {
			lo = next(h, i+1, last, lower)
		} else {
			up = next(h, i+1, last, upper)
		}
	}
	return false
}

// rarest is the index of the byte of needle least likely in a payload:
// JSON punctuation and spaces are the most common, then letters in the
// order of their frequency in English text, then digits; anything else
// is rare.
func rarest(needle []byte) int {
	best, bestRank := 0, -1
	for i, c := range needle {
		r := rarity(c)
		if r > bestRank {
			best, bestRank = i, r
		}
	}
	return best
}

const lettersByFrequency = "etaoinsrhldcumfpgwybvkxjqz"

func rarity(c byte) int {
	switch {
	case c == ' ' || c == '"' || c == ':' || c == ',' || c == '{' || c == '}':
		return 0
	case 'a' <= c && c <= 'z':
		for i := 0; i < len(lettersByFrequency); i++ {
			if lettersByFrequency[i] == c {
				return 1 + i
			}
		}
	case '0' <= c && c <= '9':
		return 30
	}
	return 40
}

// next is the first index from i to last (inclusive) where h holds c, or -1.
func next(h []byte, i, last int, c byte) int {
	if i > last {
		return -1
	}
	j := bytes.IndexByte(h[i:last+1], c)
	if j < 0 {
		return -1
	}
	return i + j
}

// equalFold compares a with folded b, ignoring ASCII case.
func equalFold(a, b []byte) bool {
	for i, c := range a {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != b[i] {
			return false
		}
	}
	return true
}
