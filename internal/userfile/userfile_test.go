//go:build unix

package userfile

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

var testLimit = Limit{Max: 1 << 10, What: "a test file", Fix: "choose the test file"}

// within fails the test when f does not return within a few seconds (a
// FIFO opened for reading blocks until a writer comes).
func within(t *testing.T, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("blocked: the file was opened for reading")
		return nil
	}
}

func TestReadRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no mkfifo:", err)
	}
	sock := filepath.Join(dir, "sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for path, want := range map[string]string{
		fifo:        "is a named pipe (FIFO), not a regular file: choose the test file",
		sock:        "is a socket, not a regular file",
		"/dev/zero": "is a character device, not a regular file",
		dir:         "is a folder, not a regular file: choose a file inside it: choose the test file",
	} {
		err := within(t, func() error { _, err := testLimit.Read(path); return err })
		if !errors.Is(err, ErrNotRegular) || err.Error() != path+" "+want && !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", path, err)
		}
	}
}

func TestReadRefusesAFileOverItsLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(path, make([]byte, 1025), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := testLimit.Read(path)
	if want := path + " is 1,025 bytes, over the 1 KiB limit of a test file: choose the test file"; !errors.Is(err, ErrTooLarge) || err.Error() != want {
		t.Errorf("%v\nwant %s", err, want)
	}
	if err := os.WriteFile(path, make([]byte, 1024), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := testLimit.Read(path); err != nil || len(data) != 1024 {
		t.Errorf("a file at the limit: %d bytes, %v", len(data), err)
	}
}

func TestReadNamesAMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gone.p8")
	_, err := testLimit.Read(path)
	if !errors.Is(err, os.ErrNotExist) || err.Error() != path+" was not found: check the file name and folder" {
		t.Errorf("%v", err)
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{1: "1 byte", 1 << 20: "1 MiB", 20 << 10: "20 KiB", 1025: "1,025 bytes", 1234567: "1,234,567 bytes", 0: "0 bytes"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
	if got := Thousands(-3991); got != "-3,991" {
		t.Errorf("Thousands(-3991) = %q", got)
	}
}
