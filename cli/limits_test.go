//go:build unix

package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"apnsconsole/sender/apnstest"
)

// cliWithin is cli, failing the test when the command has not ended
// within 10 s (it hung on a FIFO or read /dev/zero without end).
func cliWithin(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	type res struct {
		code     int
		out, err string
	}
	done := make(chan res, 1)
	go func() {
		var out, errOut syncBuffer
		code := Run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
		done <- res{code, out.String(), errOut.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.out, r.err
	case <-time.After(10 * time.Second):
		t.Fatalf("%q still running after 10 s", args)
		return 0, "", ""
	}
}

// specialFiles makes a FIFO, a 2 MiB file and an empty file in a new
// folder.
func specialFiles(t *testing.T) (dir, fifo, huge, empty string) {
	t.Helper()
	dir = t.TempDir()
	fifo = filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no mkfifo:", err)
	}
	huge = filepath.Join(dir, "huge")
	if err := os.WriteFile(huge, make([]byte, 2<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	empty = filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, fifo, huge, empty
}

// Every file the command line reads is refused, at once and with exit 2,
// when it is a FIFO, a device, a folder or over its limit; the message
// names the file, the limit and the fix.
func TestSendRefusesSpecialAndHugeFiles(t *testing.T) {
	dir, fifo, huge, _ := specialFiles(t)
	send := []string{"send", "--env", "local", "--token", tok(1), "--alert", "x"}
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"p8 fifo", []string{"--p8", fifo, "--key-id", apnstest.DemoKeyID, "--team-id", apnstest.DemoTeamID}, []string{fifo + " is a named pipe (FIFO), not a regular file"}},
		{"p12 dev zero", []string{"--p12", "/dev/zero"}, []string{"/dev/zero is a character device, not a regular file"}},
		{"cert fifo", []string{"--cert", fifo}, []string{"is a named pipe (FIFO)"}},
		{"p12 huge", []string{"--p12", huge}, []string{huge + " is 2 MiB, over the 1 MiB limit of a certificate or key file", "choose the .p12, .pem or .p8 file"}},
		{"ca dev zero", []string{"--ca", "/dev/zero", "--host", "127.0.0.1:1"}, []string{"/dev/zero is a character device, not a regular file", "give the ca.pem"}},
		{"ca fifo", []string{"--ca", fifo, "--host", "127.0.0.1:1"}, []string{fifo + " is a named pipe (FIFO)"}},
		{"ca huge", []string{"--ca", huge, "--host", "127.0.0.1:1"}, []string{"over the 1 MiB limit of a CA certificate file"}},
		{"ca folder", []string{"--ca", dir, "--host", "127.0.0.1:1"}, []string{dir + " is a folder, not a regular file: choose a file inside it"}},
		{"payload dev zero", []string{"--payload", "@/dev/zero"}, []string{"cannot read the --payload file: /dev/zero is a character device"}},
		{"payload fifo", []string{"--payload", "@" + fifo}, []string{"is a named pipe (FIFO)"}},
		{"payload huge", []string{"--payload", "@" + huge}, []string{"is 2 MiB, over the 20 KiB limit of a --payload file (APNs takes at most 4 KiB for the push type alert, and the file may hold 16 KiB more of spacing)"}},
		{"voip payload huge", []string{"--payload", "@" + huge, "--push-type", "voip"}, []string{"over the 21 KiB limit", "5 KiB for the push type voip"}},
		{"content-state fifo", []string{"--live-activity", "update", "--content-state", "@" + fifo}, []string{"cannot read the --content-state file: " + fifo + " is a named pipe"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := cliWithin(t, "", append(append([]string(nil), send...), c.args...)...)
			if code != exitFailure {
				t.Errorf("exit %d, want 2\n%s%s", code, out, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
}

// No token at all is an error (exit 2), never a success for nothing: an
// empty file, a file of blank lines and comments, a folder, a device.
func TestSendWithNoTokensExitsTwo(t *testing.T) {
	dir, _, _, empty := specialFiles(t)
	blank := filepath.Join(dir, "blank.txt")
	if err := os.WriteFile(blank, []byte("\n  \n# tokens go here\n\t\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, tokens, stdin, want string }{
		{"empty file", empty, "", "--tokens " + empty + " held no device token (it is empty, or only blank lines and # comments)"},
		{"blank lines", blank, "", "--tokens " + blank + " held no device token"},
		{"empty stdin", "-", "", "standard input held no device token"},
		{"folder", dir, "", dir + " is a folder, not a regular file: choose a file inside it: give a text file with one device token per line, or --tokens - to read standard input"},
		{"dev zero", "/dev/zero", "", "/dev/zero is a character device, not a regular file"},
	}
	for _, c := range cases {
		for _, mode := range [][]string{{"--env", "local"}, {"--env", "local", "--dry-run"}, {"--env", "local", "--protocol", "binary"}, {"--env", "local", "--curl"}} {
			t.Run(c.name+" "+strings.Join(mode, " "), func(t *testing.T) {
				code, out, errOut := cliWithin(t, c.stdin, append([]string{"send", "--tokens", c.tokens, "--alert", "x"}, mode...)...)
				if code != exitFailure || !strings.Contains(errOut, c.want) {
					t.Errorf("exit %d, want 2 with %q\n%s%s", code, c.want, out, errOut)
				}
				if strings.Contains(errOut, "0 notifications") {
					t.Errorf("a summary of nothing:\n%s", errOut)
				}
			})
		}
	}
}

// A named pipe is read as a stream (as <(…) in a shell gives one), and
// Ctrl+C stops the wait for its writer.
func TestSendReadsTokensFromANamedPipe(t *testing.T) {
	s, sdir := simFiles(t)
	_, fifo, _, _ := specialFiles(t)
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		fmt.Fprintf(w, "%s\n%s\n", tok(1), tok(2))
		w.Close()
	}()
	code, out, errOut := cliWithin(t, "", append(to(s.Addr, sdir), "--tokens", fifo, "--alert", "x", "--json")...)
	if rs := jsonLines(t, out); code != exitOK || len(rs) != 2 {
		t.Errorf("exit %d, %d results\n%s%s", code, len(rs), out, errOut)
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	done := make(chan int, 1)
	var o, e syncBuffer
	go func() {
		done <- Run(ctx, append(to(s.Addr, sdir), "--tokens", fifo, "--alert", "x"), nil, &o, &e)
	}()
	select {
	case code := <-done:
		if code != exitFailure || !strings.Contains(e.String(), "cancelled before the first token was read") {
			t.Errorf("exit %d\n%s", code, e.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a cancel did not stop the wait for the pipe's writer")
	}
	// Release the reader still waiting in open.
	if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		w.Close()
	}
}

// Tokens of an unusual length are warned of once per kind, with the count
// and the first line numbers, not once per token.
func TestTokenWarningsAreGrouped(t *testing.T) {
	var in strings.Builder
	for i := range 25 {
		fmt.Fprintf(&in, "%062x\n", i+1) // 31 bytes
		if i%5 == 0 {
			fmt.Fprintln(&in, tok(i)) // a usual one between
		}
	}
	fmt.Fprintf(&in, "%032x\n", 7) // one of UUID length
	code, out, errOut := cliWithin(t, in.String(), "send", "--env", "local", "--tokens", "-", "--alert", "x", "--json")
	if code != exitRejected || len(jsonLines(t, out)) != 31 { // the simulator rejects the short ones
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	want := []string{
		"warning: 25 tokens shorter than 64 hex digits: lines 1, 3, 4, 5, 6, 7, 9, 10, 11, 12, … (the first 10): check that you copied all of each token\n",
		"warning: line 31: this token is 16 bytes (32 hex digits), the size of a UUID",
	}
	for _, w := range want {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
	if n := strings.Count(errOut, "warning:"); n != 2 {
		t.Errorf("%d warnings, want 2:\n%s", n, errOut)
	}
	_, _, errOut = cliWithin(t, "", "send", "--env", "local", "--token", fmt.Sprintf("%062x", 1), "--token", fmt.Sprintf("%062x", 2), "--alert", "x", "--protocol", "binary")
	if !strings.Contains(errOut, "warning: 2 tokens shorter than 64 hex digits (2 given with --token): check") {
		t.Errorf("binary: %s", errOut)
	}
}

// A line that runs on without a break (/dev/zero as standard input, a
// binary file) ends the reading past 1 MiB, exit 2, instead of being read
// forever; the tokens before it are sent.
func TestRunawayLineEndsTheTokens(t *testing.T) {
	in := tok(1) + "\n" + strings.Repeat("0", 3<<20)
	code, out, errOut := cliWithin(t, in, "send", "--env", "local", "--tokens", "-", "--alert", "x", "--json")
	if rs := jsonLines(t, out); code != exitFailure || len(rs) != 1 || rs[0].Status != 200 ||
		!strings.Contains(errOut, "line 2 runs past 1 MiB without a line break: this is not a list of tokens") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = cliWithin(t, strings.Repeat("z", 2<<20), "send", "--env", "local", "--tokens", "-", "--alert", "x")
	if code != exitFailure || !strings.Contains(errOut, "error: line 1 runs past 1 MiB") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}

// The limit of a token line is 1 KiB: a longer line is refused by its
// number, the lines around it are sent.
func TestTokenLineLimitIsOneKiB(t *testing.T) {
	in := tok(1) + "\n" + strings.Repeat("a", 1100) + "\n" + tok(2) + "\n"
	code, out, errOut := cliWithin(t, in, "send", "--env", "local", "--tokens", "-", "--alert", "x", "--json")
	rs := jsonLines(t, out)
	ok, long := 0, 0
	for _, r := range rs {
		switch {
		case r.Status == 200:
			ok++
		case strings.Contains(r.Error, "line 2 is 1,101 bytes long, over the 1 KiB limit of a token line"):
			long++
		}
	}
	if code != exitFailure || len(rs) != 3 || ok != 2 || long != 1 {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}
