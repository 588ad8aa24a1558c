package cli

import (
	"hash/maphash"
	"slices"
)

// seenTokens finds repeated tokens in memory that grows by 8 bytes a
// token, kept off the garbage-collected heap where the system allows
// (seen_unix.go), so a million tokens cost 8 MB and no more: it keeps a
// 64-bit hash of each clean token, not the token. Two different tokens
// share a hash with odds of about n²/2⁶⁵ (1 in 36 million for a million
// tokens).
//
// New hashes go to a small table; when it fills, they are sorted and
// merged into one sorted array, searched by bisection.
type seenTokens struct {
	seed   maphash.Seed
	sorted hashArea // sorted hashes of all but the recent tokens
	recent []uint64 // open-addressing table, 0 = empty
	n      int      // hashes in recent
	full   bool     // the area is full: repeats are no longer found
}

const recentSlots = 1 << 17 // half filled before a merge

// add records tok and reports whether it was seen before.
func (s *seenTokens) add(tok string) bool {
	if s.recent == nil {
		s.seed = maphash.MakeSeed()
		s.recent = make([]uint64, recentSlots)
	}
	h := maphash.String(s.seed, tok) | 1
	if _, found := slices.BinarySearch(s.sorted.hashes(), h); found {
		return true
	}
	if s.insert(h) {
		return true
	}
	if s.n++; s.n == recentSlots/2 {
		s.merge()
	}
	return false
}

// insert puts h in the recent table and reports whether it was there.
func (s *seenTokens) insert(h uint64) bool {
	mask := uint64(len(s.recent) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.recent[i] {
		case 0:
			s.recent[i] = h
			return false
		case h:
			return true
		}
	}
}

// merge moves the recent hashes into the sorted array, merging from the
// end so that no second copy of the array is needed.
func (s *seenTokens) merge() {
	add := make([]uint64, 0, s.n)
	for i, h := range s.recent {
		if h != 0 {
			add = append(add, h)
			s.recent[i] = 0
		}
	}
	s.n = 0
	slices.Sort(add)
	old := len(s.sorted.hashes())
	all, ok := s.sorted.grow(len(add))
	if !ok {
		s.full = true
		return
	}
	i, j := old-1, len(add)-1
	for k := len(all) - 1; j >= 0; k-- {
		if i >= 0 && all[i] > add[j] {
			all[k] = all[i]
			i--
		} else {
			all[k] = add[j]
			j--
		}
	}
}
