package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// Clear history asks first, as drawn; Cancel keeps the rows, Clear
// empties the log.
func TestClearHistoryAsksFirst(t *testing.T) {
	a := newTestApp(t)
	q := &uiQueue{}
	p := newLogPane(a, q.do, 0)
	w := test.NewTempWindow(t, p.Content())
	w.Resize(fyne.NewSize(560, 420))
	p.win = w
	fillLog(p)
	q.drain()
	test.Tap(findButton(w.Canvas(), "Clear history"))
	test.AssertObjectRendersToMarkup(t, "log_clear_confirm.xml", w.Canvas().Overlays().Top())
	test.Tap(findButton(w.Canvas(), "Cancel"))
	if p.Len() != 3 {
		t.Fatalf("Cancel cleared the log: %d rows", p.Len())
	}
	test.Tap(findButton(w.Canvas(), "Clear history"))
	test.Tap(findButton(w.Canvas(), "Clear"))
	if p.Len() != 0 {
		t.Errorf("Clear left %d rows", p.Len())
	}
}

// Copy says it copied: the button reads "Copied 3 rows" for a moment,
// then "Copy all" again.
func TestCopyAllSaysItCopied(t *testing.T) {
	a := newTestApp(t)
	q := &uiQueue{}
	p := newLogPane(a, q.do, 0)
	w := test.NewTempWindow(t, p.Content())
	w.Resize(fyne.NewSize(560, 420))
	fillLog(p)
	q.drain()
	test.Tap(p.copyAll)
	if p.copyAll.Text != "Copied 3 rows" {
		t.Errorf("after Copy all the button says %q", p.copyAll.Text)
	}
	if !strings.Contains(a.Clipboard().Content(), "410 Unregistered") {
		t.Error("the clipboard lacks the log")
	}
	waitQueue(t, q, "the button to read Copy all again", func() bool { return p.copyAll.Text == "Copy all" })
	p.list.Select(1)
	q.drain()
	test.Tap(p.copyRow)
	if p.copyRow.Text != "Copied" {
		t.Errorf("after Copy row the button says %q", p.copyRow.Text)
	}
}

// A log filled before it is drawn (the history read at launch) opens on
// its newest row, as drawn.
func TestLogOpensOnTheNewestRow(t *testing.T) {
	a := newTestApp(t)
	q := &uiQueue{}
	p := newLogPane(a, q.do, 0)
	at := time.Date(2026, 1, 31, 18, 0, 0, 0, time.UTC)
	for i := range 60 {
		p.push(&logEntry{Time: at.Add(time.Duration(i) * time.Second), Kind: kindSend, Env: "local",
			Token: fmt.Sprintf("%064x", i+1), Status: "200 OK", Tone: toneSuccess})
	}
	q.drain() // before the window: no list to scroll yet
	w := test.NewTempWindow(t, p.Content())
	w.Resize(fyne.NewSize(560, 420))
	settled := time.Now().Add(500 * time.Millisecond) // the retries of a list not yet laid out
	waitQueue(t, q, "the list to settle", func() bool { return time.Now().After(settled) })
	test.AssertRendersToMarkup(t, "log_opens_at_end.xml", w.Canvas())
}
