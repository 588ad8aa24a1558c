package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, bl, _ := c.RGBA()
		ch := func(v uint32) float64 {
			x := float64(v) / 0xffff
			if x <= 0.03928 {
				return x / 12.92
			}
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(bl)
	}
	la, lb := lum(a), lum(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// The log's status colours (and every label of success, warning or
// danger importance) read at 4.5:1 against the background, in both
// themes.
func TestStatusColoursReadInBothThemes(t *testing.T) {
	for _, v := range []struct {
		name    string
		variant fyne.ThemeVariant
		th      fyne.Theme
	}{{"light", theme.VariantLight, consoleTheme{fixedVariant(theme.VariantLight)}}, {"dark", theme.VariantDark, consoleTheme{fixedVariant(theme.VariantDark)}}} {
		bg := v.th.Color(theme.ColorNameBackground, v.variant)
		for _, n := range []fyne.ThemeColorName{theme.ColorNameSuccess, theme.ColorNameWarning, theme.ColorNameError, theme.ColorNameForeground} {
			if r := contrast(v.th.Color(n, v.variant), bg); r < 4.5 {
				t.Errorf("%s theme: %s is %.1f:1 against the background, want 4.5:1", v.name, n, r)
			}
		}
	}
}

// The log's rows in the light theme, as drawn: the green, red and orange
// statuses are the darker, readable ones.
func TestLogStatusesInTheLightTheme(t *testing.T) {
	a := newTestApp(t)
	a.Settings().SetTheme(consoleTheme{fixedVariant(theme.VariantLight)})
	q := &uiQueue{}
	p := newLogPane(a, q.do, 0)
	w := test.NewTempWindow(t, p.list)
	w.Resize(fyne.NewSize(560, 120))
	fillLog(p)
	q.drain()
	test.AssertImageMatches(t, "log_statuses_light.png", w.Canvas().Capture())
}

// variantTheme is Fyne's default theme in one variant whatever the
// settings say (theme.LightTheme and DarkTheme, which did that, are
// deprecated).
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

func fixedVariant(v fyne.ThemeVariant) fyne.Theme { return variantTheme{theme.DefaultTheme(), v} }
