package ui

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"apnsconsole/sender"
)

// The window at large inputs, measured with Fyne's test driver (`make
// bench` runs these). The test goroutine plays the UI goroutine: each
// turn of frameLoop runs the UI work queued with fyne.Do (the harness's
// queue) and counts as one frame, so the time between the ends of two
// turns is how long the window could not redraw. That gap is reported
// with the time to the result, each also as a ratio to the budget
// (diagnosis of 100,000 tokens ≤ 2 s, gap ≤ 100 ms, filter ≤ 50 ms per
// keystroke): below 1 is within it.

// frameLoop runs start as the first frame's work, then frames until done
// holds; it returns the time to done and the longest gap between frames.
func frameLoop(tb testing.TB, q *uiQueue, start func(), done func() bool) (elapsed, gap time.Duration) {
	tb.Helper()
	began := time.Now()
	last := began
	start()
	deadline := began.Add(60 * time.Second)
	for {
		q.drain()
		now := time.Now()
		gap = max(gap, now.Sub(last))
		last = now
		if done() {
			return now.Sub(began), gap
		}
		if now.After(deadline) {
			tb.Fatal("timed out")
		}
		time.Sleep(time.Millisecond) // the GL driver's wait for the next event or vsync
	}
}

func manyTokens(n int) string {
	var b strings.Builder
	b.Grow(n * 65)
	for i := range n {
		fmt.Fprintf(&b, "%064x\n", i+1)
	}
	return b.String()
}

// Paste 100,000 tokens into the Tokens field: the diagnosis and the
// longest frame gap meanwhile.
func BenchmarkPaste100kTokens(b *testing.B) {
	h := newHarness(b)
	c := h.c
	text := manyTokens(100_000)
	var elapsed, gap time.Duration
	for i := range b.N {
		c.dev.setText("")
		h.q.drain()
		c.app.Clipboard().SetContent(text + strings.Repeat("\n", i)) // a new text each time
		c.win.Canvas().Focus(c.dev.tokens)
		e, g := frameLoop(b, h.q, func() {
			c.dev.tokens.TypedShortcut(&fyne.ShortcutPaste{Clipboard: c.app.Clipboard()})
		}, func() bool { return strings.HasPrefix(c.dev.status.Text, "100000 tokens ✓") })
		elapsed, gap = max(elapsed, e), max(gap, g)
	}
	if c.bar.sendBtn.Text != "Send to 100000" {
		b.Errorf("Send button %q after the paste", c.bar.sendBtn.Text)
	}
	b.ReportMetric(float64(elapsed.Milliseconds()), "diagnosis-ms")
	b.ReportMetric(elapsed.Seconds()/2, "diagnosis/2s")
	b.ReportMetric(float64(gap.Milliseconds()), "frame-gap-ms")
	b.ReportMetric(gap.Seconds()/0.1, "frame-gap/100ms")
}

// Send to 10,000 tokens on the local simulator: the longest frame gap
// while the results come in, and the whole send's time.
func BenchmarkSend10kTokens(b *testing.B) {
	h := newHarness(b)
	h.simulator()
	c := h.c
	c.dev.setText(manyTokens(10_000))
	h.waitFor("the tokens", func() bool { return c.dev.count() == 10_000 && c.ready })
	var elapsed, gap time.Duration
	for range b.N {
		e, g := frameLoop(b, h.q, c.Send, func() bool { return !c.sending })
		elapsed, gap = max(elapsed, e), max(gap, g)
	}
	if !strings.Contains(h.logText(), "10000 accepted") {
		b.Errorf("no summary of 10000 accepted; problem %q; log:\n%s", c.bar.problem.Text, h.logText()[:min(2000, len(h.logText()))])
	}
	b.ReportMetric(float64(elapsed.Milliseconds()), "send-ms")
	b.ReportMetric(float64(gap.Milliseconds()), "frame-gap-ms")
	b.ReportMetric(gap.Seconds()/0.1, "frame-gap/100ms")
}

