package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// A row of choices keeps exactly one chosen, whether the user taps one or
// the code sets it, and a tap on the chosen one keeps it.
func TestChoiceRowKeepsExactlyOneChosen(t *testing.T) {
	test.NewTempApp(t)
	var told []string
	r := newChoiceRow(envChoices, func(s string) { told = append(told, s) })
	w := test.NewTempWindow(t, r.content)
	chosen := func() (out []string) {
		for _, g := range r.groups {
			if g.Selected != "" {
				out = append(out, g.Selected)
			}
		}
		return out
	}
	r.SetSelected(envLocal)
	test.TapCanvas(w.Canvas(), r.groups[1].Position().AddXY(10, 10)) // Production
	if r.Selected != envProduction || len(chosen()) != 1 || chosen()[0] != envProduction {
		t.Errorf("after a tap on Production: Selected %q, chosen %v", r.Selected, chosen())
	}
	test.TapCanvas(w.Canvas(), r.groups[1].Position().AddXY(10, 10)) // again
	if r.Selected != envProduction || len(chosen()) != 1 {
		t.Errorf("a second tap unchose it: Selected %q, chosen %v", r.Selected, chosen())
	}
	if len(told) != 2 || told[0] != envLocal || told[1] != envProduction {
		t.Errorf("told %v, want [Local Production]", told)
	}
}
