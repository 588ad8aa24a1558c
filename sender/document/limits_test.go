//go:build unix

package document

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A named pipe or a device is refused before it is opened (opening a FIFO
// waits for a writer), and a document over 64 MiB is refused with the
// limit.
func TestReadRefusesPipesDevicesAndHugeFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "push.apns")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no mkfifo:", err)
	}
	huge := filepath.Join(dir, "huge.apnsconsole")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(64<<20 + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	for path, want := range map[string]error{fifo: ErrNotRegularFile, "/dev/zero": ErrNotRegularFile, huge: ErrFileTooLarge} {
		done := make(chan error, 1)
		go func() { _, err := ReadConsole(path); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, want) || !strings.HasPrefix(err.Error(), path+": this is ") {
				t.Errorf("%s: %v, want %v", path, err, want)
			}
			if want == ErrFileTooLarge && !strings.Contains(err.Error(), "over the 64 MiB limit of a push document") {
				t.Errorf("the limit is not named: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: still reading after 5 s", path)
		}
	}
}
