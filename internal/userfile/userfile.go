// Package userfile reads the files a user names (credentials, CA
// certificates, payloads, token lists) safely: a file that is not a
// regular one (a folder, a named pipe, a socket, a device such as
// /dev/zero) is refused before it is opened for reading, so that opening
// it cannot hang; and every read has a limit, so that a huge file is
// refused instead of filling memory.
package userfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
)

// The causes an *Error wraps, for errors.Is (besides an *fs.PathError).
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("file over its size limit")
)

// Error is a file that was refused or could not be read: the file, what is
// wrong with it, and what to do.
type Error struct {
	Path    string
	Problem string // e.g. "is a named pipe (FIFO), not a regular file"
	Fix     string
	Err     error // ErrNotRegular, ErrTooLarge or an *fs.PathError
}

func (e *Error) Error() string { return e.Path + " " + e.Problem + ": " + e.Fix }

func (e *Error) Unwrap() error { return e.Err }

// Limit is what a kind of file may be: its size limit, what it is called in
// messages, and the advice when the wrong file was given.
type Limit struct {
	Max  int64  // the largest size read, in bytes
	What string // "a credential file"
	Fix  string // "choose the .p12, .pem or .p8 file"
}

// Read reads the regular file at path, at most l.Max bytes: a larger file
// (or one that grows past the limit while it is read) is refused with an
// *Error naming the file, the limit and the fix.
func (l Limit) Read(path string) ([]byte, error) {
	f, err := l.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, l.Max+1))
	if err != nil {
		return nil, &Error{Path: path, Problem: "cannot be read (" + pathErrorText(err) + ")", Fix: "check the file", Err: err}
	}
	if int64(len(data)) > l.Max {
		return nil, l.tooLarge(path, -1)
	}
	return data, nil
}

// Open opens the regular file at path for reading, refusing anything else
// before opening it, and a file already over the limit by its size.
func (l Limit) Open(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, l.statError(path, err)
	}
	if err := l.checkRegular(path, st); err != nil {
		return nil, err
	}
	if st.Size() > l.Max {
		return nil, l.tooLarge(path, st.Size())
	}
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, l.statError(path, err)
	}
	// The path may have been swapped between the Stat and the open: check
	// what was opened.
	if st, err = f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		if err != nil {
			return nil, l.statError(path, err)
		}
		return nil, l.checkRegular(path, st)
	}
	return f, nil
}

// Check refuses a path that is not a regular file, without opening it.
func (l Limit) Check(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return l.statError(path, err)
	}
	return l.checkRegular(path, st)
}

func (l Limit) checkRegular(path string, st fs.FileInfo) error {
	if st.Mode().IsRegular() {
		return nil
	}
	fix := l.Fix
	if st.IsDir() {
		fix = "choose a file inside it: " + fix
	}
	return &Error{Path: path, Problem: "is " + Describe(st.Mode()) + ", not a regular file", Fix: fix, Err: ErrNotRegular}
}

func (l Limit) tooLarge(path string, size int64) error {
	is := "is over"
	if size >= 0 {
		is = "is " + FormatSize(size) + ", over"
	}
	return &Error{Path: path, Problem: fmt.Sprintf("%s the %s limit of %s", is, FormatSize(l.Max), l.What), Fix: l.Fix, Err: ErrTooLarge}
}

func (l Limit) statError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &Error{Path: path, Problem: "was not found", Fix: "check the file name and folder", Err: err}
	case errors.Is(err, fs.ErrPermission):
		return &Error{Path: path, Problem: "may not be read by you", Fix: "make it readable (chmod u+r), or copy it somewhere you can read it", Err: err}
	}
	return &Error{Path: path, Problem: "cannot be opened (" + pathErrorText(err) + ")", Fix: "check the path", Err: err}
}

// Describe names a kind of file that is not a regular one, for messages.
func Describe(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsRegular():
		return "a regular file"
	}
	return "a special file"
}

// FormatSize is a size for people: 1 MiB, 20 KiB, 1,000,000 bytes.
func FormatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	case n == 1:
		return "1 byte"
	}
	return Thousands(n) + " bytes"
}

// Thousands writes n with a comma between groups of three digits: 3,991.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return neg + s
}

func pathErrorText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
