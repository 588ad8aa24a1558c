package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"apnsconsole/sender/apnstest"
)

const pastedToken = "<740f4707 bebcf74f 9b7c25d4 8e335894 5f6aa01d a5ddb387 462c7eaf 61bb78ad>"

// syncBuffer is a bytes.Buffer safe to write from one goroutine and read
// from another.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// cli runs a subcommand and returns its exit code and output.
func cli(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut syncBuffer
	code = Run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestSendLocalShowsHandshakeRequestAndApnsID(t *testing.T) {
	code, out, errOut := cli(t, "", "send", "--env", "local", "--token", pastedToken, "--alert", "hi", "-v")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !regexp.MustCompile(`✓ 740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad  200 OK  apns-id [0-9A-F-]{36}`).MatchString(out) {
		t.Errorf("stdout lacks the accepted line with an apns-id:\n%s", out)
	}
	for _, want := range []string{"Started the local APNs simulator", "TLS 1.3 handshake with 127.0.0.1 (ALPN h2",
		"POST /3/device/740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad", `body (22 bytes): {"aps":{"alert":"hi"}}`, "200 OK in "} {
		if !strings.Contains(errOut, want) {
			t.Errorf("-v output lacks %q:\n%s", want, errOut)
		}
	}
}

func TestSendJSONOneResultPerTokenAndExitCodes(t *testing.T) {
	s := apnstest.NewServer()
	defer s.Close()
	dir := t.TempDir()
	if err := s.Demo.WriteFiles(dir, s.Authority); err != nil {
		t.Fatal(err)
	}
	gone := strings.Repeat("ab", 32)
	s.Unregister(gone, time.UnixMilli(1700000000123))
	tokens := pastedToken + "\n\n# a comment\n" + strings.ToUpper(gone) + "\n{length = 32, bytes = 0xd3d997af 967d1f43 b405374a 13394d2f ... 28f10282 14af515f }\n"
	code, out, errOut := cli(t, tokens, "send", "--host", s.Addr, "--ca", filepath.Join(dir, apnstest.FileCA),
		"--p12", filepath.Join(dir, apnstest.FileDemoP12), "--password", apnstest.DemoP12Password,
		"--tokens", "-", "--alert", "x", "--json")
	if code != exitFailure {
		t.Errorf("exit %d, want 2 (one token could not be used)\n%s", code, errOut)
	}
	var results []jsonResult
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var r jsonResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		results = append(results, r)
	}
	if len(results) != 3 {
		t.Fatalf("%d results for 3 tokens:\n%s", len(results), out)
	}
	// Results stream in as they complete: put them in the tokens' order.
	slices.SortFunc(results, func(a, b jsonResult) int { return rank(a.Token) - rank(b.Token) })
	if r := results[0]; r.Status != 200 || r.ApnsID == "" || r.ApnsUniqueID == "" {
		t.Errorf("first: %+v", r)
	}
	if r := results[1]; r.Token != gone || r.Status != 410 || r.Reason != "Unregistered" || r.Timestamp != 1700000000123 {
		t.Errorf("second: %+v", r)
	}
	if r := results[2]; r.Status != 0 || !strings.Contains(r.Error, "elided") && !strings.Contains(r.Error, "...") {
		t.Errorf("third should be refused with the reason: %+v", r)
	}

	// Without the bad token: rejected by the server, exit 1.
	code, _, errOut = cli(t, gone, "send", "--host", s.Addr, "--ca", filepath.Join(dir, apnstest.FileCA),
		"--cert", filepath.Join(dir, apnstest.FileDemoCert), "--key", filepath.Join(dir, apnstest.FileDemoKey), "--tokens", "-", "--alert", "x")
	if code != exitRejected {
		t.Errorf("exit %d, want 1 for a rejection\n%s", code, errOut)
	}
}

