package ui

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
)

// logCapacity bounds the log pane: past it, the oldest rows go.
const logCapacity = 10000

// refreshDelay batches the rows of a burst into one redraw of the list:
// at most one every 40 ms however fast events come.
const refreshDelay = 40 * time.Millisecond

// kindSend marks a send's row; the other kinds are the sender's.
const kindSend sender.EventKind = "send"

// tone is how a row is shown: its icon colour and status colour.
type tone int

const (
	toneNormal  tone = iota
	toneHeading      // a send under way
	toneSuccess      // accepted
	toneFailure      // rejected or failed
	toneWarning      // a likely mistake
)

// logEntry is one row of the log: a send to one token (time, environment,
// token, status, latency) with its whole story, or a line the console
// writes (a credential loaded, a warning). Fields are guarded by the
// pane's mutex once the entry is in the pane.
type logEntry struct {
	Time    time.Time        `json:"time"`
	Kind    sender.EventKind `json:"kind"`
	Env     string           `json:"env,omitempty"`
	Token   string           `json:"token,omitempty"`
	Status  string           `json:"status,omitempty"` // "200 OK", "410 Unregistered", "error"; "" while sending
	Text    string           `json:"text"`             // the row's text: a send's heading, or the line
	Tone    tone             `json:"tone"`
	Latency time.Duration    `json:"latency,omitempty"`
	Story   []string         `json:"story,omitempty"`  // every step, in order
	Binary  bool             `json:"binary,omitempty"` // sent with the binary protocol, which has no HTTP status
	dropped int              // a bulk send's connection row: events past busStoryLimit
}

func (e *logEntry) isSend() bool { return e.Kind == kindSend }

// summary is the row as one line of text.
func (e *logEntry) summary() string {
	t := e.Time.Format("15:04:05.000")
	if !e.isSend() {
		return t + " " + padRight(string(e.Kind), 8) + " " + e.Text
	}
	s := t + " " + padRight(e.Env, 10) + " " + shortToken(e.Token) + "  " + orDefault(e.Status, "sending…")
	if e.Latency > 0 {
		s += "  " + sender.FormatDuration(e.Latency)
	}
	return s
}

// story is the row with every step, as copied and as shown in the detail
// pane.
func (e *logEntry) story() string {
	var b strings.Builder
	b.WriteString(e.summary())
	if e.isSend() && e.Text != "" {
		b.WriteString("\n" + e.Text)
	}
	for _, l := range e.Story {
		b.WriteString("\n  " + l)
	}
	return b.String()
}

func padRight(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return s + strings.Repeat(" ", n-len(s))
}

// LogPane shows one row per send (each token of a bulk send is one row)
// over a ring buffer, so memory stays bounded; selecting a row shows its
// whole story below. Rows may be added from any goroutine; the list is
// refreshed on the UI goroutine, at most once per batch.
type LogPane struct {
	app fyne.App

	mu      sync.Mutex
	rows    *ring[*logEntry]
	dropped int           // rows pushed out of the ring since the last Clear
	shared  storyLines    // the lines rows' stories have in common, kept once
	pending bool          // a refresh is queued
	do      func(func())  // runs a function on the UI goroutine: fyne.Do
	delay   time.Duration // refreshDelay; 0 in tests: refresh at once

	// UI goroutine only.
	view  []*logEntry // the rows shown: all, or those the search matches
	query string
	// The search's filter: one runs at a time (logfilter.go).
	filtering   bool
	filterAgain bool
	selected    *logEntry
	shown       string // the detail pane's text, to redraw only on change

	list    *widget.List
	count   *widget.Label
	search  *widget.Entry
	detail  *storyLabel // the selected row's story: wrapped with its indents, selectable
	copyRow *widget.Button
	copyAll *widget.Button
	win     fyne.Window // where the pane asks (Clear history); nil: it does not ask
	split   *container.Split
	content fyne.CanvasObject

	history       historyStore
	saving        sync.Mutex // held while the history is written
	historyClosed bool       // the window closed: its last save is written
	savePending   bool       // a save is queued (guarded by mu)
}

