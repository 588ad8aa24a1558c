package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// hint is secondary text under a field: wrapped at word boundaries and
// drawn in the theme's placeholder colour, which reads in the dark and the
// light theme alike (a LowImportance label uses the disabled colour, pale
// grey on white in the light theme).
type hint struct {
	widget.RichText
	text string
}

func newHint(text string) *hint {
	h := &hint{}
	h.Scroll = fyne.ScrollNone
	h.Wrapping = fyne.TextWrapWord
	h.ExtendBaseWidget(h)
	h.SetText(text)
	return h
}

// SetText shows text.
func (h *hint) SetText(text string) {
	h.text = text
	style := widget.RichTextStyleInline
	style.ColorName = theme.ColorNamePlaceHolder
	h.Segments = []widget.RichTextSegment{&widget.TextSegment{Text: text, Style: style}}
	h.Refresh()
}

// Text is the text shown.
func (h *hint) Text() string { return h.text }
