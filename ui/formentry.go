package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// formEntry is a multi-line entry inside a form: Tab and Shift+Tab move
// the focus to the next and previous field, as in every other field,
// instead of typing a tab character into the text.
type formEntry struct{ widget.Entry }

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
