package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// A row of choices keeps exactly one chosen, whether the user taps one or
// the code sets it, and a tap on the chosen one keeps it.
func TestChoiceRowKeepsExactlyOneChosen(t *testing.T) {
	test.NewTempApp(t)
	var told []string
	r := newChoiceRow(envChoices, func(s string) { told = append(told, s) })
	w := test.NewTempWindow(t, r.content)
	w.Resize(fyne.NewSize(700, 60))
	chosen := func() (out []string) {
		for _, g := range r.groups {
			if g.Selected != "" {
				out = append(out, g.Selected)
			}
		}
		return out
	}
	r.SetSelected(envLocal)
	test.TapCanvas(w.Canvas(), fyne.CurrentApp().Driver().AbsolutePositionForObject(r.groups[1]).AddXY(10, 10)) // Production
	if r.Selected != envProduction || len(chosen()) != 1 || chosen()[0] != envProduction {
		t.Errorf("after a tap on Production: Selected %q, chosen %v", r.Selected, chosen())
	}
	test.TapCanvas(w.Canvas(), fyne.CurrentApp().Driver().AbsolutePositionForObject(r.groups[1]).AddXY(10, 10)) // again
	if r.Selected != envProduction || len(chosen()) != 1 {
		t.Errorf("a second tap unchose it: Selected %q, chosen %v", r.Selected, chosen())
	}
	if len(told) != 2 || told[0] != envLocal || told[1] != envProduction {
		t.Errorf("told %v, want [Local Production]", told)
	}
}

// In a narrow form (an 800-pixel window) the choices are a drop-down of
// the same height instead of radios cut at the edge.
func TestChoiceRowIsADropDownWhenNarrow(t *testing.T) {
	test.NewTempApp(t)
	r := newChoiceRow(envChoices, nil)
	r.SetSelected(envLocal)
	w := test.NewTempWindow(t, r.content)
	w.Resize(fyne.NewSize(700, 60))
	if !r.radios.Visible() || r.pick.Visible() {
		t.Errorf("at 700 wide: radios shown %v, drop-down %v; want the radios", r.radios.Visible(), r.pick.Visible())
	}
	high := r.content.Size().Height
	w.Resize(fyne.NewSize(380, 60))
	if r.radios.Visible() || !r.pick.Visible() {
		t.Errorf("at 380 wide: radios shown %v, drop-down %v; want the drop-down", r.radios.Visible(), r.pick.Visible())
	}
	if r.content.Size().Height != high {
		t.Errorf("the row is %v high as a drop-down, %v as radios", r.content.Size().Height, high)
	}
	test.AssertRendersToMarkup(t, "targets_narrow.xml", w.Canvas())
	r.pick.SetSelected(envCustom)
	if r.Selected != envCustom || r.groups[3].Selected != envCustom {
		t.Errorf("chosen in the drop-down: Selected %q, radio %q", r.Selected, r.groups[3].Selected)
	}
}
