package ui

import (
	"reflect"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// formEntry is a multi-line entry inside a form:
//   - Tab and Shift+Tab move the focus to the next and previous field, as
//     in every other field, instead of typing a tab character into the
//     text;
//   - the mouse wheel over it scrolls the form when the field itself has
//     nothing (more) to scroll in that direction. Fyne hands the wheel to
//     the deepest scrollable object under the pointer, which is the
//     entry's own scroller, and that scroller keeps it even when its text
//     fits; a wheel over a short field then does nothing at all.
type formEntry struct {
	widget.Entry

	// outer is the form's scroll, given the wheel the field does not use;
	// set by scrollFormWith.
	outer fyne.Scrollable

	// homeAfterPaste puts the cursor at the start of its line after a
	// paste, so that a field that does not wrap scrolls back to column 0
	// and shows the start of the lines (the Tokens field).
	homeAfterPaste bool

	// pasted, if set, is offered a paste first; it reports whether it
	// took it (the Tokens field's long lists).
	pasted func(text string) bool
}

// TypedShortcut is the entry's; after a paste, with homeAfterPaste, the
// cursor goes to the start of its line and the text scrolls with it.
func (e *formEntry) TypedShortcut(s fyne.Shortcut) {
	paste, isPaste := s.(*fyne.ShortcutPaste)
	if isPaste && e.pasted != nil && paste.Clipboard != nil && e.pasted(paste.Clipboard.Content()) {
		return
	}
	e.Entry.TypedShortcut(s)
	if isPaste && e.homeAfterPaste {
		e.CursorColumn = 0
		e.Refresh()
	}
}

func newFormEntry(placeholder string, rows int) *formEntry {
	e := &formEntry{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	e.SetPlaceHolder(placeholder)
	e.SetMinRowsVisible(rows)
	return e
}

// AcceptsTab is false: Tab moves the focus.
func (e *formEntry) AcceptsTab() bool { return false }

// wheelField is a field of the form whose wheel catcher hands the wheel
// to the form's scroll: a formEntry or a formLine.
type wheelField interface{ setOuter(fyne.Scrollable) }

func (e *formEntry) setOuter(outer fyne.Scrollable) { e.outer = outer }

// scrollFormWith makes the wheel over each field scroll outer (the form's
// scroll) when the field has nothing to scroll.
func scrollFormWith(outer fyne.Scrollable, fields ...wheelField) {
	for _, f := range fields {
		f.setOuter(outer)
	}
}

// wheelFields are a section's fields whose wheel scrolls the form, for
// the console to give the form's scroll (scrollFormWith).
type wheelFields []wheelField

// line lays the wheel catcher over a single-line field and keeps it.
func (w *wheelFields) line(field fyne.CanvasObject) *formLine {
	l := newFormLine(field)
	*w = append(*w, l)
	return l
}

// formLine is a single-line field of the form (an Entry, a password entry,
// a SelectEntry) with the same wheel catcher laid over it: the wheel over
// it scrolls the form. Without it Fyne gives the wheel to the field's own
// scroller, which does nothing when the text fits and otherwise slides
// the text sideways. The field stays the widget that takes the focus,
// taps and typing.
type formLine struct {
	widget.BaseWidget
	field fyne.CanvasObject
	outer fyne.Scrollable
}

func newFormLine(field fyne.CanvasObject) *formLine {
	l := &formLine{field: field}
	l.ExtendBaseWidget(l)
	return l
}

func (l *formLine) setOuter(outer fyne.Scrollable) { l.outer = outer }

// Disabled, Disable and Enable are the field's, so that a form greys the
// label of a disabled line as it does a disabled entry's.
func (l *formLine) Disabled() bool {
	d, ok := l.field.(fyne.Disableable)
	return ok && d.Disabled()
}

func (l *formLine) Disable() {
	if d, ok := l.field.(fyne.Disableable); ok {
		d.Disable()
	}
}

func (l *formLine) Enable() {
	if d, ok := l.field.(fyne.Disableable); ok {
		d.Enable()
	}
}

func (l *formLine) CreateRenderer() fyne.WidgetRenderer {
	w := &entryWheel{outer: &l.outer}
	w.ExtendBaseWidget(w)
	return &formLineRenderer{line: l, wheel: w}
}

type formLineRenderer struct {
	line  *formLine
	wheel *entryWheel
}

func (r *formLineRenderer) Destroy() {}

func (r *formLineRenderer) Layout(size fyne.Size) {
	for _, o := range r.Objects() {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (r *formLineRenderer) MinSize() fyne.Size { return r.line.field.MinSize() }

func (r *formLineRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.line.field, r.wheel}
}

func (r *formLineRenderer) Refresh() { r.line.field.Refresh() }

// CreateRenderer is the entry's renderer with a wheel catcher laid over
// it: the topmost scrollable object under the pointer, so that it decides
// where the wheel goes.
func (e *formEntry) CreateRenderer() fyne.WidgetRenderer {
	r := e.Entry.CreateRenderer()
	w := &entryWheel{renderer: r, outer: &e.outer}
	w.ExtendBaseWidget(w)
	return &formEntryRenderer{WidgetRenderer: r, wheel: w}
}

type formEntryRenderer struct {
	fyne.WidgetRenderer
	wheel   *entryWheel
	objects []fyne.CanvasObject
}

func (r *formEntryRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.wheel.Move(fyne.NewPos(0, 0))
	r.wheel.Resize(size)
}

// Objects are the entry's, which it may swap as its wrapping changes,
// then the wheel catcher, on top.
func (r *formEntryRenderer) Objects() []fyne.CanvasObject {
	r.objects = append(append(r.objects[:0], r.WidgetRenderer.Objects()...), r.wheel)
	return r.objects
}

// entryWheel covers a field and takes the mouse wheel only: taps, drags
// and the pointer's shape still go to the field below.
type entryWheel struct {
	widget.BaseWidget
	renderer fyne.WidgetRenderer // a multi-line entry's own; nil for a line
	outer    *fyne.Scrollable    // the field's outer, set by scrollFormWith
}

// CreateRenderer draws nothing.
func (w *entryWheel) CreateRenderer() fyne.WidgetRenderer { return wheelRenderer{} }

type wheelRenderer struct{}

func (wheelRenderer) Destroy()                     {}
func (wheelRenderer) Layout(fyne.Size)             {}
func (wheelRenderer) MinSize() fyne.Size           { return fyne.Size{} }
func (wheelRenderer) Objects() []fyne.CanvasObject { return nil }
func (wheelRenderer) Refresh()                     {}

// Scrolled gives the wheel to a multi-line entry's scroller; when that
// does not move (the text fits, or is already at that end), or over a
// single line, to the form.
func (w *entryWheel) Scrolled(ev *fyne.ScrollEvent) {
	if inner := w.innerScroll(); inner != nil {
		before, known := scrollOffset(inner)
		inner.Scrolled(ev)
		if after, _ := scrollOffset(inner); !known || after != before {
			return
		}
	}
	if *w.outer != nil {
		(*w.outer).Scrolled(ev)
	}
}

// innerScroll is the entry's own scroller, if it has one.
func (w *entryWheel) innerScroll() fyne.Scrollable {
	if w.renderer == nil {
		return nil
	}
	for _, o := range w.renderer.Objects() {
		if s, ok := o.(fyne.Scrollable); ok && o.Visible() {
			return s
		}
	}
	return nil
}

// scrollOffset reads the Offset of Fyne's scroller (the entry's is
// internal/widget.Scroll, whose fields are exported but whose type is
// not); known is false if it has none.
func scrollOffset(s fyne.Scrollable) (offset fyne.Position, known bool) {
	v := reflect.ValueOf(s)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fyne.Position{}, false
	}
	f := v.Elem().FieldByName("Offset")
	if !f.IsValid() || f.Type() != reflect.TypeFor[fyne.Position]() {
		return fyne.Position{}, false
	}
	return f.Interface().(fyne.Position), true
}
