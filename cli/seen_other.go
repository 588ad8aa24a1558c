//go:build !unix

package cli

// hashArea is a sorted array of hashes on the heap.
type hashArea struct{ h []uint64 }

func (a *hashArea) hashes() []uint64 { return a.h }

func (a *hashArea) grow(n int) ([]uint64, bool) {
	a.h = append(a.h, make([]uint64, n)...)
	return a.h, true
}
