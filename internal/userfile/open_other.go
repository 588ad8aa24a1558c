//go:build !unix

package userfile

import "os"

// openNonBlocking is os.Open where O_NONBLOCK does not exist.
func openNonBlocking(path string) (*os.File, error) { return os.Open(path) }
