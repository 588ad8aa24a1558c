package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// consoleTheme is the theme the whole window uses, set once on the app:
// Fyne's own, with input outlines (an entry's border, an unselected radio
// button's ring) drawn so that they can be seen: in the placeholder grey
// on a light background, where Fyne's #e3e3e3 on white is nearly invisible
// (1.3:1; WCAG asks 3:1 of a control's boundary), and in a mid grey on a
// dark one, where Fyne's #39393a on #171718 is barely better (1.6:1). One theme for everything, rather than a
// container.ThemeOverride on the radios: Fyne loads a separate copy of
// every font for each overridden scope (about 7 MB).
type consoleTheme struct{ fyne.Theme }

// Status colours on a light background, where Fyne's green, orange and
// red read at 1.5:1, 2.2:1 and 3.7:1 against white: these darker ones
// read at 4.5:1 or better, as WCAG asks of text (tested).
var (
	lightSuccess = color.NRGBA{R: 0x1a, G: 0x7f, B: 0x37, A: 0xff}
	lightWarning = color.NRGBA{R: 0x9a, G: 0x5b, B: 0x00, A: 0xff}
	lightError   = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
)

// darkInputBorder is 3.4:1 on Fyne's dark background.
var darkInputBorder = color.NRGBA{R: 0x6e, G: 0x6e, B: 0x70, A: 0xff}

func newConsoleTheme() fyne.Theme { return consoleTheme{theme.DefaultTheme()} }

func (t consoleTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.light(v) {
		switch n {
		case theme.ColorNameSuccess:
			return lightSuccess
		case theme.ColorNameWarning:
			return lightWarning
		case theme.ColorNameError:
			return lightError
		}
	}
	if n == theme.ColorNameInputBorder {
		if t.light(v) {
			n = theme.ColorNamePlaceHolder
		} else {
			return darkInputBorder
		}
	}
	return t.Theme.Color(n, v)
}

// light reports whether the background is light: the variant the user
// chose, or the one a fixed theme (theme.LightTheme) draws whatever the
// variant.
func (t consoleTheme) light(v fyne.ThemeVariant) bool {
	r, g, b, _ := t.Theme.Color(theme.ColorNameBackground, v).RGBA()
	return r+g+b > 3*0x8000
}
