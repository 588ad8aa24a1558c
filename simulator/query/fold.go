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
// ignoring ASCII case, without copying h: it jumps between the places
// where needle's first byte, in either case, occurs.
func containsFold(h, needle []byte) bool {
	if len(needle) == 0 {
		return true
	}
	if len(h) < len(needle) {
		return false
	}
	first, upper := needle[0], needle[0]
	if 'a' <= first && first <= 'z' {
		upper = first - ('a' - 'A')
	}
	last := len(h) - len(needle) // the last place a match may start
	lo, up := next(h, 0, last, first), -1
	if upper != first {
		up = next(h, 0, last, upper)
	}
	for lo >= 0 || up >= 0 {
		i := lo
		if i < 0 || up >= 0 && up < i {
			i = up
		}
		if equalFold(h[i+1:i+len(needle)], needle[1:]) {
			return true
		}
		if i == lo {
			lo = next(h, i+1, last, first)
		} else {
			up = next(h, i+1, last, upper)
		}
	}
	return false
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
