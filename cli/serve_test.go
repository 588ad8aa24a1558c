package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender/apnstest"
)

// runningServe is a `serve` started by a test.
type runningServe struct {
	t      *testing.T
	out    *syncBuffer
	errOut *syncBuffer
	stop   context.CancelFunc
	done   chan int
	addr   string
}

// startServe runs `serve args…` until the test stops it (or ends) and
// waits until it listens.
func startServe(t *testing.T, args ...string) *runningServe {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	r := &runningServe{t: t, out: &syncBuffer{}, errOut: &syncBuffer{}, stop: stop, done: make(chan int, 1)}
	go func() { r.done <- Run(ctx, append([]string{"serve"}, args...), nil, r.out, r.errOut) }()
	t.Cleanup(func() { r.wait() })
	listening := regexp.MustCompile(`listening on https://(\S+) `)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(r.out.String()); m != nil {
			r.addr = m[1]
			return r
		}
		select {
		case code := <-r.done:
			r.done <- code
			t.Fatalf("serve exited %d before listening:\n%s\n%s", code, r.out, r.errOut)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start:\n%s\n%s", r.out, r.errOut)
	return nil
}

// wait stops serve and returns its exit code.
func (r *runningServe) wait() int {
	r.stop()
	select {
	case code := <-r.done:
		r.done <- code
		return code
	case <-time.After(30 * time.Second):
		r.t.Fatal("serve did not stop within 30 s")
		return -1
	}
}

// sendVia runs `send` with the token key in dir against addr.
func sendVia(t *testing.T, addr, dir string, extra ...string) (int, string, string) {
	t.Helper()
	args := append([]string{"send", "--host", addr, "--ca", filepath.Join(dir, apnstest.FileCA),
		"--p8", filepath.Join(dir, apnstest.FileDemoP8), "--key-id", apnstest.DemoKeyID, "--team-id", apnstest.DemoTeamID,
		"--topic", apnstest.DemoBundleID, "--token", apnstest.DemoToken, "--alert", "hi"}, extra...)
	return cli(t, "", args...)
}

// snapshot reads every file of dir with its mode and modification time.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, e := range entries {
		fi, err := os.Lstat(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		m[e.Name()] = fi.Mode().String() + " " + fi.ModTime().String() + " " + string(b)
	}
	return m
}

func sameFiles(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestServeRestartKeepsTrust: a second serve of the same directory reuses
// the CA and keys, so a client configured with the first one's files still
// connects; --fresh makes new ones.
func TestServeRestartKeepsTrust(t *testing.T) {
	dir := t.TempDir()
	first := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir)
	if !strings.Contains(first.out.String(), "New CA and demo credentials") {
		t.Errorf("first serve did not say it made new credentials:\n%s", first.out)
	}
	if code, out, errOut := sendVia(t, first.addr, dir); code != exitOK {
		t.Fatalf("send to the first serve: exit %d\n%s\n%s", code, out, errOut)
	}
	before := snapshot(t, dir)
	if code := first.wait(); code != exitOK {
		t.Fatalf("serve exited %d", code)
	}

	second := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir)
	if !strings.Contains(second.out.String(), "reused from") {
		t.Errorf("second serve did not say it reused the credentials:\n%s", second.out)
	}
	if !sameFiles(before, snapshot(t, dir)) {
		t.Error("the second serve changed the files")
	}
	if code, out, errOut := sendVia(t, second.addr, dir); code != exitOK {
		t.Fatalf("send with the first serve's files to the second: exit %d\n%s\n%s", code, out, errOut)
	}
	second.wait()

	third := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir, "--fresh")
	defer third.wait()
	after := snapshot(t, dir)
	if strings.SplitN(after[apnstest.FileCA], " ", 5)[4] == strings.SplitN(before[apnstest.FileCA], " ", 5)[4] {
		t.Error("--fresh kept the old CA")
	}
}

// TestServeThatCannotListenChangesNoFile: a second serve on a busy address
// fails before it writes anything, even with --fresh.
func TestServeThatCannotListenChangesNoFile(t *testing.T) {
	dir := t.TempDir()
	first := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir)
	defer first.wait()
	before := snapshot(t, dir)
	code, out, errOut := cli(t, "", "serve", "--addr", first.addr, "--dir", dir, "--fresh")
	if code != exitFailure || !strings.Contains(errOut, "cannot listen on "+first.addr) {
		t.Errorf("second serve on %s: exit %d, want 2 with 'cannot listen'\n%s\n%s", first.addr, code, out, errOut)
	}
	if !sameFiles(before, snapshot(t, dir)) {
		t.Error("the failed serve changed the files")
	}
	if code, out, errOut := sendVia(t, first.addr, dir); code != exitOK {
		t.Errorf("the first serve no longer works with its files: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestServeRefusesSymlinksAndFixesKeyModes: a planted symbolic link is not
// written through, and a private key file made 0644 beforehand ends 0600.
func TestServeRefusesSymlinksAndFixesKeyModes(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(dir, apnstest.FileCA)); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cli(t, "", "serve", "--addr", "127.0.0.1:0", "--dir", dir, "--fresh")
	if code != exitFailure || !strings.Contains(errOut, "symbolic link") {
		t.Errorf("serve with a planted link: exit %d, want 2 naming the link\n%s\n%s", code, out, errOut)
	}
	if b, _ := os.ReadFile(victim); !bytes.Equal(b, []byte("precious")) {
		t.Errorf("the link's target was overwritten: %q", b)
	}

	dir2 := t.TempDir()
	for _, f := range []string{apnstest.FileDemoKey, apnstest.FileDemoP8, apnstest.FileCAKey, apnstest.FileDemoP12} {
		if err := os.WriteFile(filepath.Join(dir2, f), []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Join(dir2, f), 0o666)
	}
	s := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir2, "--fresh")
	defer s.wait()
	for _, f := range []string{apnstest.FileDemoKey, apnstest.FileDemoP8, apnstest.FileCAKey, apnstest.FileDemoP12} {
		fi, err := os.Stat(filepath.Join(dir2, f))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v (%v), want 0600", f, fi.Mode().Perm(), err)
		}
	}
	if fi, _ := os.Stat(filepath.Join(dir2, apnstest.FileCA)); fi.Mode().Perm() != 0o644 {
		t.Errorf("%s: mode %v, want 0644", apnstest.FileCA, fi.Mode().Perm())
	}
}
