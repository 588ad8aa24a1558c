package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"apnsconsole/sender/apnstest"
)

// stuckWriter blocks every Write until released, like a pipe nobody reads.
type stuckWriter struct {
	release chan struct{}
	mu      sync.Mutex
	buf     bytes.Buffer
}

func (w *stuckWriter) Write(p []byte) (int, error) {
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

// TestServeLogNeverWaitsForItsReader: with a reader that does not read,
// logging 20,000 requests does not block; the lines beyond the buffer are
// dropped and the log says how many, so that lines written plus lines
// dropped are every request.
func TestServeLogNeverWaitsForItsReader(t *testing.T) {
	w := &stuckWriter{release: make(chan struct{})}
	l := newServeLog(w, true)
	const n = 20000
	done := make(chan struct{})
	go func() {
		for i := 0; i < n; i++ {
			l.request(apnstest.Record{Time: time.Now(), Conn: 1, Status: 200, Token: apnstest.DemoToken})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("logging blocked on a reader that does not read")
	}
	close(w.release)
	dropped := l.close()
	if dropped == 0 {
		t.Fatal("nothing dropped with a stalled reader")
	}
	lines, noted := 0, uint64(0)
	for _, line := range strings.Split(strings.TrimSpace(w.buf.String()), "\n") {
		var v struct {
			Dropped uint64 `json:"dropped"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		if v.Dropped > 0 {
			noted += v.Dropped
			if !strings.HasSuffix(v.Message, "log lines dropped: the reader is not keeping up") {
				t.Errorf("message %q", v.Message)
			}
			continue
		}
		lines++
	}
	if uint64(lines)+noted != n || noted != dropped {
		t.Errorf("%d lines written + %d noted as dropped (%d counted), want %d in all", lines, noted, dropped, n)
	}
	// Kept for a stalled reader: the records queued, and what the 64 KB
	// write buffer holds (each line is over 50 bytes).
	if limit := serveLogBuffer + 64<<10/50 + 2; lines > limit {
		t.Errorf("%d lines kept for a stalled reader, more than the buffers hold (%d)", lines, limit)
	}
}

// TestServeLogStopsDespiteAStalledReader: stopping waits a bounded time
// for a reader that never reads.
func TestServeLogStopsDespiteAStalledReader(t *testing.T) {
	w := &stuckWriter{release: make(chan struct{})}
	defer close(w.release)
	l := newServeLog(w, false)
	l.request(apnstest.Record{Time: time.Now(), Status: 200})
	stopped := make(chan struct{})
	go func() { l.close(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(30 * time.Second):
		t.Fatal("close waits forever for a stalled reader")
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[uint64]string{0: "0", 999: "999", 1204: "1,204", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestServeLogShowsRequestsNeverAnswered: a request read and never
// answered (a drop fault, a reset, a connection closed first) is logged
// as such, with status 0, never as answered.
func TestServeLogShowsRequestsNeverAnswered(t *testing.T) {
	for why, text := range map[string]string{
		apnstest.NoAnswerDrop:   "no answer: connection dropped (fault)",
		apnstest.NoAnswerReset:  "no answer: stream reset (fault)",
		apnstest.NoAnswerClosed: "no answer: the connection closed first",
	} {
		r := apnstest.Record{Time: time.Now(), Conn: 3, Auth: apnstest.AuthToken, Method: "POST", Path: "/3/device/" + apnstest.DemoToken, NoAnswer: why}
		if line := serveLogLine(r); !strings.HasSuffix(line, "→ "+text) {
			t.Errorf("%s: %q, want it to end with %q", why, line, text)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(serveJSONLine(r)), &v); err != nil || v["status"] != 0.0 || v["no_answer"] != why {
			t.Errorf("%s: JSON %v (%v), want status 0 and no_answer %q", why, v, err, why)
		}
	}
}
