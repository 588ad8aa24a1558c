package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
)

// drawRows shows a copy of the console's rows in a pane of their own, with
// a fixed time and no latency (the only parts that vary between runs), and
// the row at selected (-1: none) selected; it returns the pane's window.
func drawRows(t *testing.T, c *Console, selected int) fyne.Window {
	t.Helper()
	q := &uiQueue{}
	p := newLogPane(c.app, q.do, 0)
	w := test.NewTempWindow(t, p.Content())
	w.Resize(fyne.NewSize(640, 460))
	at := time.Date(2026, 1, 31, 18, 0, 0, 0, time.UTC)
	c.log.mu.Lock()
	for i := 0; i < c.log.rows.len(); i++ {
		e := *c.log.rows.at(i)
		e.Time, e.Latency, e.Story = at, 0, nil
		p.push(&e)
		at = at.Add(time.Second)
	}
	c.log.mu.Unlock()
	q.drain()
	if selected >= 0 {
		p.list.Select(selected)
		q.drain()
	}
	return w
}

// Many tokens through the streaming core: the refused line, one row per
// token in the order pasted, then the send's own row with its summary
// (moved below them when the send is over), as drawn.
func TestSendToThreeTokensWithARefusedLineAsDrawn(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	c.dev.tokens.SetText(apnstest.DemoToken + "\nnot a token\n" + strings.Repeat("ab", 32) + "\n" + strings.Repeat("cd", 32))
	h.sendAndWait()
	h.waitFor("four rows and the summary", func() bool {
		return c.log.Len() == 5 && strings.Contains(h.logText(), "3 accepted")
	})
	test.AssertRendersToMarkup(t, "send_three_refused_one.xml", drawRows(t, c, -1).Canvas())

	// The send's own row tells the connection's story once, not once per
	// token.
	h.sendAndWait()
	h.waitFor("the second summary", func() bool { return strings.Contains(h.logText(), "Send 2 to 3 tokens (local simulator): 3 accepted") })
	c.log.mu.Lock()
	last := c.log.rows.at(c.log.rows.len() - 1)
	bus := last.story()
	c.log.mu.Unlock()
	if n := strings.Count(bus, "Reusing the connection"); n != 1 {
		t.Errorf("the send's row says %d times that it reuses the connection, want once:\n%s", n, bus)
	}
	// The result is where the eye is: the summary, below its rows, is
	// selected and its story is the one shown.
	h.waitFor("the summary selected", func() bool { return c.log.selected == last })
	if !strings.HasPrefix(c.log.shown, bus[:strings.Index(bus, "\n")]) || !strings.Contains(c.log.shown, "Send 2 to 3 tokens (local simulator): 3 accepted") {
		t.Errorf("the story pane shows %q, want the second send's summary", c.log.shown)
	}
}

// After a send to one token its row is selected and its story shown, not
// the row selected before.
func TestSendSelectsItsResult(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	h.sendAndWait()
	h.waitFor("the first row", func() bool { return c.log.selected != nil })
	c.log.list.Select(0)
	h.q.drain()
	first := c.log.selected
	c.note.title.SetText("Second")
	h.sendAndWait()
	h.waitFor("the second row selected", func() bool { return c.log.selected != first && c.log.selected != nil })
	if !strings.Contains(c.log.shown, `"title": "Second"`) || !strings.Contains(c.log.shown, "Send 2 ") {
		t.Errorf("the story pane shows %q, want send 2's", c.log.shown)
	}
	if len(c.log.view) == 0 || c.log.view[len(c.log.view)-1] != c.log.selected {
		t.Error("the selected row is not the newest")
	}
}

// A thousand tokens: exactly one result per token, each in its own row,
// over one connection.
func TestSendToAThousandTokensGivesOneResultEach(t *testing.T) {
	h := newHarness(t)
	sim := h.simulator()
	c := h.c
	const n = 1000
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%064x\n", i+1)
	}
	c.dev.setText(b.String()) // listed under the field, read in the background
	want := fmt.Sprintf("Send to %d", n)
	h.waitFor("the button to say "+want, func() bool { return c.bar.sendBtn.Text == want && !c.bar.sendBtn.Disabled() })
	h.sendAndWait()
	h.waitFor("the summary", func() bool { return strings.Contains(h.logText(), "1000 accepted") })

	seen := map[string]int{}
	c.log.mu.Lock()
	for i := 0; i < c.log.rows.len(); i++ {
		if e := c.log.rows.at(i); e.isSend() {
			if e.Status != "200 OK" {
				t.Errorf("row for %s: %q, want 200 OK", e.Token, e.Status)
			}
			seen[e.Token]++
		}
	}
	c.log.mu.Unlock()
	for i := range n {
		if tok := fmt.Sprintf("%064x", i+1); seen[tok] != 1 {
			t.Fatalf("token %d has %d rows, want 1", i+1, seen[tok])
		}
	}
	if got := sim.Counts().Accepted; got != n {
		t.Errorf("the simulator accepted %d, want %d", got, n)
	}
	c.mu.Lock()
	handshakes := c.client.Handshakes()
	c.mu.Unlock()
	if handshakes != 1 {
		t.Errorf("%d TLS handshakes, want 1", handshakes)
	}
	want = fmt.Sprintf("· %d rows", n+1)
	h.waitFor("the count "+want, func() bool { return c.log.count.Text == want })
	if c.bar.progressBox.Visible() {
		t.Error("the progress bar stays after the send")
	}
}