// rank orders the tokens of TestSendJSONOneResultPerTokenAndExitCodes as
// given.
func rank(tok string) int {
	switch {
	case strings.HasPrefix(tok, "740f"):
		return 0
	case strings.HasPrefix(tok, "abab"):
		return 1
	}
	return 2
}

func TestSendBadInputGetsAClearErrorAndExit2(t *testing.T) {
	dir := t.TempDir()
	s := apnstest.NewServer()
	defer s.Close()
	if err := s.Demo.WriteFiles(dir, s.Authority); err != nil {
		t.Fatal(err)
	}
	p12 := filepath.Join(dir, apnstest.FileDemoP12)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no token", []string{"--env", "local", "--alert", "x"}, "no device token"},
		{"no credential", []string{"--token", apnstest.DemoToken, "--alert", "x"}, "--p12 FILE"},
		{"bad badge", []string{"--env", "local", "--token", apnstest.DemoToken, "--badge", "many"}, "not a number"},
		{"bad payload", []string{"--env", "local", "--token", apnstest.DemoToken, "--payload", `{"aps":`}, "JSON"},
		{"nothing to send", []string{"--env", "local", "--token", apnstest.DemoToken}, ""},
		{"wrong password", []string{"--p12", p12, "--password", "nope", "--token", apnstest.DemoToken, "--alert", "x"}, "password"},
		{"missing file", []string{"--p12", filepath.Join(dir, "missing.p12"), "--token", apnstest.DemoToken, "--alert", "x"}, "missing.p12"},
		{"p8 without ids", []string{"--p8", filepath.Join(dir, apnstest.FileDemoP8), "--token", apnstest.DemoToken, "--alert", "x"}, "Team ID"},
		{"bad env", []string{"--env", "staging", "--token", apnstest.DemoToken, "--alert", "x"}, "sandbox"},
		{"bad expiration", []string{"--env", "local", "--token", apnstest.DemoToken, "--alert", "x", "--expiration", "tomorrow"}, "UNIX seconds"},
		{"bad priority", []string{"--env", "local", "--token", apnstest.DemoToken, "--alert", "x", "--priority", "7"}, "priority 7"},
		{"swift description", []string{"--env", "local", "--token", "32 bytes", "--alert", "x"}, "%02x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := cli(t, "", append([]string{"send"}, c.args...)...)
			if code != exitFailure {
				t.Errorf("exit %d, want 2\nstdout: %s\nstderr: %s", code, out, errOut)
			}
			all := out + errOut
			if !strings.Contains(all, c.want) || strings.TrimSpace(all) == "" {
				t.Errorf("output lacks %q:\n%s", c.want, all)
			}
			if strings.Contains(all, "nope") && c.name == "wrong password" {
				t.Errorf("the password was printed: %s", all)
			}
		})
	}
}