// NewLogPane makes an empty log pane; a is used for the clipboard and the
// history's storage.
func NewLogPane(a fyne.App) *LogPane { return newLogPane(a, fyne.Do, refreshDelay) }

func newLogPane(a fyne.App, do func(func()), delay time.Duration) *LogPane {
	p := &LogPane{app: a, rows: newRing[*logEntry](logCapacity), do: do, delay: delay, history: newHistoryStore(a)}
	p.buildUI()
	return p
}

func (p *LogPane) buildUI() {
	p.list = widget.NewList(func() int { return len(p.view) }, newLogRow, p.updateRow)
	p.list.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(p.view) {
			p.selected = p.view[id]
			p.showDetail()
		}
	}

	p.count = widget.NewLabel("")
	p.count.Truncation = fyne.TextTruncateEllipsis
	p.copyAll = widget.NewButtonWithIcon("Copy all", theme.ContentCopyIcon(), p.CopyAll)
	clear := widget.NewButtonWithIcon("Clear history", theme.DeleteIcon(), p.AskClear)
	copyAll := p.copyAll
	title := widget.NewLabelWithStyle("Log", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	header := container.NewBorder(nil, nil, title, container.NewHBox(copyAll, clear), p.count)
	p.search = widget.NewEntry()
	p.search.SetPlaceHolder("Filter by token, reason, status or text")
	p.search.OnChanged = func(q string) {
		p.query = strings.ToLower(strings.TrimSpace(q))
		p.rebuildView()
	}

	p.detail = newStoryLabel()
	p.copyRow = widget.NewButtonWithIcon("Copy row", theme.ContentCopyIcon(), func() {
		if p.selected != nil {
			p.app.Clipboard().SetContent(p.entryStory(p.selected))
			p.flash(p.copyRow, "Copy row", "Copied")
		}
	})
	detailBar := container.NewBorder(nil, nil, widget.NewLabelWithStyle("Story", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), p.copyRow)
	detail := container.NewBorder(detailBar, nil, nil, nil, container.NewVScroll(p.detail))

	p.split = container.NewVSplit(p.list, detail)
	p.split.Offset = 0.55
	p.content = container.NewBorder(container.NewVBox(header, p.search, widget.NewSeparator()), nil, nil, nil, p.split)
	p.showDetail()
	p.updateCount()
}

// Content is the pane's widget tree.
func (p *LogPane) Content() fyne.CanvasObject { return p.content }

// scheduleLocked queues one refresh for however many rows arrive within
// the delay.
func (p *LogPane) scheduleLocked() {
	if p.pending {
		return
	}
	p.pending = true
	if p.delay <= 0 {
		p.do(p.refresh)
		return
	}
	time.AfterFunc(p.delay, func() { p.do(p.refresh) })
}

func (p *LogPane) refresh() {
	p.mu.Lock()
	p.pending = false
	p.mu.Unlock()
	p.rebuildView()
}

// rebuildView shows the rows: every row at once; those the search
// matches once the filter, run on a goroutine, is back.
func (p *LogPane) rebuildView() {
	if p.query != "" {
		p.filter()
		p.showDetail()
		p.updateCount()
		return
	}
	p.setView(p.snapshot())
}

// snapshot is every row held, oldest first.
func (p *LogPane) snapshot() []*logEntry {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*logEntry, p.rows.len())
	for i := range out {
		out[i] = p.rows.at(i)
	}
	return out
}

// setView shows view; when it ends with a new row the list scrolls to it.
func (p *LogPane) setView(view []*logEntry) {
	grew := len(view) > 0 && (len(p.view) == 0 || view[len(view)-1] != p.view[len(p.view)-1])
	p.view = view
	if grew {
		p.scrollToEnd(10)
	}
	p.list.Refresh()
	p.reselect()
	p.showDetail()
	p.updateCount()
}

// scrollToEnd shows the newest row. A list not laid out yet (the
// history read before the window is drawn) has nothing to scroll: it is
// tried again a little later, tries times at most.
func (p *LogPane) scrollToEnd(tries int) {
	if !p.list.Size().IsZero() {
		p.list.ScrollToBottom()
		return
	}
	if tries > 0 {
		time.AfterFunc(100*time.Millisecond, func() { p.do(func() { p.scrollToEnd(tries - 1) }) })
	}
}

