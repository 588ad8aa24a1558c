//go:build linux && cgo

package ui

// #include <malloc.h>
import "C"

// trimCHeap gives the C heap's free pages back to the system (glibc's
// malloc_trim): textures of text Fyne has let go (the GL driver keeps
// them in malloc's heap under a software renderer) stay resident
// otherwise, in the middle of the heap where free() cannot return them.
func trimCHeap() { C.malloc_trim(0) }
