package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// storyLabel shows a row's story, monospace and selectable, wrapped to
// its width with each wrapped line indented under its own start: Fyne's
// word wrap starts continuation lines at the left edge, so a long header
// in the story lost its place in the outline. It wraps again when its
// width changes.
type storyLabel struct {
	widget.Label
	raw  string
	cols int
}

func newStoryLabel() *storyLabel {
	l := &storyLabel{}
	l.TextStyle.Monospace = true
	l.Selectable = true
	l.Wrapping = fyne.TextWrapOff // wrapped here
	l.ExtendBaseWidget(l)
	return l
}

// setStory shows text.
func (l *storyLabel) setStory(text string) {
	l.raw = text
	l.cols = l.columns(l.Size().Width)
	l.SetText(wrapStory(text, l.cols))
}

// Resize wraps the story again for a new width.
func (l *storyLabel) Resize(size fyne.Size) {
	if cols := l.columns(size.Width); cols != l.cols {
		l.cols = cols
		l.SetText(wrapStory(l.raw, cols))
	}
	l.Label.Resize(size)
}

// MinSize asks for little width: the label takes the width it is given
// and wraps to it (asking for the width of its longest line would keep
// it as wide as it was once wrapped).
func (l *storyLabel) MinSize() fyne.Size {
	m := l.Label.MinSize()
	m.Width = min(m.Width, 20*l.charWidth()+2*theme.InnerPadding())
	return m
}

func (l *storyLabel) charWidth() float32 {
	return fyne.MeasureText("M", theme.TextSize(), fyne.TextStyle{Monospace: true}).Width
}

// columns is how many characters fit in width; 0 before the label has a
// size (nothing is wrapped).
func (l *storyLabel) columns(width float32) int {
	if width <= 0 {
		return 0
	}
	return max(int((width-2*theme.InnerPadding())/l.charWidth()), 20)
}

// wrapStory wraps each line of text to cols characters, at spaces where
// it can, continuing under the line's own indent plus two; cols 0 wraps
// nothing.
func wrapStory(text string, cols int) string {
	if cols <= 0 {
		return text
	}
	var b strings.Builder
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		r := []rune(line)
		if len(r) <= cols {
			b.WriteString(line)
			continue
		}
		indent := 0
		for indent < len(r) && r[indent] == ' ' {
			indent++
		}
		hang := strings.Repeat(" ", min(indent+2, cols/2))
		first := true
		for len(r) > 0 {
			width := cols
			if !first {
				width -= len([]rune(hang))
				b.WriteString("\n" + hang)
			}
			if len(r) <= width {
				b.WriteString(string(r))
				break
			}
			cut := width
			for j := width; j > width/2; j-- {
				if r[j] == ' ' {
					cut = j
					break
				}
			}
			b.WriteString(strings.TrimRight(string(r[:cut]), " "))
			r = r[cut:]
			for len(r) > 0 && r[0] == ' ' {
				r = r[1:]
			}
			first = false
		}
	}
	return b.String()
}
