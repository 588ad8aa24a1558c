package cli

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"apnsconsole/sender"
)

// exitUnconfirmed: at least one notification was written and its
// connection ended before the answer: it may have been delivered, so a
// script must not simply send everything again. (0, 1 and 2 are in cli.go.)
const exitUnconfirmed = 3

// tally counts a send's outcomes as they arrive, in constant memory, for
// the summary and the exit code: each result is exactly one of accepted,
// rejected (with APNs' reason), not sent (safe to send again) and
// unconfirmed (may have been delivered).
type tally struct {
	start       time.Time
	total       int
	accepted    int
	rejected    map[string]int // by reason
	notSent     int            // bad input, no connection, the send stopped, cancelled
	unconfirmed int            // sent, never answered
	refused     int            // of notSent: bad input
	stopped     []stopCount    // of notSent: by the cause that stopped the send, in order
	retried     int            // results that took more than one attempt
	resent      int            // results that went again on a new connection, unprocessed
	latency     histogram
}

// stopCount is one cause that stopped the send and how many
// notifications it left not sent: stated once, with the count.
type stopCount struct {
	cause *sender.StoppedError
	n     int
}

func newTally() *tally { return &tally{start: time.Now(), rejected: map[string]int{}} }

// add counts r; it reports a stop cause the first time one is seen, for
// the caller to state once.
func (t *tally) add(r sender.Result) (first *sender.StoppedError) {
	t.total++
	if r.Attempts > 1 {
		t.retried++
	}
	if r.Unprocessed > 0 {
		t.resent++
	}
	switch r.Outcome() {
	case sender.OutcomeAccepted:
		t.latency.add(r.Response.Duration)
		t.accepted++
	case sender.OutcomeRejected:
		t.latency.add(r.Response.Duration)
		t.rejected[cmp.Or(r.Response.Reason, fmt.Sprint(r.Response.Status))]++
	case sender.OutcomeUnconfirmed:
		t.unconfirmed++
	default:
		t.notSent++
		if isInputError(r.Err) {
			t.refused++
		}
		if se := sender.StopCause(r.Err); se != nil {
			for i := range t.stopped {
				if t.stopped[i].cause == se {
					t.stopped[i].n++
					return nil
				}
			}
			t.stopped = append(t.stopped, stopCount{se, 1})
			return se
		}
	}
	return nil
}

func (t *tally) rejectedCount() int {
	n := 0
	for _, v := range t.rejected {
		n += v
	}
	return n
}

// exitCode: 3 when any notification is unconfirmed (sending everything
// again could duplicate it), else 2 when any was not sent, else 1 when
// APNs rejected any, else 0.
func (t *tally) exitCode() int {
	switch {
	case t.unconfirmed > 0:
		return exitUnconfirmed
	case t.notSent > 0:
		return exitFailure
	case t.rejectedCount() > 0:
		return exitRejected
	}
	return exitOK
}

// print writes the summary: the four outcomes, reasons, each cause that
// stopped the send (once, with its count), rate and latency.
func (t *tally) print(w io.Writer, dups int) {
	took := time.Since(t.start)
	sent := t.accepted + t.rejectedCount() + t.unconfirmed
	var b strings.Builder
	fmt.Fprintf(&b, "%d notification%s: %d sent, %d accepted, %d rejected", t.total, plural(t.total), sent, t.accepted, t.rejectedCount())
	if len(t.rejected) > 0 {
		var parts []string
		for _, reason := range slices.Sorted(maps.Keys(t.rejected)) {
			parts = append(parts, fmt.Sprintf("%s %d", escapeControl(reason), t.rejected[reason]))
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, ", %d not sent, %d unconfirmed", t.notSent, t.unconfirmed)
	if t.retried > 0 {
		fmt.Fprintf(&b, ", %d retried", t.retried)
	}
	if dups > 0 {
		fmt.Fprintf(&b, ", %d duplicate%s", dups, plural(dups))
	}
	fmt.Fprintf(&b, " in %s", sender.FormatDuration(took))
	if secs := took.Seconds(); secs > 0 && sent > 0 {
		fmt.Fprintf(&b, " · %.0f/s", float64(sent)/secs)
	}
	if t.latency.n > 0 {
		fmt.Fprintf(&b, " · latency p50 %s p99 %s", sender.FormatDuration(t.latency.quantile(0.5)), sender.FormatDuration(t.latency.quantile(0.99)))
	}
	fmt.Fprintln(w, b.String())
	for _, s := range t.stopped {
		fmt.Fprintf(w, "%d not sent: the send stopped: %s\n", s.n, escapeControl(s.cause.Cause.Error()))
	}
	if t.resent > 0 {
		fmt.Fprintf(w, "%d went again on a new connection after the server closed one before processing them (not retries: the server never had them)\n", t.resent)
	}
	if other := t.notSent - t.refused - t.stoppedCount(); other > 0 {
		fmt.Fprintf(w, "%d not sent (see each line): safe to send again\n", other)
	}
	if t.unconfirmed > 0 {
		fmt.Fprintf(w, "%d unconfirmed: written, but the connection ended before the answer: they may have been delivered; check before resending them (--resend-unconfirmed sends such notifications again, at the risk of a duplicate)\n", t.unconfirmed)
	}
}

func (t *tally) stoppedCount() int {
	n := 0
	for _, s := range t.stopped {
		n += s.n
	}
	return n
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// histogram keeps latencies in buckets 5% wide from 10 µs up: constant
// memory, quantiles within 5%.
type histogram struct {
	counts [400]int
	n      int
}

const histBase = 10 * time.Microsecond

func (h *histogram) add(d time.Duration) {
	i := 0
	if d > histBase {
		i = int(math.Log(float64(d)/float64(histBase))/math.Log(1.05)) + 1
	}
	h.counts[min(i, len(h.counts)-1)]++
	h.n++
}

// quantile is the upper edge of the bucket holding quantile q.
func (h *histogram) quantile(q float64) time.Duration {
	want := int(math.Ceil(q * float64(h.n)))
	seen := 0
	for i, c := range h.counts {
		seen += c
		if seen >= max(want, 1) {
			return time.Duration(float64(histBase) * math.Pow(1.05, float64(i)))
		}
	}
	return 0
}

// escapeControl shows control characters (from a tokens file or a server)
// as escapes, so they cannot move the cursor or rewrite the terminal.
func escapeControl(s string) string {
	clean := true
	for _, r := range s {
		if isControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isControl(r) {
			q := fmt.Sprintf("%+q", string(r))
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xfffd ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) // bidi overrides
}
