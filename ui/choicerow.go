package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// choiceRow is a row of radio buttons, one of which is always chosen,
// each as wide as its own label: a horizontal widget.RadioGroup gives
// every choice the widest one's width, and five targets would then not
// fit the form. Each choice is a one-option RadioGroup; the row keeps
// exactly one of them selected.
type choiceRow struct {
	Selected  string
	OnChanged func(string)

	groups   []*widget.RadioGroup
	updating bool
	content  *fyne.Container
}

func newChoiceRow(options []string, changed func(string)) *choiceRow {
	r := &choiceRow{OnChanged: changed}
	r.content = container.New(layout.NewCustomPaddedHBoxLayout(0))
	for _, o := range options {
		g := widget.NewRadioGroup([]string{o}, func(v string) {
			if v != "" && !r.updating {
				r.SetSelected(v)
			}
		})
		g.Required = true // a tap on the chosen one keeps it chosen
		r.groups = append(r.groups, g)
		r.content.Add(g)
	}
	return r
}

// SetSelected chooses option (one of the row's), unchooses the others and
// tells OnChanged.
func (r *choiceRow) SetSelected(option string) {
	if r.Selected == option {
		return
	}
	r.Selected = option
	r.updating = true
	for _, g := range r.groups {
		if g.Options[0] == option {
			g.SetSelected(option)
		} else {
			g.SetSelected("")
		}
	}
	r.updating = false
	if r.OnChanged != nil {
		r.OnChanged(option)
	}
}
