package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
)

// advancedSection is the Advanced section: expiration, collapse id,
// apns-id and custom JSON. It tells the console through changed.
type advancedSection struct {
	wheel          wheelFields
	expiration     *widget.Entry
	expirationHint *hint
	collapseID     *widget.Entry
	apnsID         *widget.Entry
	custom         *formEntry
	form           *widget.Form
	content        fyne.CanvasObject

	changed func()
}

func newAdvancedSection() *advancedSection {
	s := &advancedSection{changed: func() {}}
	changed := func(string) { s.changed() }
	s.expiration = widget.NewEntry()
	// The example date is next year's, never one already past.
	s.expiration.SetPlaceHolder(fmt.Sprintf("empty: APNs keeps it · 0: try once · 1h, 2d · %d-01-31T18:00:00Z · UNIX seconds", time.Now().Year()+1))
	s.expiration.OnChanged = changed
	s.expirationHint = newHint("")
	s.collapseID = widget.NewEntry()
	s.collapseID.SetPlaceHolder("notifications with the same id replace each other (≤ 64 bytes)")
	s.collapseID.OnChanged = changed
	s.apnsID = widget.NewEntry()
	s.apnsID.SetPlaceHolder("empty: APNs makes one")
	s.apnsID.OnChanged = changed
	newID := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() { s.apnsID.SetText(newUUID()) })
	s.custom = newFormEntry(`{"aps": {"category": "MESSAGE"}, "chat-id": 42}`, 4)
	s.custom.TextStyle.Monospace = true
	s.custom.Wrapping = fyne.TextWrapBreak // JSON has few spaces: break long lines anywhere
	s.custom.OnChanged = changed

	s.form = widget.NewForm(
		widget.NewFormItem("Expiration", s.wheel.line(s.expiration)),
		widget.NewFormItem("", s.expirationHint),
		widget.NewFormItem("Collapse ID", s.wheel.line(s.collapseID)),
		widget.NewFormItem("apns-id", container.NewBorder(nil, nil, nil, newID, s.wheel.line(s.apnsID))),
		widget.NewFormItem("Custom JSON", s.custom),
	)
	s.content = s.form
	return s
}

// showExpiration says what the apns-expiration header will be.
func (s *advancedSection) showExpiration(now time.Time) {
	exp, err := parseExpiration(s.expiration.Text, now)
	switch {
	case err != nil:
		s.expirationHint.SetText("✗ " + err.Error())
	case exp == nil:
		s.expirationHint.SetText("No apns-expiration header: APNs stores the notification as its policy allows.")
	default:
		s.expirationHint.SetText(describeExpiration(*exp, now))
	}
}

// payloadView is the Payload section: the exact JSON that will be sent,
// pretty-printed, with its size against the limit, read-only and
// selectable.
type payloadView struct {
	status  *widget.Label
	json    *widget.Label
	content fyne.CanvasObject
	header  string // the section's title: "Payload · 57 / 4096 bytes ✓"
}

func newPayloadView() *payloadView {
	v := &payloadView{status: widget.NewLabel(""), json: widget.NewLabel("")}
	v.status.Wrapping = fyne.TextWrapWord
	v.json.TextStyle.Monospace = true
	v.json.Wrapping = fyne.TextWrapBreak
	v.json.Selectable = true
	v.content = container.NewVBox(v.status, v.json)
	return v
}

// show shows payload p (nil when it can't be built) or err.
func (v *payloadView) show(p []byte, err error, limit int) {
	var pe *sender.PayloadError
	switch {
	case err == nil:
		v.status.Importance = widget.SuccessImportance
		v.status.SetText(fmt.Sprintf("✓ valid · %d / %d bytes", len(p), limit))
		v.header = fmt.Sprintf("Payload · %d / %d bytes ✓", len(p), limit)
	case errors.As(err, &pe) && pe.Size > 0:
		v.status.Importance = widget.DangerImportance
		v.status.SetText(fmt.Sprintf("✗ %d / %d bytes · %s", pe.Size, limit, err))
		v.header = fmt.Sprintf("Payload · %d / %d bytes ✗", pe.Size, limit)
	default:
		v.status.Importance = widget.DangerImportance
		v.status.SetText("✗ " + err.Error())
		v.header = "Payload ✗"
	}
	v.json.SetText(prettyJSON(p))
}

// prettyJSON indents a payload for reading; the bytes sent are compact.
func prettyJSON(p []byte) string {
	if len(p) == 0 {
		return ""
	}
	var b bytes.Buffer
	if json.Indent(&b, p, "", "  ") != nil {
		return string(p)
	}
	return b.String()
}