func TestSendDryRunPrintsTheRequestAndConnectsNowhere(t *testing.T) {
	dir := t.TempDir()
	a, err := apnstest.NewAuthority()
	if err != nil {
		t.Fatal(err)
	}
	key, err := apnstest.NewSigningKey(apnstest.DemoKeyID, apnstest.DemoTeamID)
	if err != nil {
		t.Fatal(err)
	}
	_ = a
	p8 := filepath.Join(dir, "AuthKey.p8")
	if err := os.WriteFile(p8, key.P8, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cli(t, "", "send", "--dry-run", "--env", "production", "--p8", p8, "--key-id", apnstest.DemoKeyID, "--team-id", apnstest.DemoTeamID,
		"--topic", "com.example.app", "--push-type", "background", "--priority", "5", "--token", pastedToken, "--payload", `{"aps":{"content-available":1}}`)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "POST https://api.push.apple.com:443/3/device/740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad HTTP/2\n" +
		"apns-topic: com.example.app\napns-push-type: background\napns-priority: 5\ncontent-type: application/json\n" +
		"authorization: bearer <ES256 JWT, kid ABC123DEFG, iss DEF123GHIJ, signed when sent>\ncontent-length: 31\n\n" +
		`{"aps":{"content-available":1}}` + "\n"
	if out != want {
		t.Errorf("dry run printed:\n%s\nwant:\n%s", out, want)
	}
}

func TestServePrintsASendLineThatWorks(t *testing.T) {
	dir := t.TempDir()
	var out, errOut syncBuffer
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan int)
	gone := strings.Repeat("cd", 32)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--dir", dir, "--unregistered", gone,
			"--binary", "--binary-addr", "127.0.0.1:0", "--feedback-addr", "127.0.0.1:0"}, nil, &out, &errOut)
	}()
	printed := func(parts ...string) []string {
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			for _, l := range strings.Split(out.String(), "\n") {
				found := true
				for _, p := range parts {
					found = found && strings.Contains(l, p)
				}
				if found {
					return splitShell(strings.TrimPrefix(strings.TrimSpace(l), "apns-console "))
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		stop()
		t.Fatalf("serve printed no line with %q:\n%s\n%s", parts, out.String(), errOut.String())
		return nil
	}
	args := printed("apns-console send", "--p8")
	line := strings.Join(args, " ")
	code, sout, serr := cli(t, "", args...)
	if code != exitOK {
		t.Errorf("the printed line %q exited %d:\n%s\n%s", line, code, sout, serr)
	}
	for i := range args {
		if args[i] == apnstest.DemoToken {
			args[i] = gone
		}
	}
	code, _, _ = cli(t, "", args...)
	if code != exitRejected {
		t.Errorf("--unregistered token: exit %d, want 1", code)
	}
	if code, sout, serr := cli(t, "", printed("apns-console send --protocol binary")...); code != exitOK {
		t.Errorf("the printed binary line exited %d:\n%s\n%s", code, sout, serr)
	}
	if code, sout, serr := cli(t, "", printed("apns-console feedback")...); code != exitOK || !strings.Contains(sout, gone) {
		t.Errorf("the printed feedback line exited %d without the unregistered token:\n%s\n%s", code, sout, serr)
	}
	stop()
	if code := <-done; code != exitOK {
		t.Errorf("serve exited %d", code)
	}
	log := out.String()
	if !strings.Contains(log, "POST /3/device/") || !strings.Contains(log, "→ 200") || !strings.Contains(log, "410 Unregistered") || !strings.Contains(log, "binary frame id ") {
		t.Errorf("serve's log lacks the requests:\n%s", log)
	}
	for _, f := range []string{apnstest.FileCA, apnstest.FileDemoP12, apnstest.FileDemoCert, apnstest.FileDemoKey, apnstest.FileDemoP8} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("serve did not write %s: %v", f, err)
		}
	}
}

// splitShell splits a printed command line on spaces, honouring '…' quotes.
func splitShell(s string) []string {
	var args []string
	var cur strings.Builder
	quoted, in := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			quoted, in = !quoted, true
		case r == ' ' && !quoted:
			if in {
				args = append(args, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		args = append(args, cur.String())
	}
	return args
}

func TestInspectShowsTopicsAndEnvironments(t *testing.T) {
	s := apnstest.NewUnstartedServer()
	dir := t.TempDir()
	if err := s.Demo.WriteFiles(dir, s.Authority); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cli(t, "", "inspect", filepath.Join(dir, apnstest.FileDemoP12), "--password", apnstest.DemoP12Password)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"com.example.demo", "com.example.demo.voip", "complication", "sandbox + production"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = cli(t, "", "inspect", filepath.Join(dir, apnstest.FileDemoCert))
	if code != exitOK || !strings.Contains(out, "certificate only (no private key)") || !strings.Contains(out, "com.example.demo.voip") {
		t.Errorf("a certificate without its key: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = cli(t, "", "inspect", filepath.Join(dir, apnstest.FileDemoP12), "--password", "wrong")
	if code != exitFailure || !strings.Contains(errOut, "password") {
		t.Errorf("wrong password: exit %d, %s", code, errOut)
	}
}
