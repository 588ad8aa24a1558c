package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// followFocus scrolls the form to the field that has the focus when it
// changes (Tab, Shift+Tab): Fyne moves the focus to a field scrolled out
// of view without scrolling to it. Fyne tells no focus change, so the
// focus is looked at five times a second, on the UI goroutine.
func (c *Console) followFocus() {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
			c.do(c.showFocused)
		}
	}
}

// showFocused scrolls the form so that the focused field, if it is in
// the form and has changed, is in view.
func (c *Console) showFocused() {
	f := c.win.Canvas().Focused()
	if f == c.focused || c.formScroll == nil {
		return
	}
	c.focused = f
	o, ok := f.(fyne.CanvasObject)
	if !ok {
		return
	}
	d := fyne.CurrentApp().Driver()
	content := c.formScroll.Content
	// Scrolling may lay the form out again (its sections' sizes): look
	// again until the field is in view, a few times at most.
	for range 3 {
		at := d.AbsolutePositionForObject(o).Subtract(d.AbsolutePositionForObject(content))
		if at.X < 0 || at.X >= content.Size().Width || at.Y < 0 || at.Y >= content.Size().Height {
			return // not in the form (the log's search, a dialog)
		}
		view := c.formScroll.Size().Height
		off := c.formScroll.Offset
		switch {
		case at.Y < off.Y:
			off.Y = at.Y - theme.Padding()
		case at.Y+o.Size().Height > off.Y+view:
			off.Y = min(at.Y, at.Y+o.Size().Height-view+theme.Padding())
		default:
			return
		}
		c.formScroll.ScrollToOffset(fyne.NewPos(off.X, max(off.Y, 0)))
	}
}
