package ui

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
)

// logCapacity bounds the log pane: past it, the oldest lines go.
const logCapacity = 5000

// refreshDelay batches the lines of a burst into one redraw of the list:
// at most one every 40 ms however fast events come.
const refreshDelay = 40 * time.Millisecond

// kindSend marks the line the console writes when a send starts (it names
// the host); the other kinds are the sender's.
const kindSend sender.EventKind = "send"

// tone is how a log line is shown: its icon colour and text style.
type tone int

const (
	toneNormal  tone = iota
	toneHeading      // a send starts
	toneSuccess      // accepted
	toneFailure      // rejected or failed
	toneWarning      // a likely mistake
	toneDetail       // a continuation line: header, body, hint
)

// logLine is one row of the log pane.
type logLine struct {
	Time time.Time
	Kind sender.EventKind
	Text string
	Tone tone
}

// String is the line as copied: time, kind and text; continuation lines
// are indented under their event.
func (l logLine) String() string {
	if l.Tone == toneDetail {
		return strings.Repeat(" ", len("15:04:05.000 ")+9) + l.Text
	}
	return l.Time.Format("15:04:05.000") + " " + padRight(string(l.Kind), 8) + " " + l.Text
}

func padRight(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return s + strings.Repeat(" ", n-len(s))
}

// LogPane shows the event stream of every send: a widget.List over a ring
// buffer, so memory stays bounded. Lines may be added from any goroutine;
// the list is refreshed on the UI goroutine, at most once per batch.
type LogPane struct {
	app fyne.App

	mu      sync.Mutex
	lines   *ring[logLine]
	dropped int           // lines pushed out of the ring since the last Clear
	pending bool          // a refresh is queued
	do      func(func())  // runs a function on the UI goroutine: fyne.Do
	delay   time.Duration // refreshDelay; 0 in tests: refresh at once

	list     *widget.List
	count    *widget.Label
	selected *widget.Label // the chosen line in full, selectable
	selBar   *fyne.Container
	content  fyne.CanvasObject
}

// NewLogPane makes an empty log pane; a is used for the clipboard.
func NewLogPane(a fyne.App) *LogPane { return newLogPane(a, fyne.Do, refreshDelay) }

func newLogPane(a fyne.App, do func(func()), delay time.Duration) *LogPane {
	p := &LogPane{app: a, lines: newRing[logLine](logCapacity), do: do, delay: delay}
	p.buildUI()
	return p
}

func (p *LogPane) buildUI() {
	p.list = widget.NewList(p.length, newLogRow, p.updateRow)
	p.list.HideSeparators = true
	p.list.OnSelected = p.showSelected

	p.count = widget.NewLabel("")
	p.count.Importance = widget.LowImportance
	p.count.Truncation = fyne.TextTruncateEllipsis
	copyAll := widget.NewButtonWithIcon("Copy all", theme.ContentCopyIcon(), p.CopyAll)
	clear := widget.NewButtonWithIcon("Clear", theme.DeleteIcon(), p.Clear)
	title := widget.NewLabelWithStyle("Log", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	header := container.NewBorder(nil, nil, title, container.NewHBox(copyAll, clear), p.count)

	p.selected = widget.NewLabel("")
	p.selected.Wrapping = fyne.TextWrapBreak
	p.selected.Selectable = true
	p.selected.TextStyle.Monospace = true
	copyLine := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		p.app.Clipboard().SetContent(p.selected.Text)
	})
	closeSel := widget.NewButtonWithIcon("", theme.CancelIcon(), func() { p.list.UnselectAll() })
	p.list.OnUnselected = func(widget.ListItemID) { p.selBar.Hide() }
	p.selBar = container.NewBorder(widget.NewSeparator(), nil, nil,
		container.NewVBox(copyLine, closeSel), p.selected)
	p.selBar.Hide()

	rows := container.NewThemeOverride(p.list, compactTheme{p.app})
	p.content = container.NewBorder(container.NewVBox(header, widget.NewSeparator()), p.selBar, nil, nil, rows)
	p.updateCount()
}

// Content is the pane's widget tree.
func (p *LogPane) Content() fyne.CanvasObject { return p.content }

// AddEvent appends one sender event and its detail lines. Safe from any
// goroutine (the sender calls it on the sending goroutine).
func (p *LogPane) AddEvent(e sender.Event) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	t := eventTone(e)
	p.mu.Lock()
	p.pushLocked(logLine{Time: e.Time, Kind: e.Kind, Text: e.Text, Tone: t})
	for _, d := range e.Detail {
		p.pushLocked(logLine{Time: e.Time, Kind: e.Kind, Text: d, Tone: toneDetail})
	}
	p.scheduleLocked()
	p.mu.Unlock()
}

// Add appends a line the console writes itself.
func (p *LogPane) Add(kind sender.EventKind, t tone, text string) {
	p.mu.Lock()
	p.pushLocked(logLine{Time: time.Now(), Kind: kind, Text: text, Tone: t})
	p.scheduleLocked()
	p.mu.Unlock()
}

func (p *LogPane) pushLocked(l logLine) {
	if p.lines.push(l) {
		p.dropped++
	}
}

