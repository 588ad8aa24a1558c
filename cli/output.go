package cli

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"apnsconsole/internal/jsonstr"
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
	line    []byte // a result's JSON line, reused
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

// result prints one token's outcome the moment it is known: a JSON
// line with --json, else a line of text (control characters escaped).
func (p *printer) result(r sender.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.json {
		p.line = append(toJSON(r).appendJSON(p.line[:0]), '\n')
		p.stdout.Write(p.line)
		return
	}
	tok := escapeControl(r.Notification.Token)
	if tok == "" {
		tok = "-"
	}
	switch {
	case r.Err != nil && r.Unconfirmed():
		fmt.Fprintf(p.stdout, "? %s  %s\n", tok, escapeControl(r.Err.Error()))
	case sender.StopCause(r.Err) != nil:
		// The cause is stated once (stopped) and in the summary, with
		// the count: not once per token.
		fmt.Fprintf(p.stdout, "– %s  not sent: the send stopped (see the summary)\n", tok)
	case r.Err != nil:
		fmt.Fprintf(p.stdout, "– %s  %s\n", tok, escapeControl(r.Err.Error()))
	case r.Response.Accepted():
		line := fmt.Sprintf("✓ %s  200 OK  apns-id %s  (%s)", tok, escapeControl(r.Response.ApnsID), r.Response.Duration.Round(time.Millisecond))
		if r.Response.UniqueID != "" {
			line += "  apns-unique-id " + escapeControl(r.Response.UniqueID)
		}
		if r.Attempts > 1 {
			line += fmt.Sprintf("  after %d attempts", r.Attempts)
		}
		fmt.Fprintln(p.stdout, line)
	default:
		resp := r.Response
		line := fmt.Sprintf("✗ %s  %s", tok, escapeControl(resp.Summary()))
		if r.Attempts > 1 {
			line += fmt.Sprintf(" (after %d attempts)", r.Attempts)
		}
		fmt.Fprintln(p.stdout, line)
		if !resp.Timestamp.IsZero() {
			fmt.Fprintf(p.stdout, "  token invalid since %s\n", resp.Timestamp.UTC().Format(time.RFC3339))
		}
	}
}

// stopped states, once, the cause that stopped the send.
func (p *printer) stopped(se *sender.StoppedError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintln(p.stderr, "error: the send stopped:", escapeControl(se.Cause.Error()))
}

// summary writes the tally to stderr.
func (p *printer) summary(t *tally, dups int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t.print(p.stderr, dups)
}

func isInputError(err error) bool {
	var ie inputError
	return errors.As(err, &ie) || errors.Is(err, sender.ErrInvalidNotification) || errors.Is(err, sender.ErrInvalidToken) || errors.Is(err, sender.ErrInvalidPayload)
}

// appendJSON is json.Marshal of j with HTML left unescaped, as
// marshalJSON writes it, without reflection: a bulk send writes one per
// token.
func (j jsonResult) appendJSON(b []byte) []byte {
	b = append(b, `{"token":`...)
	b = jsonstr.Append(b, j.Token)
	b = append(b, `,"outcome":`...)
	b = jsonstr.Append(b, j.Outcome)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(j.Status), 10)
	if j.Reason != "" {
		b = append(b, `,"reason":`...)
		b = jsonstr.Append(b, j.Reason)
	}
	if j.ApnsID != "" {
		b = append(b, `,"apns_id":`...)
		b = jsonstr.Append(b, j.ApnsID)
	}
	if j.ApnsUniqueID != "" {
		b = append(b, `,"apns_unique_id":`...)
		b = jsonstr.Append(b, j.ApnsUniqueID)
	}
	if j.Timestamp != 0 {
		b = append(b, `,"timestamp":`...)
		b = strconv.AppendInt(b, j.Timestamp, 10)
	}
	b = append(b, `,"duration_ms":`...)
	b = strconv.AppendInt(b, j.DurationMS, 10)
	b = append(b, `,"attempts":`...)
	b = strconv.AppendInt(b, int64(j.Attempts), 10)
	if j.Unconfirmed {
		b = append(b, `,"unconfirmed":true`...)
	}
	if j.Error != "" {
		b = append(b, `,"error":`...)
		b = jsonstr.Append(b, j.Error)
	}
	return append(b, '}')
}
