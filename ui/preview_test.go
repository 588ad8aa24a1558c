package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"apnsconsole/sender"
)

// The preview as drawn: lock screen and banner, light and dark, a body
// cut as iOS cuts it, badge and sound; silent for background pushes; the
// Live Activity alert.
func TestPreviewDrawsTheNotificationAsIOSShowsIt(t *testing.T) {
	newTestApp(t)
	v := newPreviewView(func() {})
	w := test.NewTempWindow(t, v.content)
	w.Resize(fyne.NewSize(540, 460))
	alert := []byte(`{"aps":{"alert":{"title":"Order shipped","subtitle":"Arrives Tuesday","body":"Your order #1042 left our warehouse this morning and is on its way: track it in the app, change the delivery day, or ask the courier to leave it with a neighbour."},"badge":3,"sound":"default"}}`)

	v.show(alert, nil, sender.PushAlert, "com.example.shop")
	test.AssertImageMatches(t, "preview_lock_light.png", w.Canvas().Capture())
	if !strings.Contains(v.status.Text, "Banner and lock screen, with the default sound") || v.notes.Hidden {
		t.Errorf("status %q, notes %q", v.status.Text, v.notes.Text)
	}

	v.look.SetSelected(lookBanner)
	v.dark.SetChecked(true)
	test.AssertRendersToMarkup(t, "preview_banner_dark.xml", w.Canvas())

	v.show([]byte(`{"aps":{"content-available":1}}`), nil, sender.PushBackground, "com.example.shop")
	test.AssertRendersToMarkup(t, "preview_silent.xml", w.Canvas())

	v.look.SetSelected(lookLock)
	v.dark.SetChecked(false)
	v.show([]byte(`{"aps":{"timestamp":1700000000,"event":"update","content-state":{"score":"2-1"},"alert":{"title":"Goal!","body":"Home team leads 2-1"}}}`), nil, sender.PushLiveActivity, "com.example.scores")
	test.AssertRendersToMarkup(t, "preview_liveactivity.xml", w.Canvas())
}

// The preview follows the form as the user types.
func TestPreviewFollowsTheForm(t *testing.T) {
	h := newHarness(t)
	c := h.c
	h.typeInto(c.note.title, "Typed title")
	found := false
	for _, o := range c.preview.frame.Objects {
		if tt, ok := o.(*canvas.Text); ok && tt.Text == "Typed title" {
			found = true
		}
	}
	if !found {
		t.Error("the preview does not show the typed title")
	}
	c.note.pushType.SetSelected(string(sender.PushBackground))
	c.adv.custom.SetText(`{"aps":{"content-available":1}}`)
	c.note.body.SetText("")
	c.note.title.SetText("")
	c.note.sound.SetText("")
	if !strings.HasPrefix(c.preview.status.Text, "Silent: nothing is shown") {
		t.Errorf("background push: status %q", c.preview.status.Text)
	}
}
