package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"apnsconsole/sender"
)

// Defect 3: Tab and Shift+Tab in Alert move the focus.
func TestTabMovesThroughTheNotificationSection(t *testing.T) {
	newTestApp(t)
	s := newNotificationSection()
	w := sectionWindow(t, s.content, 420)
	cv := w.Canvas()
	cv.Focus(s.body)
	test.Type(s.body, "Hi")
	pressTab(cv, false)
	if cv.Focused() != s.title {
		t.Errorf("Tab in Alert focused %T, want Title", cv.Focused())
	}
	test.Type(s.title, "Order")
	pressTab(cv, true)
	if cv.Focused() != s.body {
		t.Errorf("Shift+Tab in Title focused %T, want Alert", cv.Focused())
	}
	if strings.Contains(s.body.Text, "\t") || s.body.Text != "Hi" {
		t.Errorf("Alert = %q, want no tab in it", s.body.Text)
	}
	pressTab(cv, false)
	test.AssertRendersToMarkup(t, "notification_tab.xml", cv)
}

// Defect 7: the topic follows the push type's suffix, and the form
// offers the push type's starting payload.
func TestPushTypeAdjustsTheTopicAndOffersAPayload(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	c.note.topic.SetText("com.example.demo")
	for _, want := range []struct {
		pt    sender.PushType
		topic string
	}{
		{sender.PushLiveActivity, "com.example.demo.push-type.liveactivity"},
		{sender.PushVoIP, "com.example.demo.voip"},
		{sender.PushComplication, "com.example.demo.complication"},
		{sender.PushFileProvider, "com.example.demo.pushkit.fileprovider"},
		{sender.PushLocation, "com.example.demo.location-query"},
		{sender.PushPushToTalk, "com.example.demo.voip-ptt"},
		{sender.PushAlert, "com.example.demo"},
	} {
		c.note.pushType.SetSelected(string(want.pt))
		if c.note.topic.Text != want.topic {
			t.Errorf("push type %s: topic %q, want %q", want.pt, c.note.topic.Text, want.topic)
		}
	}
	// A suffix the user typed, which the push type does not use, stays.
	c.note.topic.SetText("com.example.demo.voip")
	c.note.pushType.SetSelected(string(sender.PushLiveActivity))
	if c.note.topic.Text != "com.example.demo.voip" {
		t.Errorf("typed topic became %q, want it kept", c.note.topic.Text)
	}
	c.note.pushType.SetSelected(string(sender.PushAlert))
	c.note.topic.SetText("com.example.demo")

	// An empty topic follows too: its placeholder is the default.
	c.note.topic.SetText("")
	c.note.pushType.SetSelected(string(sender.PushBackground))
	if !c.note.template.Visible() {
		t.Fatal("no starting payload offered for background")
	}
	test.Tap(c.note.template)
	// It would empty the alert the user typed: it asks first.
	if c.note.body.Text == "" {
		t.Fatal("the alert typed was emptied without asking")
	}
	test.AssertObjectRendersToMarkup(t, "template_confirm.xml", c.win.Canvas().Overlays().Top())
	test.Tap(findButton(c.win.Canvas(), "Replace"))
	if c.adv.custom.Text != `{"aps": {"content-available": 1}}` || c.note.body.Text != "" || c.note.priority.Selected != priority5 {
		t.Errorf("background payload: custom %q, alert %q, priority %q", c.adv.custom.Text, c.note.body.Text, c.note.priority.Selected)
	}
	if c.bar.sendBtn.Disabled() {
		t.Errorf("Send is off with the background payload: %s", c.bar.problem.Text)
	}
	assertObjectMarkup(t, "notification_background.xml", c.note.content, 460)
	assertObjectMarkup(t, "payload_background.xml", c.pview.content, 160)
	c.win.Resize(DefaultSize)
	h.sendAndWait()
	h.waitForLog("apns-push-type: background", "apns-priority: 5", "200 OK")
}

// Choosing a push type shows, in the empty topic's placeholder, the
// suffix that will be sent.
func TestPushTypeShowsItsTopicSuffixInThePlaceholder(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	c.note.topic.SetText("")
	c.note.pushType.SetSelected(string(sender.PushVoIP))
	if !strings.HasPrefix(c.note.topic.PlaceHolder, "com.example.demo.voip ") {
		t.Errorf("placeholder for voip %q, want com.example.demo.voip", c.note.topic.PlaceHolder)
	}
	assertObjectMarkup(t, "topic_placeholder_voip.xml", c.note.content, 460)
	c.note.pushType.SetSelected(string(sender.PushAlert))
	if !strings.HasPrefix(c.note.topic.PlaceHolder, "com.example.demo ") {
		t.Errorf("placeholder for alert %q, want com.example.demo", c.note.topic.PlaceHolder)
	}
}

// A badge that is not a number is said under the badge field, and in
// short next to Send.
func TestBadBadgeIsSaidAtItsField(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	h.typeInto(c.note.badge, "three")
	if !c.note.badgeErr.Visible() || !strings.Contains(c.note.badgeErr.Text, `"three" is not a whole number`) {
		t.Errorf("under the badge: shown %v, %q", c.note.badgeErr.Visible(), c.note.badgeErr.Text)
	}
	if c.bar.problem.Text != "Send is off: the badge is not a number (see Notification)" {
		t.Errorf("next to Send: %q", c.bar.problem.Text)
	}
	assertObjectMarkup(t, "badge_error.xml", c.note.content, 460)
	h.typeInto(c.note.badge, "3")
	if c.note.badgeErr.Visible() {
		t.Error("the badge's error stays after it is fixed")
	}
}

// A background push is checked in the form: priority 5 and
// content-available, before Send.
func TestBackgroundPushIsCheckedBeforeSend(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	c.note.pushType.SetSelected(string(sender.PushBackground))
	if !c.bar.sendBtn.Disabled() || !strings.Contains(c.bar.problem.Text, "background push") {
		t.Errorf("background at the default priority: Send disabled %v, %q", c.bar.sendBtn.Disabled(), c.bar.problem.Text)
	}
	c.note.priority.SetSelected(priority5)
	if !c.bar.sendBtn.Disabled() {
		t.Error("a background push without content-available can be sent")
	}
	c.adv.custom.SetText(`{"aps": {"content-available": 1}}`)
	if c.bar.sendBtn.Disabled() {
		t.Errorf("a proper background push is refused: %s", c.bar.problem.Text)
	}
}

// Tab to a field scrolled out of view scrolls the form to it.
func TestTabScrollsTheFocusedFieldIntoView(t *testing.T) {
	h := newHarness(t)
	c := h.c
	c.win.Resize(fyne.NewSize(800, 560))
	c.formScroll.ScrollToTop()
	c.showFocused() // the tokens, in view
	d := fyne.CurrentApp().Driver()
	cv := c.win.Canvas()
	cv.Focus(c.note.priority) // below the fold at 800×560
	inView := func() bool {
		y := d.AbsolutePositionForObject(c.note.priority).Y - d.AbsolutePositionForObject(c.formScroll).Y
		return y >= 0 && y+c.note.priority.Size().Height <= c.formScroll.Size().Height
	}
	if inView() {
		t.Fatal("Priority is in view already: the test shows nothing")
	}
	c.showFocused()
	if !inView() {
		t.Errorf("Priority focused but out of view (form offset %v, priority at %v size %v, form %v at %v, content %v)", c.formScroll.Offset, d.AbsolutePositionForObject(c.note.priority), c.note.priority.Size(), c.formScroll.Size(), d.AbsolutePositionForObject(c.formScroll), c.formScroll.Content.Size())
	}
}
