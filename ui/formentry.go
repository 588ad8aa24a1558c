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

// scrollFormWith makes the wheel over each entry scroll outer (the form's
// scroll) when the entry has nothing to scroll.
func scrollFormWith(outer fyne.Scrollable, entries ...*formEntry) {
	for _, e := range entries {
		e.outer = outer
	}
}

// CreateRenderer is the entry's renderer with a wheel catcher laid over
// it: the topmost scrollable object under the pointer, so that it decides
// where the wheel goes.
func (e *formEntry) CreateRenderer() fyne.WidgetRenderer {
	r := e.Entry.CreateRenderer()
	w := &entryWheel{entry: e, renderer: r}
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

// entryWheel covers the entry and takes the mouse wheel only: taps, drags
// and the pointer's shape still go to the entry below.
type entryWheel struct {
	widget.BaseWidget
	entry    *formEntry
	renderer fyne.WidgetRenderer // the entry's own
}

// CreateRenderer draws nothing.
func (w *entryWheel) CreateRenderer() fyne.WidgetRenderer { return wheelRenderer{} }

type wheelRenderer struct{}

func (wheelRenderer) Destroy()                     {}
func (wheelRenderer) Layout(fyne.Size)             {}
func (wheelRenderer) MinSize() fyne.Size           { return fyne.Size{} }
func (wheelRenderer) Objects() []fyne.CanvasObject { return nil }
func (wheelRenderer) Refresh()                     {}

// Scrolled gives the wheel to the entry's scroller; when that does not
// move (the text fits, or is already at that end), to the form.
func (w *entryWheel) Scrolled(ev *fyne.ScrollEvent) {
	if inner := w.innerScroll(); inner != nil {
		before, known := scrollOffset(inner)
		inner.Scrolled(ev)
		if after, _ := scrollOffset(inner); !known || after != before {
			return
		}
	}
	if w.entry.outer != nil {
		w.entry.outer.Scrolled(ev)
	}
}

// innerScroll is the entry's own scroller, if it has one.
func (w *entryWheel) innerScroll() fyne.Scrollable {
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
