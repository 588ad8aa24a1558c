// Command baseline is the bare Fyne window `make memory` measures the
// console against: a form and a 5,000-row widget.List side by side, at the
// console's default size, with the same Fyne version.
package main

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	_ "apnsconsole/ui/posixlocale"
)

func main() {
	a := app.NewWithID("dev.apnsconsole.baseline")
	w := a.NewWindow("Baseline")
	entry := func() *widget.Entry { return widget.NewEntry() }
	form := widget.NewForm(
		widget.NewFormItem("Token", entry()),
		widget.NewFormItem("Alert", widget.NewMultiLineEntry()),
		widget.NewFormItem("Title", entry()),
		widget.NewFormItem("Topic", entry()),
		widget.NewFormItem("Kind", widget.NewSelect([]string{"a", "b"}, nil)),
	)
	list := widget.NewList(func() int { return 5000 },
		func() fyne.CanvasObject { return widget.NewLabel("00:00:00 local 00000000…00000000 200 OK") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(fmt.Sprintf("row %d", i)) })
	w.SetContent(container.NewHSplit(container.NewVScroll(form), list))
	w.Resize(fyne.NewSize(1100, 720))
	w.ShowAndRun()
}
