//go:build !linux || !cgo

package ui

// trimCHeap has nothing to do here: only glibc's malloc keeps freed pages
// the way trim_linux.go gives back.
func trimCHeap() {}
