package ui

import (
	"fmt"
	"image/color"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
)

// logCapacity bounds the log pane: past it, the oldest rows go.
const logCapacity = 5000

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
	Story   []string         `json:"story,omitempty"` // every step, in order
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
	pending bool          // a refresh is queued
	do      func(func())  // runs a function on the UI goroutine: fyne.Do
	delay   time.Duration // refreshDelay; 0 in tests: refresh at once

	// UI goroutine only.
	view     []*logEntry // the rows shown: all, or those the search matches
	query    string
	selected *logEntry
	shown    string // the detail pane's text, to redraw only on change

	list    *widget.List
	count   *widget.Label
	search  *widget.Entry
	detail  *widget.Label // the selected row's story: wrapped, selectable
	copyRow *widget.Button
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
	copyAll := widget.NewButtonWithIcon("Copy all", theme.ContentCopyIcon(), p.CopyAll)
	clear := widget.NewButtonWithIcon("Clear history", theme.DeleteIcon(), p.Clear)
	title := widget.NewLabelWithStyle("Log", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	header := container.NewBorder(nil, nil, title, container.NewHBox(copyAll, clear), p.count)
	p.search = widget.NewEntry()
	p.search.SetPlaceHolder("Filter by token, reason, status or text")
	p.search.OnChanged = func(q string) {
		p.query = strings.ToLower(strings.TrimSpace(q))
		p.rebuildView()
		p.list.Refresh()
		p.reselect()
		p.updateCount()
	}

	p.detail = widget.NewLabel("")
	p.detail.Wrapping = fyne.TextWrapWord
	p.detail.Selectable = true
	p.detail.TextStyle.Monospace = true
	p.copyRow = widget.NewButtonWithIcon("Copy row", theme.ContentCopyIcon(), func() {
		if p.selected != nil {
			p.app.Clipboard().SetContent(p.entryStory(p.selected))
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

// AddEvent appends an event that belongs to no send (the connection's, or
// the binary protocol's notices) as its own row. Safe from any goroutine.
func (p *LogPane) AddEvent(e sender.Event) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	p.push(&logEntry{Time: e.Time, Kind: e.Kind, Text: e.Text, Tone: eventTone(e), Story: append([]string(nil), e.Detail...)})
}

// Add appends a line the console writes itself.
func (p *LogPane) Add(kind sender.EventKind, t tone, text string) {
	p.push(&logEntry{Time: time.Now(), Kind: kind, Text: text, Tone: t})
}

func (p *LogPane) push(e *logEntry) {
	p.mu.Lock()
	if p.rows.push(e) {
		p.dropped++
	}
	p.scheduleLocked()
	p.mu.Unlock()
}

// beginSend adds the row of a send to token; its story grows with
// addToRow and it ends with finishRow.
func (p *LogPane) beginSend(env, token, heading string) *logEntry {
	e := &logEntry{Time: time.Now(), Kind: kindSend, Env: env, Token: token, Text: heading, Tone: toneHeading}
	p.push(e)
	return e
}

// addToRow adds an event of the send to its row's story.
func (p *LogPane) addToRow(e *logEntry, ev sender.Event) {
	p.mu.Lock()
	line := string(ev.Kind) + ": " + ev.Text
	e.Story = append(e.Story, line)
	for _, d := range ev.Detail {
		e.Story = append(e.Story, "    "+d)
	}
	if ev.Kind == sender.EventWarning && e.Tone == toneHeading {
		e.Tone = toneWarning
	}
	p.scheduleLocked()
	p.mu.Unlock()
}

// addStory adds the console's own lines to a row's story (the payload,
// pretty-printed): a title and lines already indented, which rows may
// share.
func (p *LogPane) addStory(e *logEntry, title string, lines []string) {
	p.mu.Lock()
	e.Story = append(append(e.Story, title), lines...)
	p.scheduleLocked()
	p.mu.Unlock()
}

// busStoryLimit bounds the story of a send to many tokens' connection
// row: a long bulk send with retries would otherwise grow it without end.
const busStoryLimit = 200

// beginBulk adds the row a send to many tokens writes its connection's
// events to (connecting, TLS, GOAWAY, retries); each token has its own
// row besides.
func (p *LogPane) beginBulk(env, heading string, story ...string) *logEntry {
	e := &logEntry{Time: time.Now(), Kind: sender.EventInfo, Env: env, Text: heading, Tone: toneNormal, Story: story}
	p.push(e)
	return e
}

// setText changes a row's text and tone (a bulk send's summary as its
// results come); a worse tone set by an event stays.
func (p *LogPane) setText(e *logEntry, text string, t tone) {
	p.mu.Lock()
	e.Text = text
	if e.Tone != toneFailure {
		e.Tone = t
	}
	p.scheduleLocked()
	p.mu.Unlock()
}

// addToBusRow adds a connection event to a bulk send's row, up to
// busStoryLimit lines; past it the events are counted.
func (p *LogPane) addToBusRow(e *logEntry, ev sender.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ev.Failed() {
		e.Tone = toneFailure
	} else if ev.Kind == sender.EventWarning && e.Tone == toneNormal {
		e.Tone = toneWarning
	}
	switch n := len(e.Story); {
	case n < busStoryLimit:
		e.Story = append(e.Story, string(ev.Kind)+": "+ev.Text)
		for _, d := range ev.Detail {
			if len(e.Story) >= busStoryLimit {
				break
			}
			e.Story = append(e.Story, "    "+d)
		}
	default:
		e.dropped++
		line := fmt.Sprintf("… %s not kept", plural(e.dropped, "more event"))
		if n == busStoryLimit {
			e.Story = append(e.Story, line)
		} else {
			e.Story[n-1] = line
		}
	}
	p.scheduleLocked()
}

// finishRow sets the row's outcome.
func (p *LogPane) finishRow(e *logEntry, r sender.Result, latency time.Duration) {
	p.mu.Lock()
	switch {
	case r.Response != nil:
		resp := r.Response
		e.Latency = resp.Duration
		if resp.Accepted() {
			e.Status, e.Tone = "200 OK", toneSuccess
		} else {
			e.Status, e.Tone = fmt.Sprintf("%d %s", resp.Status, orDefault(resp.Reason, "?")), toneFailure
		}
		desc, hint := resp.Explanation()
		e.Story = append(e.Story, "outcome: "+e.Status)
		if !resp.Accepted() {
			e.Story = append(e.Story, "    "+desc)
			if hint != "" {
				e.Story = append(e.Story, "    hint: "+hint)
			}
		}
		if resp.ApnsID != "" {
			e.Story = append(e.Story, "    apns-id: "+resp.ApnsID)
		}
		if resp.UniqueID != "" {
			e.Story = append(e.Story, "    apns-unique-id: "+resp.UniqueID)
		}
	case r.Unconfirmed():
		// Written, never answered: saying "failed" would invite a
		// duplicate.
		e.Status, e.Tone = "unconfirmed · "+unconfirmedHint, toneWarning
		e.Story = append(e.Story, "outcome: "+r.Err.Error()) // "unconfirmed: …"
	case r.Err != nil: // not sent: wording in outcome.go
		e.Status, e.Tone = notSentStatus(r.Err), toneFailure
		e.Story = append(e.Story, "outcome: not sent: "+strings.TrimPrefix(r.Err.Error(), "not sent: "))
	}
	if r.Response != nil && !r.Response.Timestamp.IsZero() {
		// Told by the response's event in a send to one token; a row of a
		// send to many has no response event.
		since := "token invalid since: " + r.Response.Timestamp.UTC().Format(time.RFC3339Nano)
		if !slices.ContainsFunc(e.Story, func(l string) bool { return strings.HasSuffix(l, since) }) {
			e.Story = append(e.Story, "    "+since)
		}
	}
	if r.Attempts > 1 {
		e.Status += fmt.Sprintf(" · %d attempts", r.Attempts)
		e.Story = append(e.Story, fmt.Sprintf("    attempts: %d (retried as Apple advises)", r.Attempts))
	}
	if e.Latency == 0 {
		e.Latency = latency
	}
	p.scheduleLocked()
	p.mu.Unlock()
}

// refuseRow adds the row of a token line that was not sent: a refused
// line is never dropped silently.
func (p *LogPane) refuseRow(env string, t tokenLine) {
	p.push(&logEntry{Time: time.Now(), Kind: kindSend, Env: env, Token: t.Raw, Status: "not sent", Tone: toneFailure,
		Text:  fmt.Sprintf("Line %d of Tokens was not sent", t.Line),
		Story: []string{"refused: " + t.Err.Error()}})
}

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
	grew := p.rebuildView()
	if grew {
		p.list.ScrollToBottom()
	}
	p.list.Refresh()
	p.reselect()
	p.showDetail()
	p.updateCount()
}

// rebuildView picks the rows to show; it reports whether new ones came.
func (p *LogPane) rebuildView() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	before := len(p.view)
	var last *logEntry
	if before > 0 {
		last = p.view[before-1]
	}
	p.view = p.view[:0]
	for i := 0; i < p.rows.len(); i++ {
		e := p.rows.at(i)
		if p.query == "" || strings.Contains(strings.ToLower(e.story()), p.query) {
			p.view = append(p.view, e)
		}
	}
	return len(p.view) > 0 && p.view[len(p.view)-1] != last
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
		p.detail.SetText(text)
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

// CopyAll puts the whole log on the clipboard.
func (p *LogPane) CopyAll() {
	p.app.Clipboard().SetContent(strings.Join(p.Lines(), "\n"))
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

// logRow is a list row: icon, time, environment, token, status, latency;
// or icon, time and text for the console's own lines. It draws its text
// itself, small and tight (rowTextSize, rowPadding), rather than with
// labels under a compact theme override: every override is a new theme
// scope, and Fyne loads and keeps a separate copy of every font (the
// emoji font included) for each scope and text style, some 15 MB for the
// log's three styles.
type logRow struct {
	widget.BaseWidget
	icon    *widget.Icon
	time    *canvas.Text
	env     *canvas.Text
	token   *canvas.Text
	status  *canvas.Text
	latency *canvas.Text
	send    bool // a send's row: env and token shown
	tone    tone
}

// The log's rows: text size, padding around the text, and gap between
// the columns.
const (
	rowTextSize = 13
	rowPadding  = 3
	rowGap      = 8
)

func newLogRow() fyne.CanvasObject {
	text := func(s fyne.TextStyle) *canvas.Text {
		t := canvas.NewText("", theme.Color(theme.ColorNameForeground))
		t.TextSize, t.TextStyle = rowTextSize, s
		return t
	}
	r := &logRow{icon: widget.NewIcon(nil), time: text(fyne.TextStyle{Monospace: true}), env: text(fyne.TextStyle{}),
		token: text(fyne.TextStyle{Monospace: true}), status: text(fyne.TextStyle{Bold: true}), latency: text(fyne.TextStyle{})}
	r.ExtendBaseWidget(r)
	return r
}

// set shows a row.
func (r *logRow) set(e *logEntry) {
	r.icon.SetResource(iconFor(e))
	// Whole seconds on screen; copied rows keep the milliseconds.
	r.time.Text = e.Time.Format("15:04:05")
	r.send, r.tone = e.isSend(), e.Tone
	if r.send {
		r.env.Text = e.Env
		r.token.Text = shortToken(e.Token)
		r.status.Text = orDefault(e.Status, "sending…")
		r.latency.Text = screenLatency(e.Latency)
	} else {
		r.env.Text, r.token.Text, r.latency.Text = "", "", ""
		r.status.Text = e.Text
	}
	r.status.TextStyle.Bold = r.send
	r.Refresh()
}

func (r *logRow) CreateRenderer() fyne.WidgetRenderer {
	return &logRowRenderer{row: r, objects: []fyne.CanvasObject{r.icon, r.time, r.env, r.token, r.status, r.latency}}
}

type logRowRenderer struct {
	row     *logRow
	objects []fyne.CanvasObject
}

func (l *logRowRenderer) Destroy()                     {}
func (l *logRowRenderer) Objects() []fyne.CanvasObject { return l.objects }

// columns are the widths of the time, environment and token columns.
func (l *logRowRenderer) columns() (time, env, token float32) {
	return fyne.MeasureText("00:00:00", rowTextSize, l.row.time.TextStyle).Width,
		fyne.MeasureText("production", rowTextSize, l.row.env.TextStyle).Width,
		fyne.MeasureText("00000000…00000000", rowTextSize, l.row.token.TextStyle).Width
}

func (l *logRowRenderer) MinSize() fyne.Size {
	h := fyne.MeasureText("0", rowTextSize, fyne.TextStyle{Bold: true}).Height
	return fyne.NewSize(rowPadding+16, h+2*rowPadding)
}

func (l *logRowRenderer) Layout(size fyne.Size) {
	r := l.row
	h := size.Height - 2*rowPadding
	r.icon.Move(fyne.NewPos(rowPadding, rowPadding))
	r.icon.Resize(fyne.NewSize(16, h))
	x := float32(rowPadding + 16 + rowGap)
	place := func(t *canvas.Text, w float32) {
		t.Move(fyne.NewPos(x, rowPadding))
		t.Resize(fyne.NewSize(w, h))
		x += w + rowGap
	}
	wt, we, wk := l.columns()
	place(r.time, wt)
	if r.send {
		place(r.env, we)
		place(r.token, wk)
	}
	place(r.status, r.status.MinSize().Width)
	place(r.latency, r.latency.MinSize().Width)
}

// Refresh colours the text from the current theme (the row follows a
// theme change) and lays it out again.
func (l *logRowRenderer) Refresh() {
	r := l.row
	fg := theme.Color(theme.ColorNameForeground)
	r.time.Color, r.env.Color, r.token.Color, r.latency.Color = fg, fg, fg, fg
	r.status.Color = toneColor(r.tone)
	if !r.send && r.tone == toneSuccess { // a summary line: its icon tells, the text stays easy to read
		r.status.Color = fg
	}
	r.env.Hidden, r.token.Hidden = !r.send, !r.send
	l.Layout(r.Size())
	for _, o := range l.objects {
		o.Refresh()
	}
}

func (p *LogPane) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(p.view) {
		return
	}
	p.mu.Lock()
	e := *p.view[id]
	p.mu.Unlock()
	o.(*logRow).set(&e)
}

// screenLatency is a row's latency on screen in whole milliseconds: few
// distinct strings, so few text textures for Fyne to draw and cache; the
// story and copies keep the precise value.
func screenLatency(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d < time.Millisecond:
		return "<1ms"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Round(time.Millisecond).Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
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

// toneColor is the colour of a row's status.
func toneColor(t tone) color.Color {
	switch t {
	case toneSuccess:
		return theme.Color(theme.ColorNameSuccess)
	case toneFailure:
		return theme.Color(theme.ColorNameError)
	case toneWarning:
		return theme.Color(theme.ColorNameWarning)
	}
	return theme.Color(theme.ColorNameForeground)
}

// iconFor is a row's icon: by kind, coloured by outcome.
func iconFor(e *logEntry) fyne.Resource {
	switch {
	case e.Kind == sender.EventGoAway:
		return theme.NewErrorThemedResource(theme.LogoutIcon())
	case e.Tone == toneSuccess:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case e.Tone == toneFailure:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case e.Tone == toneWarning:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	case e.Kind == kindSend:
		return theme.NewPrimaryThemedResource(theme.MailSendIcon())
	}
	return theme.InfoIcon()
}
