//lint:file-ignore SA1019 x/net/http2's client is what sideshow/apns2 and most Go APNs clients use: the simulator is tested against it

package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
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

// rawPost sends one POST to path on a serve, trusting the CA in dir.
func rawPost(t *testing.T, addr, dir, path string) int {
	t.Helper()
	ca, err := os.ReadFile(filepath.Join(dir, apnstest.FileCA))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequest(http.MethodPost, "https://"+addr+path, strings.NewReader(`{"aps":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestServeLogEscapesControlCharacters: a :path with %0A or %1b can
// neither forge a log line nor reach the terminal as an escape.
func TestServeLogEscapesControlCharacters(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir)
	before := len(strings.Split(s.out.String(), "\n"))
	rawPost(t, s.addr, dir, "/3/device/%0A12:00:00.000%20conn%201%20token%20POST%20forged%1b%5B2J%C2%9B%E2%80%AE")
	if code := s.wait(); code != exitOK {
		t.Fatalf("serve exited %d", code)
	}
	log := s.out.String()
	if strings.ContainsAny(log, "\x1b\u009b\u202e") {
		t.Errorf("the log carries the client's escapes: %q", log)
	}
	lines := strings.Split(log, "\n")
	var got string
	for _, l := range lines[before-1:] {
		if strings.Contains(l, "forged") {
			got = l
		}
		if strings.HasPrefix(l, "12:00:00.000 conn 1 token") {
			t.Errorf("forged line in the log: %q", l)
		}
	}
	if want := `/3/device/\x0a12:00:00.000 conn 1 token POST forged\x1b[2J\u009b\u202e`; !strings.Contains(got, want) {
		t.Errorf("logged %q, want it to hold %q", got, want)
	}
}

// TestServeJSONLogsOneObjectPerRequest: with --json stdout is only JSON
// objects, one per request, with what the backend sent.
func TestServeJSONLogsOneObjectPerRequest(t *testing.T) {
	dir := t.TempDir()
	ctx, stop := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--dir", dir, "--json"}, nil, &out, &errOut)
	}()
	var addr string
	for deadline := time.Now().Add(20 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := regexp.MustCompile(`listening on https://(\S+) `).FindStringSubmatch(errOut.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		stop()
		t.Fatalf("serve --json did not print where it listens on stderr:\n%s\n%s", out.String(), errOut.String())
	}
	if code, o, e := sendVia(t, addr, dir, "--priority", "5"); code != exitOK {
		t.Errorf("send: exit %d\n%s\n%s", code, o, e)
	}
	sendVia(t, addr, dir, "--token", "1234")
	stop()
	if code := <-done; code != exitOK {
		t.Fatalf("serve exited %d", code)
	}
	// The second send carries two tokens: the demo one and 1234.
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("stdout has %d lines, want 3 JSON objects:\n%s", len(lines), out.String())
	}
	var ok, bad map[string]any
	for i, l := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, l)
		}
		switch {
		case v["priority"] == 5.0:
			ok = v
		case v["token"] == "1234":
			bad = v
		}
	}
	want := map[string]any{"connection": 1.0, "auth": "token", "token": apnstest.DemoToken, "topic": apnstest.DemoBundleID,
		"priority": 5.0, "status": 200.0, "payload": map[string]any{"aps": map[string]any{"alert": "hi"}}}
	for k, v := range want {
		if fmt.Sprint(ok[k]) != fmt.Sprint(v) {
			t.Errorf("%s = %v, want %v (%v)", k, ok[k], v, ok)
		}
	}
	for _, k := range []string{"time", "apns_id", "push_type"} {
		if ok[k] == nil || ok[k] == "" {
			t.Errorf("no %s in %v", k, ok)
		}
	}
	if bad["status"] != 400.0 || bad["reason"] != "BadDeviceToken" {
		t.Errorf("short token logged as %v, want 400 BadDeviceToken", bad)
	}
}

