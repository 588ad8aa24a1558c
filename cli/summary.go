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

// tally counts a send's outcomes as they arrive, in constant memory, for
// the summary and the exit code.
type tally struct {
	start       time.Time
	total       int
	accepted    int
	rejected    map[string]int // by reason
	failed      int            // not sent: bad input, no connection, cancelled
	unconfirmed int            // sent, never answered
	refused     int            // of failed: bad input
	goAway      int            // of rejected: GOAWAY with APNs' reason
	retried     int            // results that took more than one attempt
	latency     histogram
}

func newTally() *tally { return &tally{start: time.Now(), rejected: map[string]int{}} }

func (t *tally) add(r sender.Result) {
	t.total++
	if r.Attempts > 1 {
		t.retried++
	}
	switch {
	case r.Response != nil:
		t.latency.add(r.Response.Duration)
		if r.Response.Accepted() {
			t.accepted++
		} else {
			t.rejected[cmp.Or(r.Response.Reason, fmt.Sprint(r.Response.Status))]++
		}
	case r.Unconfirmed():
		t.unconfirmed++
	case isGoAwayReason(r.Err):
		t.goAway++
		t.rejected[goAwayReason(r.Err)]++
	default:
		t.failed++
		if isInputError(r.Err) {
			t.refused++
		}
	}
}

func (t *tally) rejectedCount() int {
	n := 0
	for _, v := range t.rejected {
		n += v
	}
	return n
}

// exitCode: 2 when any notification failed or is unconfirmed, 1 when
// APNs rejected any, else 0.
func (t *tally) exitCode() int {
	switch {
	case t.failed > 0 || t.unconfirmed > 0:
		return exitFailure
	case t.rejectedCount() > 0:
		return exitRejected
	}
	return exitOK
}

// print writes the summary: counts, reasons, rate and latency.
func (t *tally) print(w io.Writer, dups int) {
	took := time.Since(t.start)
	sent := t.accepted + t.rejectedCount() - t.goAway + t.unconfirmed
	var b strings.Builder
	fmt.Fprintf(&b, "%d notification%s: %d sent, %d accepted, %d rejected", t.total, plural(t.total), sent, t.accepted, t.rejectedCount())
	if len(t.rejected) > 0 {
		var parts []string
		for _, reason := range slices.Sorted(maps.Keys(t.rejected)) {
			parts = append(parts, fmt.Sprintf("%s %d", escapeControl(reason), t.rejected[reason]))
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, ", %d failed, %d unconfirmed", t.failed, t.unconfirmed)
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
	if t.unconfirmed > 0 {
		fmt.Fprintf(w, "%d notification%s got no answer after being sent: they may have been delivered; check before resending them\n", t.unconfirmed, plural(t.unconfirmed))
	}
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
