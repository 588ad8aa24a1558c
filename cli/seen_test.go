package cli

import (
	"fmt"
	"testing"
)

func TestSeenTokensFindsRepeatsAcrossMerges(t *testing.T) {
	var s seenTokens
	const n = 3*recentSlots/2 + 1000 // past several merges
	for i := range n {
		if s.add(fmt.Sprintf("%064x", i)) {
			t.Fatalf("token %d reported as a repeat the first time", i)
		}
	}
	for _, i := range []int{0, 1, recentSlots/2 - 1, recentSlots / 2, recentSlots, n - 1} {
		if !s.add(fmt.Sprintf("%064x", i)) {
			t.Errorf("token %d not found again", i)
		}
	}
	h := s.sorted.hashes()
	for i := 1; i < len(h); i++ {
		if h[i-1] >= h[i] {
			t.Fatalf("hashes not sorted at %d", i)
		}
	}
	if len(h) < recentSlots {
		t.Errorf("%d hashes merged, want at least %d", len(h), recentSlots)
	}
}
