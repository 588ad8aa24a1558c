//go:build unix

package cli

import (
	"syscall"
	"unsafe"
)

// hashArea is a sorted array of hashes in memory mapped from the system,
// outside the garbage-collected heap: the address space is reserved up
// front (1 GiB, 134 million tokens) and only the pages written count.
type hashArea struct {
	mem []byte   // the whole mapping; nil until first grown
	h   []uint64 // the hashes in it
}

const hashAreaBytes = 1 << 30

func (a *hashArea) hashes() []uint64 { return a.h }

// grow lengthens the array by n and returns it, or false when the area
// is full (or cannot be mapped).
func (a *hashArea) grow(n int) ([]uint64, bool) {
	if a.mem == nil {
		mem, err := syscall.Mmap(-1, 0, hashAreaBytes, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
		if err != nil {
			return nil, false
		}
		a.mem = mem
	}
	size := len(a.h) + n
	if size*8 > len(a.mem) {
		return nil, false
	}
	a.h = unsafe.Slice((*uint64)(unsafe.Pointer(&a.mem[0])), size)
	return a.h, true
}
