//go:build unix

package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"apnsconsole/sender/apnstest"
)

// buildCLI builds ./cmd/apns-console-cli once per test binary.
var builtCLI string

func buildCLI(t *testing.T) string {
	t.Helper()
	if builtCLI != "" {
		return builtCLI
	}
	if testing.Short() {
		t.Skip("builds the command line (-short)")
	}
	dir, err := os.MkdirTemp("", "apns-console-cli-")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "apns-console-cli")
	cmd := exec.Command("go", "build", "-o", bin, "apnsconsole/cmd/apns-console-cli")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	builtCLI = bin
	return bin
}

// process is the real command line running.
type process struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan error
}

func start(t *testing.T, stdin io.Reader, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(buildCLI(t), args...), done: make(chan error, 1)}
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = stdin, &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { p.cmd.Process.Kill(); <-p.done })
	return p
}

// stop sends sig and returns how long the process took to end after it
// and its exit code; it fails the test past 10 s.
func (p *process) stop(t *testing.T, sig syscall.Signal) (time.Duration, int) {
	t.Helper()
	t0 := time.Now()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
		p.done <- nil // for the cleanup
		return time.Since(t0), p.cmd.ProcessState.ExitCode()
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10 s after %v\nstderr: %s", sig, p.stderr.String())
		return 0, 0
	}
}

// wait waits for the process to end by itself within 10 s.
func (p *process) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
		p.done <- nil
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(10 * time.Second):
		t.Fatalf("still running after 10 s\nstderr: %s", p.stderr.String())
		return 0
	}
}

// withinASecond is the bound the interrupt must meet; a loaded machine
// gets half a second more before the test calls it a failure.
const withinASecond = 1500 * time.Millisecond

