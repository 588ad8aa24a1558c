package ui

import (
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
)

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
	send    bool   // a send's row: env and token shown
	tone    tone   //
	full    string // the status as set; shown cut with an ellipsis where the row is too narrow
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
		r.full = orDefault(e.Status, "sending…")
		r.latency.Text = screenLatency(e.Latency)
	} else {
		r.env.Text, r.token.Text, r.latency.Text = "", "", ""
		r.full = e.Text
	}
	r.status.Text = r.full
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

// Layout places the columns. In a narrow pane the environment goes
// first (the story names it), then the latency, and the status is cut
// with an ellipsis to what is left: the row never runs under the edge.
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
	r.status.Text = r.full
	ws, wl := r.status.MinSize().Width, r.latency.MinSize().Width
	showEnv, showLatency := r.send, r.latency.Text != ""
	need := func() float32 {
		n := x + wt + rowGap + ws
		if r.send {
			n += wk + rowGap
		}
		if showEnv {
			n += we + rowGap
		}
		if showLatency {
			n += rowGap + wl
		}
		return n + rowPadding
	}
	if need() > size.Width && showEnv {
		showEnv = false
	}
	if need() > size.Width && showLatency {
		showLatency = false
	}
	place(r.time, wt)
	if r.send {
		if showEnv {
			place(r.env, we)
		}
		place(r.token, wk)
	}
	r.env.Hidden, r.latency.Hidden = !showEnv, !showLatency
	room := size.Width - x - rowPadding
	if showLatency {
		room -= wl + rowGap
	}
	if ws > room && size.Width > 0 {
		r.status.Text = ellipsize(r.full, max(room, 0), r.status.TextSize, r.status.TextStyle)
		ws = r.status.MinSize().Width
	}
	place(r.status, ws)
	if showLatency {
		place(r.latency, wl)
	}
}

// ellipsize cuts text to fit width, ending it with "…".
func ellipsize(text string, width, size float32, style fyne.TextStyle) string {
	runes := []rune(text)
	lo, hi := 0, len(runes) // the longest prefix that fits is in [lo, hi]
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fyne.MeasureText(string(runes[:mid])+"…", size, style).Width <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return strings.TrimRight(string(runes[:lo]), " ") + "…"
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
	l.Layout(r.Size()) // hides what does not fit
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