// scheduleLocked queues one refresh for however many lines arrive within
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
	// Scrolling to the new end redraws the rows; only when that does not
	// move (a short log, or a full ring whose length stays the same) is a
	// full refresh needed.
	before := p.list.GetScrollOffset()
	p.list.ScrollToBottom()
	if p.list.GetScrollOffset() == before {
		p.list.Refresh()
	}
	p.updateCount()
}

func (p *LogPane) updateCount() {
	p.mu.Lock()
	n, dropped := p.lines.len(), p.dropped
	p.mu.Unlock()
	switch {
	case n == 0:
		p.count.SetText("· every send tells its story here")
	case dropped > 0:
		p.count.SetText("· last " + strconv.Itoa(n) + " lines (" + strconv.Itoa(dropped) + " older dropped)")
	default:
		p.count.SetText("· " + strconv.Itoa(n) + " lines")
	}
}

// Lines is the log as text, oldest first.
func (p *LogPane) Lines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, p.lines.len())
	for i := range out {
		out[i] = p.lines.at(i).String()
	}
	return out
}

// Len is the number of lines held.
func (p *LogPane) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lines.len()
}

// CopyAll puts the whole log on the clipboard.
func (p *LogPane) CopyAll() {
	p.app.Clipboard().SetContent(strings.Join(p.Lines(), "\n"))
}

// Clear empties the log.
func (p *LogPane) Clear() {
	p.mu.Lock()
	p.lines.clear()
	p.dropped = 0
	p.mu.Unlock()
	p.list.UnselectAll()
	p.selBar.Hide()
	p.list.Refresh()
	p.updateCount()
}

func (p *LogPane) length() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lines.len()
}

func (p *LogPane) line(id widget.ListItemID) (logLine, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if id < 0 || id >= p.lines.len() {
		return logLine{}, false
	}
	return p.lines.at(id), true
}

func (p *LogPane) showSelected(id widget.ListItemID) {
	l, ok := p.line(id)
	if !ok {
		return
	}
	p.selected.SetText(strings.TrimSpace(l.String()))
	p.selBar.Show()
}

// logRow is a list row: icon, time, text.
type logRow struct {
	widget.BaseWidget
	icon *widget.Icon
	time *widget.Label
	text *widget.Label
}

func newLogRow() fyne.CanvasObject {
	r := &logRow{icon: widget.NewIcon(nil), time: widget.NewLabel("00:00:00"), text: widget.NewLabel("")}
	r.time.TextStyle.Monospace = true
	r.time.Importance = widget.LowImportance
	// Not truncated: a long line runs on under the list's edge, which clips
	// it, and is measured once. (Fyne measures an ellipsis with a new text
	// shaper each time and a clip by many prefixes, which makes a busy log
	// slow.) The selected line is shown in full below the list.
	r.ExtendBaseWidget(r)
	return r
}

func (r *logRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, container.NewHBox(r.icon, r.time), nil, r.text))
}

func (p *LogPane) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*logRow)
	l, ok := p.line(id)
	if !ok {
		return
	}
	if l.Tone == toneDetail {
		r.icon.SetResource(nil)
		r.time.SetText("        ")
	} else {
		r.icon.SetResource(iconFor(l))
		// Whole seconds on screen (the steps carry their own timings, and
		// fewer distinct strings mean fewer text textures for Fyne to
		// cache); copied lines keep the milliseconds.
		r.time.SetText(l.Time.Format("15:04:05"))
	}
	r.text.TextStyle = fyne.TextStyle{Monospace: l.Tone == toneDetail, Bold: l.Tone == toneHeading}
	r.text.Importance = importanceFor(l.Tone)
	r.text.Text = l.Text
	r.text.Refresh()
}

func eventTone(e sender.Event) tone {
	switch e.Kind {
	case sender.EventResponse:
		if e.Failed() {
			return toneFailure
		}
		return toneSuccess
	case sender.EventError, sender.EventGoAway:
		return toneFailure
	case sender.EventWarning:
		return toneWarning
	}
	return toneNormal
}

func importanceFor(t tone) widget.Importance {
	switch t {
	case toneSuccess:
		return widget.SuccessImportance
	case toneFailure:
		return widget.DangerImportance
	case toneWarning:
		return widget.WarningImportance
	case toneDetail:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// iconFor is a line's icon: by kind, coloured by outcome.
func iconFor(l logLine) fyne.Resource {
	switch {
	case l.Kind == kindSend:
		return theme.NewPrimaryThemedResource(theme.MailSendIcon())
	case l.Kind == sender.EventGoAway:
		return theme.NewErrorThemedResource(theme.LogoutIcon())
	case l.Tone == toneSuccess:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case l.Tone == toneFailure:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case l.Tone == toneWarning:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	}
	switch l.Kind {
	case sender.EventDNS:
		return theme.SearchIcon()
	case sender.EventConnect:
		return theme.ComputerIcon()
	case sender.EventTLS:
		return theme.LoginIcon()
	case sender.EventRequest:
		return theme.UploadIcon()
	case sender.EventResponse:
		return theme.DownloadIcon()
	}
	return theme.InfoIcon()
}