// Results reach the UI goroutine in batches: however many arrive while it
// is busy, one fyne.Do.
func TestResultsReachTheUIInBatches(t *testing.T) {
	q := &uiQueue{}
	var got []int
	b := &resultBatch{do: q.do, apply: func(rs []sender.Result) {
		for _, r := range rs {
			got = append(got, r.Index)
		}
	}}
	for i := range 1000 {
		b.add(sender.Result{Index: i})
	}
	if len(q.fns) != 1 {
		t.Fatalf("%d calls queued for 1000 results, want 1", len(q.fns))
	}
	q.drain()
	b.add(sender.Result{Index: 1000})
	if len(q.fns) != 1 {
		t.Fatalf("%d calls queued for a result after the batch, want 1", len(q.fns))
	}
	q.drain()
	if len(got) != 1001 || got[0] != 0 || got[1000] != 1000 {
		t.Errorf("applied %d results (first %v), want all 1001 in order", len(got), got[:1])
	}
}

// A request written but never answered is not called failed: the row says
// it may have been delivered, and how many attempts each send took.
func TestUnconfirmedAndRetriedRowsAsDrawn(t *testing.T) {
	newTestApp(t)
	q := &uiQueue{}
	p := newLogPane(fyne.CurrentApp(), q.do, 0)
	w := test.NewTempWindow(t, p.Content())
	w.Resize(fyne.NewSize(640, 460))
	at := time.Date(2026, 1, 31, 18, 0, 0, 0, time.UTC)
	for i, r := range []sender.Result{
		{Err: fmt.Errorf("%w: no answer from 127.0.0.1:2197 within 30s: it may have been delivered: check before resending", sender.ErrUnconfirmed), Attempts: 1},
		{Response: &sender.Response{Status: 200, ApnsID: "538AF6E1-E598-4B8B-94AB-8B4735D4C052"}, Attempts: 2},
		{Err: &sender.GoAwayError{Host: "127.0.0.1:2197", Reason: "Shutdown"}},
	} {
		tok := strings.Repeat(fmt.Sprintf("%02x", i+1), 32)
		e := &logEntry{Time: at.Add(time.Duration(i) * time.Second), Kind: kindSend, Env: "local", Token: tok, Text: "Send 1 · " + fmt.Sprint(i+1) + " of 3 → 127.0.0.1:2197 (local simulator) · token " + tok, Tone: toneHeading}
		p.push(e)
		p.finishRow(e, r, 0)
	}
	q.drain()
	p.list.Select(0)
	q.drain()
	if !strings.Contains(p.shown, "outcome: unconfirmed") {
		t.Errorf("the story of the unconfirmed row:\n%s", p.shown)
	}
	test.AssertRendersToMarkup(t, "log_unconfirmed.xml", w.Canvas())
}

// The send bar keeps its height, and Send its place and size, whatever
// the slot next to it says: the target, a long reason, a mismatch with
// its switch, the progress of a send; and whatever Send says.
func TestSendNeverMoves(t *testing.T) {
	newTestApp(t)
	b := newSendBar(func(*widget.Entry) {})
	w := test.NewTempWindow(t, container.NewBorder(nil, b.content, nil, nil, widget.NewLabel("form")))
	w.Resize(fyne.NewSize(400, 600))
	d := fyne.CurrentApp().Driver()
	where := func() (fyne.Position, fyne.Size, float32) {
		return d.AbsolutePositionForObject(b.sendBtn), b.sendBtn.Size(), b.content.MinSize().Height
	}
	b.target.SetText("→ 127.0.0.1:2197 (local simulator)")
	pos, size, height := where()
	for _, step := range []struct {
		name string
		do   func()
	}{
		{"a long reason", func() {
			b.showProblem("Send is off: " + strings.Repeat("a reason long enough to need more than two lines in a narrow window ", 3))
		}},
		{"a mismatch", func() {
			b.showProblem("")
			b.showMismatch("The simulator uses its demo credential; the Certificate (.p12) you loaded is for Apple's sandbox.", sender.Sandbox)
		}},
		{"progress", func() { b.showProgress(10, 100000) }},
		{"Send to 100000", func() { b.sendBtn.SetText("Send to 100000") }},
		{"Sending…", func() { b.sendBtn.SetText("Sending…") }},
		{"Local's outcome", func() { b.env.SetSelected(envLocal) }},
		{"done", func() { b.showProgress(0, 0); b.showMismatch("", ""); b.sendBtn.SetText("Send") }},
	} {
		step.do()
		if p, s, h := where(); p != pos || s != size || h != height {
			t.Errorf("after %s: Send at %v size %v, bar %v high; was at %v size %v, %v high", step.name, p, s, h, pos, size, height)
		}
	}
}
