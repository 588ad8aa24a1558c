package cli

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/legacy"
)

// simFiles starts the simulator and writes its CA and demo credentials.
func simFiles(t *testing.T) (s *apnstest.Server, dir string) {
	t.Helper()
	s = apnstest.NewServer()
	t.Cleanup(s.Close)
	dir = t.TempDir()
	if err := s.Demo.WriteFiles(dir, s.Authority); err != nil {
		t.Fatal(err)
	}
	return s, dir
}

// to is the flags that reach host with dir's CA and demo certificate.
func to(host, dir string) []string {
	return []string{"send", "--host", host, "--ca", filepath.Join(dir, apnstest.FileCA),
		"--p12", filepath.Join(dir, apnstest.FileDemoP12), "--password", apnstest.DemoP12Password}
}

// jsonLines reads --json output, failing on a line that is not JSON.
func jsonLines(t *testing.T, out string) []jsonResult {
	t.Helper()
	var rs []jsonResult
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var r jsonResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("stdout line %q is not JSON: %v", sc.Text(), err)
		}
		rs = append(rs, r)
	}
	return rs
}

func tok(i int) string { return fmt.Sprintf("%064x", i+1) }

func TestSendStreamsOneJSONLinePerTokenWithASummary(t *testing.T) {
	s, dir := simFiles(t)
	var in strings.Builder
	for i := range 300 {
		fmt.Fprintln(&in, tok(i))
	}
	fmt.Fprintln(&in, tok(7))                          // a repeat
	fmt.Fprintln(&in, "not a token")                   // refused
	fmt.Fprintln(&in, strings.Repeat("ab", 3000))      // over the line limit
	fmt.Fprintln(&in, "# comment and a blank line\n ") // skipped
	code, out, errOut := cli(t, in.String(), append(to(s.Addr, dir), "--tokens", "-", "--alert", "x", "--json", "--concurrency", "20")...)
	if code != exitFailure {
		t.Errorf("exit %d, want 2 (two lines could not be used)\n%s", code, errOut)
	}
	rs := jsonLines(t, out)
	if len(rs) != 303 {
		t.Fatalf("%d JSON lines for 303 token lines", len(rs))
	}
	accepted, refused, long := 0, 0, 0
	for _, r := range rs {
		switch {
		case r.Status == 200 && r.Attempts == 1 && r.ApnsID != "":
			accepted++
		case r.Status == 0 && strings.Contains(r.Error, "line 303 is 6,001 bytes long, over the 1 KiB limit of a token line"):
			long++
		case r.Status == 0 && r.Error != "" && r.Attempts == 0 && !r.Unconfirmed:
			refused++
		default:
			t.Errorf("unexpected line %+v", r)
		}
	}
	if accepted != 301 || refused != 1 || long != 1 {
		t.Errorf("%d accepted, %d refused, %d long lines", accepted, refused, long)
	}
	if n := strings.Count(errOut, "repeats an earlier one"); n != 1 {
		t.Errorf("the repeat was warned %d times, want once:\n%s", n, errOut)
	}
	for _, want := range []string{"303 notifications: 301 sent, 301 accepted, 0 rejected, 2 not sent, 0 unconfirmed, 1 duplicate", "/s · latency p50 "} {
		if !strings.Contains(errOut, want) {
			t.Errorf("summary lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "sending") {
		t.Errorf("a progress bar was drawn on a stderr that is not a terminal:\n%s", errOut)
	}
}

func TestUniqueDropsRepeatedTokens(t *testing.T) {
	s, dir := simFiles(t)
	in := tok(1) + "\n" + tok(2) + "\n" + strings.ToUpper(tok(1)) + "\n<" + tok(2) + ">\n"
	code, out, errOut := cli(t, in, append(to(s.Addr, dir), "--tokens", "-", "--alert", "x", "--json", "--unique")...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if rs := jsonLines(t, out); len(rs) != 2 {
		t.Errorf("%d results, want 2 with --unique", len(rs))
	}
	if len(s.Accepted()) != 2 {
		t.Errorf("the simulator took %d, want 2", len(s.Accepted()))
	}
	if !strings.Contains(errOut, "(line 3) repeats an earlier one: --unique drops it") || !strings.Contains(errOut, "2 duplicates") {
		t.Errorf("stderr:\n%s", errOut)
	}
	// The binary protocol too.
	code, out, errOut = cli(t, in, "send", "--protocol", "binary", "--env", "local", "--tokens", "-", "--alert", "x", "--json", "--unique")
	if n := strings.Count(out, "\n"); code != exitOK || n != 2 || !strings.Contains(errOut, "(line 3) repeats an earlier one") {
		t.Errorf("binary: exit %d, %d results\n%s\n%s", code, n, out, errOut)
	}
}

func TestControlCharactersAreEscapedInText(t *testing.T) {
	s, dir := simFiles(t)
	in := "\x1b[2J\x1b[31mevil\u202e\n" + tok(1) + "\n"
	code, out, errOut := cli(t, in, append(to(s.Addr, dir), "--tokens", "-", "--alert", "x")...)
	if code != exitFailure {
		t.Errorf("exit %d, want 2", code)
	}
	if strings.ContainsAny(out+errOut, "\x1b\u202e") {
		t.Errorf("a control character reached the terminal:\n%q", out+errOut)
	}
	if !strings.Contains(out, `\x1b[2J\x1b[31mevil\u202e`) {
		t.Errorf("the refused line is not shown escaped:\n%s", out)
	}
}

func TestProgressBarOnlyOnATerminal(t *testing.T) {
	s, dir := simFiles(t)
	file := filepath.Join(t.TempDir(), "tokens.txt")
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintln(&b, tok(i))
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	args := append(to(s.Addr, dir), "--tokens", file, "--alert", "x", "--json")
	_, _, errOut := cli(t, "", args...)
	if strings.Contains(errOut, "sending") {
		t.Errorf("progress drawn on a non-terminal:\n%s", errOut)
	}
	old := isTerminal
	isTerminal = func(io.Writer) bool { return true }
	defer func() { isTerminal = old }()
	_, out, errOut := cli(t, "", args...)
	if !strings.Contains(errOut, "sending") || !strings.Contains(errOut, "/50,") {
		t.Errorf("no progress bar (count of the file's 50 tokens) on a terminal:\n%q", errOut)
	}
	if len(jsonLines(t, out)) != 50 {
		t.Errorf("stdout is not 50 pure JSON lines")
	}
}

// stallingServer is an HTTP/2 server that takes requests and never
// answers until the test ends.
func stallingServer(t *testing.T) (addr, ca string) {
	t.Helper()
	a, err := apnstest.NewAuthority()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := a.ServerCertificate("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	// net/http's own HTTP/2 server, over TLS only.
	srv := &http.Server{Handler: h, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}, Protocols: new(http.Protocols)}
	srv.Protocols.SetHTTP2(true)
	go srv.ServeTLS(ln, "", "")
	t.Cleanup(func() { close(release); srv.Close() })
	ca = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, a.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return ln.Addr().String(), ca
}

func TestUnansweredIsUnconfirmedAndExitsThree(t *testing.T) {
	_, dir := simFiles(t)
	addr, ca := stallingServer(t)
	args := []string{"send", "--host", addr, "--ca", ca, "--p12", filepath.Join(dir, apnstest.FileDemoP12), "--password", apnstest.DemoP12Password,
		"--token", tok(1), "--token", tok(2), "--alert", "x", "--request-timeout", "300ms"}
	code, out, errOut := cli(t, "", append(args, "--json")...)
	if code != exitUnconfirmed {
		t.Errorf("exit %d, want 3", code)
	}
	rs := jsonLines(t, out)
	if len(rs) != 2 {
		t.Fatalf("%d results", len(rs))
	}
	for _, r := range rs {
		if r.Status != 0 || !r.Unconfirmed || r.Attempts != 1 || !strings.Contains(r.Error, "may have been delivered: check before resending") {
			t.Errorf("%+v", r)
		}
		if strings.Contains(r.Error, "try again") {
			t.Errorf("an unconfirmed notification is told to be tried again: %s", r.Error)
		}
	}
	if !strings.Contains(out, `"outcome":"unconfirmed","status":0,`) || !strings.Contains(out, `"unconfirmed":true,"error":"`) {
		t.Errorf("JSON keys: %s", out)
	}
	if !strings.Contains(errOut, "2 unconfirmed") || !strings.Contains(errOut, "check before resending") {
		t.Errorf("summary:\n%s", errOut)
	}
	_, out, _ = cli(t, "", args...)
	if !strings.Contains(out, "? "+tok(1)) {
		t.Errorf("text mode does not mark the unconfirmed:\n%s", out)
	}
}

func TestCtrlCSaysCancelled(t *testing.T) {
	_, dir := simFiles(t)
	addr, ca := stallingServer(t)
	ctx, cancel := context.WithCancel(context.Background()) // as main's signal.NotifyContext does on Ctrl+C
	defer cancel()
	time.AfterFunc(500*time.Millisecond, cancel)
	var out, errOut syncBuffer
	var in strings.Builder
	for i := range 500 {
		fmt.Fprintln(&in, tok(i))
	}
	file := filepath.Join(t.TempDir(), "tokens.txt")
	if err := os.WriteFile(file, []byte(in.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	code := Run(ctx, []string{"send", "--host", addr, "--ca", ca, "--p12", filepath.Join(dir, apnstest.FileDemoP12), "--password", apnstest.DemoP12Password,
		"--tokens", file, "--alert", "x", "--json", "--concurrency", "10"}, nil, &out, &errOut)
	if code != exitUnconfirmed { // the 10 in flight may have been delivered
		t.Errorf("exit %d, want 3", code)
	}
	rs := jsonLines(t, out.String())
	if len(rs) != 500 {
		t.Fatalf("%d results for 500 tokens", len(rs))
	}
	unconfirmed := 0
	for _, r := range rs {
		if !strings.Contains(r.Error, "cancelled") || strings.Contains(r.Error, "firewall") {
			t.Fatalf("%+v", r)
		}
		if r.Unconfirmed {
			unconfirmed++
		}
	}
	if unconfirmed != 10 {
		t.Errorf("%d unconfirmed, want the 10 in flight", unconfirmed)
	}
}

func TestSilentServerEndsEveryTokenAtOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	_, dir := simFiles(t)
	var in strings.Builder
	for i := range 1000 {
		fmt.Fprintln(&in, tok(i))
	}
	// A minute's guard: with each token waiting its own 30 s timeout
	// behind a lock, this would take hours.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errOut syncBuffer
	code := Run(ctx, append(to(ln.Addr().String(), dir), "--tokens", "-", "--alert", "x", "--json", "--connect-timeout", "500ms"),
		strings.NewReader(in.String()), &out, &errOut)
	if ctx.Err() != nil {
		t.Fatal("the send to a silent server did not end within a minute")
	}
	if code != exitFailure {
		t.Errorf("exit %d", code)
	}
	rs := jsonLines(t, out.String())
	if len(rs) != 1000 {
		t.Fatalf("%d results for 1000 tokens", len(rs))
	}
	for _, r := range rs {
		if r.Unconfirmed || !strings.Contains(r.Error, "within the connect timeout (500ms)") {
			t.Fatalf("%+v", r)
		}
	}
}

func TestCLIFixes(t *testing.T) {
	s, dir := simFiles(t)
	p12 := filepath.Join(dir, apnstest.FileDemoP12)
	tmp := t.TempDir()
	big := filepath.Join(tmp, "big.json")
	if err := os.WriteFile(big, []byte(`{"aps":{"alert":"`+strings.Repeat("x", 1<<20)+`"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(tmp, "empty.p12")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	voip := `{"aps":{},"blob":"` + strings.Repeat("v", 5000) + `"}`

	t.Run("local dry run", func(t *testing.T) {
		code, out, errOut := cli(t, "", "send", "--env", "local", "--dry-run", "--token", pastedToken, "--alert", "hi")
		if code != exitOK || !strings.Contains(out, "POST https://<local simulator>/3/device/") || !strings.Contains(out, "apns-topic: "+apnstest.DemoBundleID) {
			t.Errorf("exit %d\n%s\n%s", code, out, errOut)
		}
	})
	t.Run("voip payload over 4096 bytes", func(t *testing.T) {
		code, out, errOut := cli(t, "", append(to(s.Addr, dir), "--token", tok(1), "--push-type", "voip", "--payload", voip)...)
		if code != exitOK {
			t.Errorf("exit %d\n%s\n%s", code, out, errOut)
		}
		code, _, errOut = cli(t, "", append(to(s.Addr, dir), "--token", tok(1), "--payload", voip)...)
		if code != exitFailure || !strings.Contains(errOut, "only VoIP pushes may be up to 5120 bytes") {
			t.Errorf("an alert of 5000 bytes: exit %d\n%s", code, errOut)
		}
	})
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"payload file over 1 MB", []string{"--env", "local", "--token", tok(1), "--payload", "@" + big}, "over the 20 KiB limit of a --payload file (APNs takes at most 4 KiB for the push type alert"},
		{"negative badge", []string{"--env", "local", "--token", tok(1), "--badge", "-1"}, "--badge -1 is negative"},
		{"empty credential", []string{"--p12", empty, "--token", tok(1), "--alert", "x"}, "the file is empty"},
		{"binary to an HTTP/2 port", []string{"--protocol", "binary", "--host", s.Addr, "--ca", filepath.Join(dir, apnstest.FileCA), "--p12", p12,
			"--password", apnstest.DemoP12Password, "--token", tok(1), "--alert", "x"}, "this is not a binary gateway"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := cli(t, "", append([]string{"send"}, c.args...)...)
			if code != exitFailure || !strings.Contains(out+errOut, c.want) {
				t.Errorf("exit %d, want 2 and %q:\n%s\n%s", code, c.want, out, errOut)
			}
			if strings.Contains(c.name, "badge") && strings.Contains(errOut, "not a number") {
				t.Errorf("-1 is a number:\n%s", errOut)
			}
		})
	}
	t.Run("badge with spaces", func(t *testing.T) {
		code, out, errOut := cli(t, "", "send", "--env", "local", "--dry-run", "--token", tok(1), "--badge", " 5")
		if code != exitOK || !strings.Contains(out, `"badge":5`) {
			t.Errorf("exit %d\n%s\n%s", code, out, errOut)
		}
	})
	t.Run("feedback pointed at a gateway", func(t *testing.T) {
		defer func(d time.Duration) { legacy.FeedbackSilence = d }(legacy.FeedbackSilence)
		legacy.FeedbackSilence = 300 * time.Millisecond
		g := apnstest.NewGateway(nil, nil)
		defer g.Close()
		gdir := t.TempDir()
		if err := g.Demo.WriteFiles(gdir, g.Authority); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := cli(t, "", "feedback", "--host", g.Addr, "--ca", filepath.Join(gdir, apnstest.FileCA),
			"--p12", filepath.Join(gdir, apnstest.FileDemoP12), "--password", apnstest.DemoP12Password)
		if code != exitFailure || !strings.Contains(errOut, "is not a feedback service; is it the gateway") {
			t.Errorf("exit %d\n%s\n%s", code, out, errOut)
		}
	})
}

// Ctrl+C while reading standard input (a terminal, an endless pipe) stops
// the reading instead of waiting for input that may never come.
func TestCancelStopsWaitingForStandardInput(t *testing.T) {
	s, dir := simFiles(t)
	pr, pw := io.Pipe()
	defer pw.Close()
	go fmt.Fprintln(pw, tok(1)) // one token, then silence
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(500*time.Millisecond, cancel)
	done := make(chan int)
	var out, errOut syncBuffer
	go func() {
		done <- Run(ctx, append(to(s.Addr, dir), "--tokens", "-", "--alert", "x", "--json"), pr, &out, &errOut)
	}()
	select {
	case code := <-done:
		if rs := jsonLines(t, out.String()); len(rs) != 1 || rs[0].Status != 200 {
			t.Errorf("results: %s", out.String())
		}
		if code != exitFailure || !strings.Contains(errOut.String(), "cancelled: standard input was not read further after line 1") {
			t.Errorf("exit %d\n%s", code, errOut.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("the send kept waiting for standard input after the cancel")
	}
}

// A cause shared by every token (here: nothing listens) is stated once,
// with the count, not once per token; --json still gives each token its
// outcome.
func TestOneCauseIsStatedOnceWithTheCount(t *testing.T) {
	_, dir := simFiles(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // refused from now on
	var in strings.Builder
	for i := range 500 {
		fmt.Fprintln(&in, tok(i))
	}
	code, out, errOut := cli(t, in.String(), append(to(addr, dir), "--tokens", "-", "--alert", "x")...)
	if code != exitFailure {
		t.Errorf("exit %d, want 2", code)
	}
	if n := strings.Count(out+errOut, "connection refused"); n < 1 || n > 2 {
		t.Errorf("the cause is stated %d times, want once (and once in the summary):\n%s", n, errOut)
	}
	if !strings.Contains(errOut, "500 not sent: the send stopped: ") || strings.Count(out, "\n") != 500 {
		t.Errorf("stderr:\n%s\nstdout has %d lines", errOut, strings.Count(out, "\n"))
	}
	code, out, _ = cli(t, in.String(), append(to(addr, dir), "--tokens", "-", "--alert", "x", "--json")...)
	for _, r := range jsonLines(t, out) {
		if r.Outcome != "not_sent" || r.Attempts != 0 {
			t.Fatalf("%+v", r)
		}
	}
	if code != exitFailure {
		t.Errorf("--json: exit %d, want 2", code)
	}
}

// The bulk flags' bounds: each side of each is refused with its range
// (exit 2), and the ends of the ranges are taken.
func TestBulkFlagBounds(t *testing.T) {
	for _, tc := range []struct {
		flag, value string
		ok          bool
	}{
		{"--concurrency", "0", false}, {"--concurrency", "1", true}, {"--concurrency", "1000", true}, {"--concurrency", "1001", false},
		{"--connections", "0", false}, {"--connections", "1", true}, {"--connections", "64", true}, {"--connections", "65", false},
		{"--retries", "-1", false}, {"--retries", "0", true}, {"--retries", "20", true}, {"--retries", "21", false},
	} {
		var f bulkFlags
		fs := flag.NewFlagSet("send", flag.ContinueOnError)
		f.register(fs)
		if err := fs.Parse([]string{tc.flag, tc.value}); err != nil {
			t.Fatal(err)
		}
		err := f.check()
		if (err == nil) != tc.ok || (err != nil && !strings.Contains(err.Error(), tc.flag)) {
			t.Errorf("%s %s: %v, want ok=%v (naming the flag when not)", tc.flag, tc.value, err, tc.ok)
		}
	}
}
