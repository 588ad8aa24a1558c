package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// Main runs one command line (the arguments after the program's name)
// with the process's standard streams and returns its exit code. Both
// binaries, apns-console and the headless apns-console-cli, call it.
//
// Ctrl+C or SIGTERM ends the command: the first cancels it (a send gives
// every token not yet answered its outcome and prints the summary); if it
// has not ended within stopGrace, or at a second signal, Main flushes the
// result lines written so far and returns at once, exit 2.
func Main(args []string) int {
	if len(args) == 0 {
		args = []string{"help"}
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	grace := stopGrace
	if args[0] == "serve" {
		grace = serveGrace
	}
	return runUntilStopped(func(ctx context.Context) int { return Run(ctx, args, os.Stdin, os.Stdout, os.Stderr) }, sigs, grace, os.Stderr)
}

// stopGrace is how long a command may take to end after Ctrl+C or
// SIGTERM: a second at most, with room for the process to exit.
var stopGrace = 800 * time.Millisecond

// serveGrace is serve's: it lets requests in flight finish for up to
// shutdownGrace (serve.go), then stops; a second Ctrl+C stops it at once.
const serveGrace = shutdownGrace + time.Second

// runUntilStopped runs the command, cancelling it at the first signal and
// returning without it (its writers flushed) grace later or at a second.
func runUntilStopped(run func(context.Context) int, sigs <-chan os.Signal, grace time.Duration, stderr io.Writer) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	flush := &exitFlush{}
	ctx = context.WithValue(ctx, exitFlushKey{}, flush)
	done := make(chan int, 1)
	go func() { done <- run(ctx) }()
	var late <-chan time.Time
	for {
		select {
		case code := <-done:
			return code
		case sig := <-sigs:
			if late == nil {
				cancel()
				late = time.After(grace)
				continue
			}
			flush.run()
			fmt.Fprintf(stderr, "apns-console: stopped at once by a second %v; the lines above are complete, the rest was not printed\n", sig)
			return exitFailure
		case <-late:
			flush.run()
			fmt.Fprintf(stderr, "apns-console: stopped: the command had not ended %v after the interrupt; the lines above are complete, the rest was not printed\n", grace)
			return exitFailure
		}
	}
}

// exitFlush is what to flush when Main stops a command that has not ended.
type exitFlush struct {
	mu  sync.Mutex
	fns []func()
}

type exitFlushKey struct{}

func (f *exitFlush) run() {
	f.mu.Lock()
	fns := f.fns
	f.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// flushedWriter is a buffered writer that Main may flush from its own
// goroutine when it stops the command: results printed so far reach
// stdout, whole lines only (the command writes a line per Write).
type flushedWriter struct {
	mu sync.Mutex
	w  *bufio.Writer
}

// newFlushedWriter buffers w, and has ctx's Main flush it on a forced stop.
func newFlushedWriter(ctx context.Context, w io.Writer, size int) *flushedWriter {
	fw := &flushedWriter{w: bufio.NewWriterSize(w, size)}
	if f, ok := ctx.Value(exitFlushKey{}).(*exitFlush); ok {
		f.mu.Lock()
		f.fns = append(f.fns, func() { fw.Flush() })
		f.mu.Unlock()
	}
	return fw
}

func (fw *flushedWriter) Write(p []byte) (int, error) {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	return fw.w.Write(p)
}

func (fw *flushedWriter) Flush() error {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	return fw.w.Flush()
}