// Ctrl+C and SIGTERM end the real command line within a second, with
// every result line printed so far complete, whatever it was waiting for.
func TestInterruptEndsTheCommandLineWithinASecond(t *testing.T) {
	_, dir := simFiles(t)
	addr, ca := stallingServer(t)
	p12 := filepath.Join(dir, apnstest.FileDemoP12)
	stalled := []string{"send", "--host", addr, "--ca", ca, "--p12", p12, "--password", apnstest.DemoP12Password, "--alert", "x", "--json"}
	var in strings.Builder
	for i := range 2000 {
		fmt.Fprintln(&in, tok(i))
	}
	tokens := filepath.Join(t.TempDir(), "tokens.txt")
	if err := os.WriteFile(tokens, []byte(in.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	_, fifo, _, _ := specialFiles(t)

	t.Run("in flight", func(t *testing.T) {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			p := start(t, nil, append(stalled, "--tokens", tokens, "--concurrency", "10")...)
			time.Sleep(700 * time.Millisecond) // connected, 10 in flight
			took, code := p.stop(t, sig)
			t.Logf("%v: ended %v after it", sig, took)
			if took > withinASecond || code != exitUnconfirmed { // the 10 in flight may have been delivered
				t.Errorf("%v: ended %v after it, exit %d\n%s", sig, took, code, p.stderr.String())
			}
			if n := completeJSONLines(t, p.stdout.Bytes()); n != 2000 {
				t.Errorf("%v: %d results for 2,000 tokens\n%s", sig, n, p.stderr.String())
			}
			if !strings.Contains(p.stderr.String(), "2000 notifications") {
				t.Errorf("%v: no summary:\n%s", sig, p.stderr.String())
			}
		}
	})
	t.Run("standard input that never ends", func(t *testing.T) {
		pr, pw := osPipe(t)
		fmt.Fprintln(pw, tok(1))
		p := start(t, pr, append(stalled, "--tokens", "-")...)
		time.Sleep(700 * time.Millisecond)
		took, code := p.stop(t, syscall.SIGINT)
		if took > withinASecond || code != exitUnconfirmed || completeJSONLines(t, p.stdout.Bytes()) != 1 {
			t.Errorf("ended %v after SIGINT, exit %d\n%s\n%s", took, code, p.stdout.String(), p.stderr.String())
		}
	})
	t.Run("a named pipe no one writes to", func(t *testing.T) {
		p := start(t, nil, append(stalled, "--tokens", fifo)...)
		time.Sleep(500 * time.Millisecond)
		took, code := p.stop(t, syscall.SIGTERM)
		if took > withinASecond || code != exitFailure {
			t.Errorf("ended %v after SIGTERM, exit %d\n%s", took, code, p.stderr.String())
		}
	})
	t.Run("binary protocol reading standard input", func(t *testing.T) {
		// The binary protocol reads every token before it connects.
		pr, pw := osPipe(t)
		fmt.Fprintln(pw, tok(1))
		p := start(t, pr, "send", "--protocol", "binary", "--env", "local", "--tokens", "-", "--alert", "x")
		time.Sleep(500 * time.Millisecond)
		took, code := p.stop(t, syscall.SIGINT)
		if took > withinASecond || code != exitFailure || !strings.Contains(p.stderr.String(), "cancelled while reading the tokens, after 1: nothing was sent") {
			t.Errorf("ended %v after SIGINT, exit %d\n%s", took, code, p.stderr.String())
		}
	})
	t.Run("FIFO credential and /dev/zero tokens", func(t *testing.T) {
		for _, args := range [][]string{
			{"send", "--env", "local", "--p8", fifo, "--key-id", apnstest.DemoKeyID, "--team-id", apnstest.DemoTeamID, "--token", tok(1), "--alert", "x"},
			{"send", "--env", "local", "--tokens", "/dev/zero", "--alert", "x"},
			{"send", "--env", "local", "--ca", fifo, "--host", addr, "--token", tok(1), "--alert", "x"},
		} {
			p := start(t, nil, args...)
			if code := p.wait(t); code != exitFailure || !strings.Contains(p.stderr.String(), "not a regular file") {
				t.Errorf("%q: exit %d\n%s", args, code, p.stderr.String())
			}
		}
	})
}

// osPipe is a pipe the child reads directly as its standard input (an
// io.Reader would be copied by exec, and Wait would wait for the copy).
func osPipe(t *testing.T) (r, w *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}

// completeJSONLines counts stdout's lines, failing on one that is not a
// whole JSON object (a line cut off by the stop).
func completeJSONLines(t *testing.T, out []byte) int {
	t.Helper()
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Errorf("line %d is not whole JSON: %q", n+1, sc.Text())
		}
		n++
	}
	if len(out) > 0 && out[len(out)-1] != '\n' {
		t.Errorf("stdout ends in the middle of a line")
	}
	return n
}

// A command that does not end when cancelled (a wait that does not watch
// for the interrupt) is left behind stopGrace after the signal, or at a
// second signal, with the lines it wrote so far flushed whole.
func TestStopLeavesACommandThatDoesNotEnd(t *testing.T) {
	for _, second := range []bool{false, true} {
		var stdout, stderr syncBuffer
		sigs := make(chan os.Signal, 2)
		wrote := make(chan struct{})
		stuck := func(ctx context.Context) int {
			w := newFlushedWriter(ctx, &stdout, 32<<10)
			fmt.Fprintln(w, `{"token":"a","status":200}`)
			fmt.Fprintln(w, `{"token":"b","status":200}`)
			close(wrote)
			select {} // ignores ctx
		}
		done := make(chan int, 1)
		go func() { done <- runUntilStopped(stuck, sigs, 300*time.Millisecond, &stderr) }()
		<-wrote
		sigs <- syscall.SIGINT
		if second {
			sigs <- syscall.SIGINT
		}
		select {
		case code := <-done:
			want := "stopped: the command had not ended 300ms after the interrupt"
			if second {
				want = "stopped at once by a second interrupt"
			}
			if code != exitFailure || !strings.Contains(stderr.String(), want) {
				t.Errorf("exit %d\n%s", code, stderr.String())
			}
			if got := stdout.String(); got != "{\"token\":\"a\",\"status\":200}\n{\"token\":\"b\",\"status\":200}\n" {
				t.Errorf("lines written before the stop: %q", got)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("still waiting for the command 10 s after the signal")
		}
	}
}
