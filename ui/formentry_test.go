package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// The wheel over a multi-line field scrolls the form when the field has
// nothing to scroll, and the field when it has.
func TestWheelOverAFieldScrollsTheFormWhenTheFieldCannot(t *testing.T) {
	newTestApp(t)
	e := newFormEntry("the alert text", 2)
	tall := layout.NewSpacer()
	form := container.NewVBox(widget.NewLabel("Alert"), e, container.NewGridWrap(fyne.NewSize(10, 900), tall))
	outer := container.NewVScroll(form)
	scrollFormWith(outer, e)
	w := test.NewTempWindow(t, outer)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(400, 300))
	over := e.Position().Add(fyne.NewPos(20, e.Size().Height/2))

	if _, known := scrollOffset(entryScroll(t, e)); !known {
		t.Fatal("cannot read the offset of Fyne's entry scroller: has Fyne changed it?")
	}

	// Short text: the field has nothing to scroll, the form moves.
	e.SetText("Hello")
	test.Scroll(w.Canvas(), over, 0, -60)
	if outer.Offset.Y != 60 {
		t.Fatalf("wheel over a short field: form offset %v, want 60", outer.Offset.Y)
	}
	test.Scroll(w.Canvas(), over.Subtract(fyne.NewPos(0, 60)), 0, 60)
	if outer.Offset.Y != 0 {
		t.Fatalf("wheel back up: form offset %v, want 0", outer.Offset.Y)
	}

	// Long text: the field scrolls first, the form stays.
	e.SetText(strings.Repeat("line\n", 30))
	inner := entryScroll(t, e)
	test.Scroll(w.Canvas(), over, 0, -40)
	if off, _ := scrollOffset(inner); off.Y == 0 || outer.Offset.Y != 0 {
		t.Fatalf("wheel over a long field: field offset %v, form offset %v; want the field to move", off.Y, outer.Offset.Y)
	}
	// Wheel up past the field's top: the field goes back, then the form
	// has nothing above, so nothing else moves.
	test.Scroll(w.Canvas(), over, 0, 400)
	if off, _ := scrollOffset(inner); off.Y != 0 || outer.Offset.Y != 0 {
		t.Fatalf("wheel up: field offset %v, form offset %v; want both 0", off.Y, outer.Offset.Y)
	}
}

// entryScroll is the entry's own scroller.
func entryScroll(t *testing.T, e *formEntry) fyne.Scrollable {
	t.Helper()
	r := test.WidgetRenderer(e).(*formEntryRenderer)
	s := r.wheel.innerScroll()
	if s == nil {
		t.Fatal("the multi-line entry has no scroller")
	}
	return s
}

// The wheel over a single-line field scrolls the form, even when the
// field's text is wider than the field (Fyne would slide the text
// sideways).
func TestWheelOverALineScrollsTheForm(t *testing.T) {
	newTestApp(t)
	e := widget.NewEntry()
	e.SetText(strings.Repeat("com.example.a-very-long-bundle-identifier.", 4))
	tall := layout.NewSpacer()
	form := container.NewVBox(widget.NewLabel("Topic"), newFormLine(e), container.NewGridWrap(fyne.NewSize(10, 900), tall))
	outer := container.NewVScroll(form)
	scrollFormWith(outer, form.Objects[1].(*formLine))
	w := test.NewTempWindow(t, outer)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(400, 300))
	over := form.Objects[1].Position().Add(fyne.NewPos(20, e.Size().Height/2))
	// Taps, drags, the pointer's shape and the focus still go to the
	// field below the catcher: it handles none of them.
	var catcher any = &entryWheel{}
	for name, ok := range map[string]bool{
		"taps":        is[fyne.Tappable](catcher),
		"double taps": is[fyne.DoubleTappable](catcher),
		"right taps":  is[fyne.SecondaryTappable](catcher),
		"drags":       is[fyne.Draggable](catcher),
		"the focus":   is[fyne.Focusable](catcher),
		"the pointer": is[desktop.Cursorable](catcher) || is[desktop.Hoverable](catcher) || is[desktop.Mouseable](catcher),
	} {
		if ok {
			t.Errorf("the wheel catcher takes %s from the field below", name)
		}
	}
	test.Scroll(w.Canvas(), over, 0, -60)
	if outer.Offset.Y != 60 {
		t.Fatalf("wheel over a line: form offset %v, want 60", outer.Offset.Y)
	}
}

func is[T any](v any) bool { _, ok := v.(T); return ok }

// In the window, the wheel over Title (a single line) scrolls the form.
func TestWheelOverTitleScrollsTheConsoleForm(t *testing.T) {
	h := newHarness(t)
	c := h.c
	c.Window().Resize(fyne.NewSize(900, 500))
	d := fyne.CurrentApp().Driver()
	before := d.AbsolutePositionForObject(c.note.title)
	test.Scroll(c.Window().Canvas(), before.Add(fyne.NewPos(30, 10)), 0, -80)
	after := d.AbsolutePositionForObject(c.note.title)
	if after.Y >= before.Y {
		t.Errorf("Title at y %v before the wheel, %v after: the form did not scroll", before.Y, after.Y)
	}
}

// After pasting long lines into Tokens the field shows the start of the
// lines (column 0), not their ends, so a bad line can be read.
func TestTokensShowTheStartOfTheLinesAfterAPaste(t *testing.T) {
	a := newTestApp(t)
	s := newDeviceSection()
	w := sectionWindow(t, s.content, 200)
	w.Canvas().Focus(s.tokens)
	lines := strings.Repeat("0a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a\n", 2) +
		"<aaaaaaaa bbbbbbbb cccccccc dddddddd eeeeeeee ffffffff 00000000 11111111 22222222>"
	a.Clipboard().SetContent(lines)
	s.tokens.TypedShortcut(&fyne.ShortcutPaste{Clipboard: a.Clipboard()})
	if s.tokens.Text != lines {
		t.Fatalf("pasted text %q", s.tokens.Text)
	}
	off, known := scrollOffset(entryScroll(t, s.tokens))
	if !known || off.X != 0 || s.tokens.CursorColumn != 0 || s.tokens.CursorRow != 2 {
		t.Errorf("after the paste: offset %v, cursor row %d column %d; want x 0, row 2, column 0", off, s.tokens.CursorRow, s.tokens.CursorColumn)
	}
}
