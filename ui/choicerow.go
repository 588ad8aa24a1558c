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
//
// Where the row is given less width than the radios need (the form of an
// 800-pixel window), it shows the same choices as a drop-down instead, of
// the same height: nothing is clipped and nothing below moves.
type choiceRow struct {
	Selected  string
	OnChanged func(string)

	groups   []*widget.RadioGroup
	radios   *fyne.Container
	pick     *widget.Select // the choices in a narrow row
	updating bool
	content  *fyne.Container
}

func newChoiceRow(options []string, changed func(string)) *choiceRow {
	r := &choiceRow{OnChanged: changed}
	r.radios = container.New(layout.NewCustomPaddedHBoxLayout(0))
	r.pick = widget.NewSelect(options, func(v string) {
		if v != "" && !r.updating {
			r.SetSelected(v)
		}
	})
	r.content = container.New(&choiceLayout{}, r.radios, r.pick)
	for _, o := range options {
		g := widget.NewRadioGroup([]string{o}, func(v string) {
			if v != "" && !r.updating {
				r.SetSelected(v)
			}
		})
		g.Required = true // a tap on the chosen one keeps it chosen
		r.groups = append(r.groups, g)
		r.radios.Add(g)
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
	r.pick.SetSelected(option)
	r.updating = false
	if r.OnChanged != nil {
		r.OnChanged(option)
	}
}

// choiceLayout shows the radios (its first object) where they fit, else
// the drop-down (its second), at the taller one's height.
type choiceLayout struct{}

func (choiceLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	radios, pick := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(min(radios.Width, max(pick.Width, 200)), max(radios.Height, pick.Height))
}

func (choiceLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	radios, pick := objs[0], objs[1]
	fits := radios.MinSize().Width <= size.Width
	if fits {
		radios.Show()
		pick.Hide()
	} else {
		radios.Hide()
		pick.Show()
	}
	radios.Move(fyne.NewPos(0, (size.Height-radios.MinSize().Height)/2))
	radios.Resize(fyne.NewSize(radios.MinSize().Width, radios.MinSize().Height))
	w := min(size.Width, max(pick.MinSize().Width, 200))
	pick.Move(fyne.NewPos(0, (size.Height-pick.MinSize().Height)/2))
	pick.Resize(fyne.NewSize(w, pick.MinSize().Height))
}
