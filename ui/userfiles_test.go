//go:build unix

package ui

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A FIFO or /dev/zero as the Custom host's CA is refused at once: opening
// a FIFO used to freeze the window until a writer came, /dev/zero to fill
// memory.
func TestCustomCAThatIsNotAFileIsRefused(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "ca.pem")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no mkfifo:", err)
	}
	c := New(newTestApp(t), "test")
	defer c.Close()
	for path, want := range map[string]string{fifo: "is a named pipe (FIFO), not a regular file", "/dev/zero": "is a character device"} {
		c.bar.customHost.SetText("127.0.0.1:2197")
		c.bar.customCA.SetText(path)
		done := make(chan error, 1)
		go func() { _, _, err := c.bar.customTarget(); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), path+" "+want) || !strings.Contains(err.Error(), "choose the ca.pem") {
				t.Errorf("%s: %v", path, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: still reading after 5 s", path)
		}
	}
	// A dropped .pem is read to tell a certificate from a key: a FIFO is not.
	dropped := filepath.Join(t.TempDir(), "dropped.pem")
	if err := syscall.Mkfifo(dropped, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan bool, 1)
	go func() { _, field := c.fieldForFile(dropped); done <- field == c.cred.certPath }()
	select {
	case cert := <-done:
		if !cert {
			t.Error("a dropped .pem that cannot be read is not offered as the certificate")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a dropped FIFO is still being read after 5 s")
	}
}