// TestServeFaultsAndBadRules: --fault rules reach a real `send`, and a bad
// rule is refused with exit 2 naming the key.
func TestServeFaultsAndBadRules(t *testing.T) {
	code, _, errOut := cli(t, "", "serve", "--addr", "127.0.0.1:0", "--dir", t.TempDir(), "--fault", "status=503,evry=2")
	if code != exitFailure || !strings.Contains(errOut, "evry") {
		t.Errorf("bad rule: exit %d, want 2 naming evry:\n%s", code, errOut)
	}
	for rule, key := range map[string]string{"drop=1": "drop", "reset=SOMETIMES": "reset", "binary=10": "binary", "drop,status=500": "drop"} {
		code, _, errOut := cli(t, "", "serve", "--addr", "127.0.0.1:0", "--dir", t.TempDir(), "--fault", rule)
		if code != exitFailure || !strings.Contains(errOut, key+":") {
			t.Errorf("--fault %s: exit %d, want 2 naming %s:\n%s", rule, code, key, errOut)
		}
	}
	code, _, errOut = cli(t, "", "serve", "--addr", "127.0.0.1:0", "--dir", t.TempDir(), "--max-frame-size", "100")
	if code != exitFailure || !strings.Contains(errOut, "max frame size") {
		t.Errorf("--max-frame-size 100: exit %d, want 2:\n%s", code, errOut)
	}
	code, _, errOut = cli(t, "", "serve", "--addr", "127.0.0.1:0", "--dir", t.TempDir(), "--latency", "fast")
	if code != exitFailure || !strings.Contains(errOut, "--latency") {
		t.Errorf("bad latency: exit %d, want 2:\n%s", code, errOut)
	}

	dir := t.TempDir()
	s := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir, "--fault", "status=503,every=2", "--fault", "goaway=Shutdown,every=3,first=3")
	want := []struct {
		code int
		text string
	}{{exitOK, "200"}, {exitRejected, "503 ServiceUnavailable"},
		// A GOAWAY ends the connection, not the send: the client
		// reconnects and sends what the server did not process (what
		// that request then meets depends on the rules; not checked).
		{-1, "APNs closed the connection: Shutdown; reconnected"}}
	for i, w := range want {
		// --retries 0: each fault is seen as it is, not retried away.
		code, out, errOut := sendVia(t, s.addr, dir, "--retries", "0", "-v")
		if (w.code >= 0 && code != w.code) || !strings.Contains(out+errOut, w.text) {
			t.Errorf("send %d: exit %d, want %d with %q:\n%s\n%s", i+1, code, w.code, w.text, out, errOut)
		}
	}
}

// TestServeStopLetsRequestsInFlightFinish: stopping serve while requests
// wait out --latency answers them all and exits 0.
func TestServeStopLetsRequestsInFlightFinish(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir, "--latency", "1500ms")
	const n = 4
	type result struct {
		code int
		out  string
	}
	results := make(chan result, n)
	var logs [n]*syncBuffer
	for i := range n {
		logs[i] = &syncBuffer{}
		go func() {
			var out syncBuffer
			code := Run(context.Background(), []string{"send", "--host", s.addr, "--ca", filepath.Join(dir, apnstest.FileCA),
				"--p8", filepath.Join(dir, apnstest.FileDemoP8), "--key-id", apnstest.DemoKeyID, "--team-id", apnstest.DemoTeamID,
				"--topic", apnstest.DemoBundleID, "--token", apnstest.DemoToken, "--alert", "hi", "-v"}, nil, &out, logs[i])
			results <- result{code, out.String() + logs[i].String()}
		}()
	}
	for i := range n { // until each request is on the wire
		for deadline := time.Now().Add(20 * time.Second); !strings.Contains(logs[i].String(), "POST /3/device/"); {
			if time.Now().After(deadline) {
				t.Fatalf("send %d did not send:\n%s", i, logs[i])
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	time.Sleep(50 * time.Millisecond) // let the last request's frames reach the server
	stopped := make(chan int, 1)
	go func() { stopped <- s.wait() }()
	for range n {
		if r := <-results; r.code != exitOK {
			t.Errorf("a send in flight when serve stopped: exit %d\n%s", r.code, r.out)
		}
	}
	if code := <-stopped; code != exitOK {
		t.Errorf("serve exited %d", code)
	}
	if got := strings.Count(s.out.String(), "→ 200"); got != n {
		t.Errorf("serve logged %d accepted requests, want %d:\n%s", got, n, s.out)
	}
}
