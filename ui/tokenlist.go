package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tokenList lists a long list of tokens under the field, one row per
// token: its line, the token (cleaned) or the line as given, and what is
// wrong with it. It is a widget.List: only the rows in view are built, so
// 100,000 lines cost what eight do.
type tokenList struct {
	lines   func() []tokenLine
	list    *widget.List
	content fyne.CanvasObject
}

// tokenListRows is how many rows the list shows.
const tokenListRows = 6

func newTokenList(lines func() []tokenLine) *tokenList {
	l := &tokenList{lines: lines}
	l.list = widget.NewList(func() int { return len(l.lines()) }, newTokenRow, func(id widget.ListItemID, o fyne.CanvasObject) {
		if ls := l.lines(); id >= 0 && id < len(ls) {
			o.(*tokenRow).set(ls[id])
		}
	})
	l.list.HideSeparators = true
	row := newTokenRow().MinSize().Height
	l.content = container.New(&heightLayout{height: tokenListRows * row}, l.list)
	return l
}

func (l *tokenList) refresh() {
	l.list.Refresh()
	l.list.ScrollToTop()
}

// tokenRow is one row of the list.
type tokenRow struct {
	widget.BaseWidget
	line  *canvas.Text
	token *canvas.Text
	note  *widget.Label
	bad   bool
}

func newTokenRow() fyne.CanvasObject {
	mono := func() *canvas.Text {
		t := canvas.NewText("", theme.Color(theme.ColorNameForeground))
		t.TextSize, t.TextStyle = rowTextSize, fyne.TextStyle{Monospace: true}
		return t
	}
	r := &tokenRow{line: mono(), token: mono(), note: widget.NewLabel("")}
	r.note.Truncation = fyne.TextTruncateEllipsis
	r.note.SizeName = theme.SizeNameCaptionText
	r.ExtendBaseWidget(r)
	return r
}

func (r *tokenRow) set(t tokenLine) {
	r.line.Text = strconv.Itoa(int(t.Line))
	switch {
	case t.Err != nil:
		r.token.Text = shortRaw(t.Raw)
		r.note.Importance, r.note.Text = widget.DangerImportance, t.Err.Error()
	case t.Dup != 0:
		r.token.Text = shortToken(t.Token)
		r.note.Importance, r.note.Text = widget.MediumImportance, "same as line "+strconv.Itoa(int(t.Dup))+", sent once"
	case t.Warn != "":
		r.token.Text = shortToken(t.Token)
		r.note.Importance, r.note.Text = widget.WarningImportance, "⚠ "+t.Warn
	default:
		r.token.Text = shortToken(t.Token)
		r.note.Importance, r.note.Text = widget.SuccessImportance, "✓"
	}
	r.bad = t.Err != nil
	r.Refresh()
}

// shortRaw is a refused line as shown: its start, if long.
func shortRaw(s string) string {
	if r := []rune(s); len(r) > 17 {
		return string(r[:16]) + "…"
	}
	return s
}

func (r *tokenRow) CreateRenderer() fyne.WidgetRenderer {
	lineW := fyne.MeasureText("000000", rowTextSize, r.line.TextStyle).Width
	tokW := fyne.MeasureText("00000000…00000000", rowTextSize, r.token.TextStyle).Width
	left := container.New(layout.NewGridWrapLayout(fyne.NewSize(lineW, r.note.MinSize().Height)), r.line)
	mid := container.New(layout.NewGridWrapLayout(fyne.NewSize(tokW, r.note.MinSize().Height)), r.token)
	return &tokenRowRenderer{row: r, box: container.NewBorder(nil, nil, container.NewHBox(left, mid), nil, r.note)}
}

type tokenRowRenderer struct {
	row *tokenRow
	box *fyne.Container
}

func (t *tokenRowRenderer) Destroy()                     {}
func (t *tokenRowRenderer) Layout(s fyne.Size)           { t.box.Resize(s) }
func (t *tokenRowRenderer) MinSize() fyne.Size           { return t.box.MinSize() }
func (t *tokenRowRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{t.box} }

func (t *tokenRowRenderer) Refresh() {
	fg := theme.Color(theme.ColorNameForeground)
	t.row.line.Color = theme.Color(theme.ColorNamePlaceHolder)
	t.row.token.Color = fg
	t.row.line.Refresh()
	t.row.token.Refresh()
	t.row.note.Refresh()
}

// heightLayout gives its objects the whole width and a fixed height.
type heightLayout struct{ height float32 }

func (h *heightLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (h *heightLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	w := float32(0)
	for _, o := range objects {
		w = max(w, o.MinSize().Width)
	}
	return fyne.NewSize(w, h.height)
}
