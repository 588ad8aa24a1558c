package cli

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"apnsconsole/sender"
)

// printer writes a subcommand's results to stdout and its events, warnings
// and errors to stderr. Events may come from several goroutines.
type printer struct {
	mu      sync.Mutex
	stdout  io.Writer
	stderr  io.Writer
	json    bool
	verbose bool
}

func newPrinter(stdout, stderr io.Writer, json, verbose bool) *printer {
	return &printer{stdout: stdout, stderr: stderr, json: json, verbose: verbose}
}

// event prints a connection event (with -v).
func (p *printer) event(e sender.Event) {
	if !p.verbose {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.stderr, "%s %-8s %s\n", e.Time.Format("15:04:05.000"), e.Kind, e.Text)
	for _, d := range e.Detail {
		fmt.Fprintf(p.stderr, "%22s%s\n", "", d)
	}
}

func (p *printer) info(msg string) {
	p.event(sender.Event{Time: time.Now(), Kind: sender.EventInfo, Text: msg})
}

func (p *printer) warn(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintln(p.stderr, "warning:", msg)
}

// fail prints an error that stops the command and returns exit code 2.
func (p *printer) fail(err error) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintln(p.stderr, "error:", err)
	return exitFailure
}

// result prints one token's outcome.
func (p *printer) result(r sender.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.json {
		fmt.Fprintln(p.stdout, marshalJSON(toJSON(r)))
		return
	}
	tok := r.Notification.Token
	switch {
	case r.Err != nil:
		fmt.Fprintf(p.stdout, "✗ %s  %v\n", tok, r.Err)
	case r.Response.Accepted():
		line := fmt.Sprintf("✓ %s  200 OK  apns-id %s  (%s)", tok, r.Response.ApnsID, r.Response.Duration.Round(time.Millisecond))
		if r.Response.UniqueID != "" {
			line += "  apns-unique-id " + r.Response.UniqueID
		}
		fmt.Fprintln(p.stdout, line)
	default:
		resp := r.Response
		fmt.Fprintf(p.stdout, "✗ %s  %s\n", tok, resp.Summary())
		if !resp.Timestamp.IsZero() {
			fmt.Fprintf(p.stdout, "  token invalid since %s\n", resp.Timestamp.UTC().Format(time.RFC3339))
		}
	}
}

// exitCode is 0 when every token was accepted, 2 when any failed without
// an APNs answer (bad input, credential or connection), else 1.
func (p *printer) exitCode(results []sender.Result) int {
	code := exitOK
	for _, r := range results {
		switch {
		case r.Err != nil:
			var ga *sender.GoAwayError
			if errors.As(r.Err, &ga) && ga.Reason != "" {
				code = max(code, exitRejected)
			} else {
				return exitFailure
			}
		case !r.Response.Accepted():
			code = max(code, exitRejected)
		}
	}
	return code
}
