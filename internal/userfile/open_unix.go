//go:build unix

package userfile

import (
	"os"
	"syscall"
)

// openNonBlocking opens path for reading without blocking: should a named
// pipe have replaced the regular file since it was checked, the open
// returns at once (the check after it refuses the pipe) instead of
// waiting for a writer that may never come.
func openNonBlocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