// Type a word into the log's search over 10,000 rows with their stories:
// the longest time from a keystroke to its rows shown, against the budget
// and against a bare scan of the same text (strings.Contains over every
// row's story, built beforehand) in the same run.
func BenchmarkLogFilter10kRows(b *testing.B) {
	a := newTestApp(b)
	q := &uiQueue{}
	p := newLogPane(a, q.do, 0)
	w := test.NewTempWindow(b, p.Content())
	w.Resize(fyne.NewSize(560, 520))
	fillLarge(p, 10_000)
	q.drain()
	stories := make([]string, 0, p.rows.len())
	for i := range p.rows.len() {
		stories = append(stories, strings.ToLower(p.rows.at(i).story()))
	}
	const word = "unregistered"
	var worst, bare time.Duration
	for range b.N {
		p.search.SetText("")
		q.drain()
		for i := range word {
			d, _ := frameLoop(b, q, func() { p.search.SetText(word[:i+1]) }, func() bool { return !p.filtering })
			worst = max(worst, d)
		}
		if len(p.view) != 10_000/10 {
			b.Fatalf("%d rows match %q, want %d", len(p.view), word, 10_000/10)
		}
		start := time.Now()
		n := 0
		for _, s := range stories {
			if strings.Contains(s, word) {
				n++
			}
		}
		bare = max(bare, time.Since(start))
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "keystroke-ms")
	b.ReportMetric(worst.Seconds()/0.05, "keystroke/50ms")
	b.ReportMetric(worst.Seconds()/bare.Seconds(), "keystroke/bare-scan")
}

// fillLarge adds n finished sends like a bulk send's rows: the heading,
// the payload, the curl line, request and response; one in ten was
// refused as Unregistered.
func fillLarge(p *LogPane, n int) {
	payload := indentLines(`{
  "aps": {
    "alert": {
      "title": "Order shipped",
      "body": "Your order 1234 is on its way"
    },
    "badge": 3
  }
}`)
	for i := range n {
		tok := fmt.Sprintf("%064x", i+1)
		e := p.beginSend("local", tok, fmt.Sprintf("Send 1 · %d of %d → 127.0.0.1:2197 (local simulator) · token %s · topic com.example.app · push type alert", i+1, n, tok))
		p.addStory(e, "payload (95 bytes):", payload)
		p.addStory(e, "curl (the same request; secrets stay in $APNS_* variables):", []string{"    curl -v --http2 --cacert ca.pem -H 'apns-topic: com.example.app' -H 'apns-push-type: alert' --data-binary @payload.json https://127.0.0.1:2197/3/device/" + tok})
		p.addToRow(e, sender.Event{Kind: sender.EventRequest, Text: "POST /3/device/" + tok + " (HTTP/2)", Detail: []string{"apns-topic: com.example.app", "apns-push-type: alert", "apns-priority: 10"}})
		r := sender.Result{Response: &sender.Response{Status: 200, ApnsID: fmt.Sprintf("%08x-0000-4000-8000-000000000000", i), Duration: time.Millisecond}}
		if i%10 == 3 {
			r.Response.Status, r.Response.Reason = 410, "Unregistered"
		}
		p.finishRow(e, r, 0)
	}
}

// The Go heap the window keeps with QA's large lists: a send to 10,000
// tokens on the local simulator (10,000 log rows, each with its story),
// then 100,000 tokens pasted (listed, not sent). make memory measures the
// whole process against a bare window; this is the Go side of it, for a
// heap profile: go test -run '^$' -bench HeapLargeLists -memprofile heap.out ./ui
func BenchmarkHeapLargeLists(b *testing.B) {
	for range b.N {
		h := newHarness(b)
		h.simulator()
		c := h.c
		c.dev.setText(manyTokens(10_000))
		h.waitFor("the tokens", func() bool { return c.dev.count() == 10_000 && c.ready })
		c.Send()
		h.waitFor("the send", func() bool { return !c.sending })
		h.q.drain()
		if c.log.Len() < 10_000 {
			b.Fatalf("%d rows in the log, want 10000", c.log.Len())
		}
		rows := heapMB()
		c.dev.setText(manyTokens(100_000))
		h.waitFor("the tokens", func() bool { return c.dev.count() == 100_000 })
		h.q.drain()
		b.ReportMetric(rows, "heap-MB-10k-rows")
		b.ReportMetric(heapMB(), "heap-MB-and-100k-tokens")
	}
}

// heapMB is the Go heap in use after a collection.
func heapMB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}