// show selects e and shows its story (the result of the send just made),
// once it is in the rows shown; the list scrolls to it.
func (p *LogPane) show(e *logEntry) {
	p.selected = e
	p.rebuildView()
}

// unselect clears the selection (a send starts: its result is selected
// when it is over, and meanwhile the newest rows stay in view).
func (p *LogPane) unselect() {
	if p.selected != nil {
		p.selected = nil
		p.list.UnselectAll()
		p.showDetail()
	}
}

// reselect keeps the chosen row selected when the rows shown change; when
// the filter hides it, nothing is selected and its story goes.
func (p *LogPane) reselect() {
	if p.selected == nil {
		return
	}
	for i, e := range p.view {
		if e == p.selected {
			p.list.Select(i)
			return
		}
	}
	p.selected = nil
	p.list.UnselectAll()
	p.showDetail()
}

func (p *LogPane) showDetail() {
	text := "Select a row to read its whole story: connection and TLS, request headers, payload, response, the reason explained, apns-id."
	if p.selected != nil {
		text = p.entryStory(p.selected)
	}
	if text != p.shown {
		p.shown = text
		p.detail.setStory(text)
	}
	if p.selected == nil {
		p.copyRow.Disable()
	} else {
		p.copyRow.Enable()
	}
}

func (p *LogPane) entryStory(e *logEntry) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return e.story()
}

func (p *LogPane) updateCount() {
	p.mu.Lock()
	n, dropped := p.rows.len(), p.dropped
	shown := len(p.view)
	p.mu.Unlock()
	switch {
	case n == 0:
		p.count.SetText("· every send tells its story here")
	case p.query != "":
		p.count.SetText(fmt.Sprintf("· %s of %d", plural(shown, "row"), n))
	case dropped > 0:
		p.count.SetText(fmt.Sprintf("· last %s (%d older dropped)", plural(n, "row"), dropped))
	default:
		p.count.SetText("· " + plural(n, "row"))
	}
}

// plural is "1 row", "2 rows".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Lines is the log as text, oldest first: each row's summary, heading and
// story.
func (p *LogPane) Lines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for i := 0; i < p.rows.len(); i++ {
		out = append(out, strings.Split(p.rows.at(i).story(), "\n")...)
	}
	return out
}

// Len is the number of rows held.
func (p *LogPane) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rows.len()
}

// CopyAll puts the whole log on the clipboard; its button says so.
func (p *LogPane) CopyAll() {
	p.app.Clipboard().SetContent(strings.Join(p.Lines(), "\n"))
	p.flash(p.copyAll, "Copy all", "Copied "+plural(p.Len(), "row"))
}

// flashTime is how long a button says what it did.
const flashTime = 1500 * time.Millisecond

// flash makes b say done, with a tick, for a moment, then label again.
func (p *LogPane) flash(b *widget.Button, label, done string) {
	b.SetText(done)
	b.SetIcon(theme.ConfirmIcon())
	time.AfterFunc(flashTime, func() {
		p.do(func() {
			b.SetText(label)
			b.SetIcon(theme.ContentCopyIcon())
		})
	})
}

// AskClear asks before it empties the log and the saved history (the
// button and Log → Clear History).
func (p *LogPane) AskClear() {
	if p.win == nil {
		p.Clear()
		return
	}
	d := dialog.NewConfirm("Clear the history?",
		"This removes "+plural(p.Len(), "row")+" from the log and from the history kept for the next launch. It cannot be undone.",
		func(ok bool) {
			if ok {
				p.Clear()
			}
		}, p.win)
	d.SetConfirmText("Clear")
	d.SetDismissText("Cancel")
	d.Show()
}

// Clear empties the log and the saved history.
func (p *LogPane) Clear() {
	p.mu.Lock()
	p.rows.clear()
	p.dropped = 0
	p.mu.Unlock()
	p.selected = nil
	p.view = nil
	p.list.UnselectAll()
	p.list.Refresh()
	p.showDetail()
	p.updateCount()
	p.history.clear()
}
