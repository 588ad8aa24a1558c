//go:build unix

package credential_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"apnsconsole/internal/userfile"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// A FIFO, a device or a huge file given as the credential is refused at
// once, with the file, the limit and the fix: opening a FIFO used to wait
// for a writer forever, and /dev/zero was read until memory ran out.
func TestLoadRefusesSpecialAndHugeFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "AuthKey_ABCDE12345.p8")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no mkfifo:", err)
	}
	huge := filepath.Join(dir, "huge.p12")
	if err := os.WriteFile(huge, make([]byte, 1<<20+1), 0o600); err != nil {
		t.Fatal(err)
	}
	small := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(small, []byte("not yet a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, want string
		load       func() error
	}{
		{"fifo p8", fifo + " is a named pipe (FIFO), not a regular file", func() error {
			_, err := credential.LoadP8(fifo, apnstest.DemoKeyID, apnstest.DemoTeamID)
			return err
		}},
		{"fifo key", "is a named pipe (FIFO)", func() error { _, err := credential.LoadPEM(small, fifo, ""); return err }},
		{"dev zero p12", "/dev/zero is a character device, not a regular file", func() error { _, err := credential.LoadP12("/dev/zero", ""); return err }},
		{"dev zero any", "/dev/zero is a character device", func() error { _, err := credential.Load("/dev/zero", ""); return err }},
		{"huge p12", huge + " is 1,048,577 bytes, over the 1 MiB limit of a certificate or key file: choose the .p12, .pem or .p8 file",
			func() error { _, err := credential.LoadP12(huge, ""); return err }},
	}
	for _, c := range cases {
		done := make(chan error, 1)
		go func() { done <- c.load() }()
		select {
		case err := <-done:
			wantCredentialError(t, err, nil, c.want)
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: still reading after 5 s", c.name)
		}
	}
	if _, err := credential.InspectFile(fifo, "", time.Now()); !errors.Is(err, userfile.ErrNotRegular) {
		t.Errorf("inspect of a FIFO: %v", err)
	}
}
