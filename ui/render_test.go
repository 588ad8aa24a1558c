package ui

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// The tests here assert what is drawn: the markup of the widget tree as
// Fyne renders it, against files under testdata/ (regenerated on purpose
// only: a failing test writes what it saw under testdata/failed/).

// sectionWindow shows content alone in a test window of the form's width.
func sectionWindow(t *testing.T, content fyne.CanvasObject, height float32) fyne.Window {
	t.Helper()
	w := test.NewTempWindow(t, content)
	w.Resize(fyne.NewSize(540, height))
	return w
}

// assertObjectMarkup renders o alone, 540 wide and height high, and
// compares its markup with testdata/name.
func assertObjectMarkup(t *testing.T, name string, o fyne.CanvasObject, height float32) {
	t.Helper()
	c := test.NewCanvas()
	c.SetPadded(false)
	c.SetContent(o)
	c.Resize(fyne.NewSize(540, height))
	test.AssertRendersToMarkup(t, name, c)
}

// pressTab does what the desktop driver does with Tab: a field that
// accepts tabs gets the key, otherwise the focus moves on.
func pressTab(c fyne.Canvas, shift bool) {
	if f, ok := c.Focused().(fyne.Tabbable); ok && f.AcceptsTab() {
		c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
		return
	}
	if shift {
		c.FocusPrevious()
	} else {
		c.FocusNext()
	}
}

// Defect 1: after a Kind change the form shows that kind's fields only,
// whatever kind came before.
func TestKindSwitchShowsOnlyTheChosenKindsForm(t *testing.T) {
	newTestApp(t)
	w := test.NewTempWindow(t, nil)
	s := newCredentialSection(w, fyne.CurrentApp().Preferences(), time.Now, func(f func()) { f() })
	w.SetContent(s.content)
	w.Resize(fyne.NewSize(540, 420))

	s.p12Path.SetText("/creds/Push.p12")
	s.p12Password.SetText("p12-secret")
	s.certPath.SetText("/creds/cert.pem")
	s.keyPath.SetText("/creds/key.pem")
	s.keyPassword.SetText("key-secret")
	s.p8Path.SetText("/creds/AuthKey_ABC123DEFG.p8")
	s.keyID.SetText("ABC123DEFG")
	s.teamID.SetText("TEAM123456")

	// Every kind to every other kind, in both orders.
	walk := []credential.Kind{credential.KindP12, credential.KindPEM, credential.KindP8,
		credential.KindP12, credential.KindP8, credential.KindPEM, credential.KindP12}
	for i, k := range walk {
		s.choose(k)
		from := "launch"
		if i > 0 {
			from = kindName(walk[i-1])
		}
		test.AssertRendersToMarkup(t, "credential_"+kindName(k)+".xml", w.Canvas(), "kind %s after %s", kindName(k), from)
	}
}

// Defect 2 and many tokens: one token per line, each diagnosed.
func TestTokensAreReadOnePerLineAndDiagnosed(t *testing.T) {
	newTestApp(t)
	s := newDeviceSection()
	w := sectionWindow(t, s.content, 200)
	const tok2 = "0a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a"
	const tok3 = "<aaaaaaaa bbbbbbbb cccccccc dddddddd eeeeeeee ffffffff 00000000 11111111>"
	const elided = "{length = 32, bytes = 0x740f4707 bebcf74f 9b7c25d4 ... 462c7eaf 61bb78ad }"

	for _, c := range []struct {
		name, text string
		valid      int
	}{
		{"tokens_one.xml", apnstest.DemoToken, 1},
		{"tokens_two_lines.xml", apnstest.DemoToken + "\n" + tok2[:64], 2},
		{"tokens_three_one_bad.xml", apnstest.DemoToken + "\n" + elided + "\n" + tok2[:64] + "\n" + tok3, 3},
		{"tokens_commas.xml", apnstest.DemoToken + ", " + tok2[:64] + "; " + strings.Repeat("ab", 32), 3},
	} {
		s.tokens.SetText(c.text)
		if got := len(s.valid()); got != c.valid {
			t.Errorf("%s: %d valid tokens, want %d", c.name, got, c.valid)
		}
		test.AssertRendersToMarkup(t, c.name, w.Canvas())
	}
	// A thousand lines, a third of them bad: every good one counted, the
	// first problems listed and the rest counted.
	var b strings.Builder
	for i := range 1000 {
		if i%3 == 1 {
			fmt.Fprintf(&b, "bad line %d\n", i)
		} else {
			fmt.Fprintf(&b, "%064x\n", i)
		}
	}
	s.tokens.SetText(b.String())
	if got := len(s.valid()); got != 667 {
		t.Errorf("%d valid tokens of 1000 lines, want 667", got)
	}
	if !strings.HasPrefix(s.status.Text, "667 tokens ✓ · line 2: ") || !strings.Contains(s.status.Text, "and 328 more lines") {
		t.Errorf("diagnosis of 1000 lines: %q", s.status.Text)
	}

	// The two-line paste is two 32-byte tokens, not one of 64 bytes.
	s.tokens.SetText(apnstest.DemoToken + "\n" + tok2[:64])
	for _, v := range s.valid() {
		if len(v.Token) != 64 {
			t.Errorf("token %q is %d hex digits, want 64", v.Token, len(v.Token))
		}
	}
}

// Many tokens: one send over one connection, one row per token, a refused
// line shown as a row of its own.
func TestSendToThreeTokensGivesOneRowEachOverOneConnection(t *testing.T) {
	h := newHarness(t)
	sim := h.simulator()
	c := h.c
	others := []string{strings.Repeat("ab", 32), strings.Repeat("cd", 32)}
	c.dev.tokens.SetText(apnstest.DemoToken + "\nnot a token\n" + others[0] + "\n" + others[1])
	if c.bar.sendBtn.Text != "Send to 3" || c.bar.sendBtn.Disabled() {
		t.Fatalf("Send button %q (disabled %v), want Send to 3", c.bar.sendBtn.Text, c.bar.sendBtn.Disabled())
	}
	h.sendAndWait()
	if n := len(sim.Accepted()); n != 3 {
		t.Fatalf("simulator accepted %d notifications, want 3", n)
	}
	c.log.mu.Lock()
	var ok, refused int
	for i := 0; i < c.log.rows.len(); i++ {
		switch e := c.log.rows.at(i); {
		case e.isSend() && e.Status == "200 OK":
			ok++
		case e.isSend() && e.Status == "not sent" && strings.Contains(e.Text, "Line 2"):
			refused++
		}
	}
	c.log.mu.Unlock()
	if ok != 3 || refused != 1 {
		t.Errorf("%d accepted rows and %d refused rows, want 3 and 1\n%s", ok, refused, h.logText())
	}
	c.mu.Lock()
	handshakes := c.client.Handshakes()
	c.mu.Unlock()
	if handshakes != 1 {
		t.Errorf("%d TLS handshakes for 3 tokens, want 1", handshakes)
	}
	if log := h.logText(); !strings.Contains(log, "payload (61 bytes):") || !strings.Contains(log, `"alert": "Hello from APNs Console"`) {
		t.Errorf("the rows' stories lack the pretty-printed payload:\n%s", log)
	}
	if c.bar.progress.Visible() || c.bar.progress.Max != 3 {
		t.Errorf("progress bar visible %v, max %v after the send; want hidden, 3", c.bar.progress.Visible(), c.bar.progress.Max)
	}
}

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

// Defect 5: loading a credential never changes the environment; the
// mismatch is said next to Send with a one-click switch.
func TestLoadingACredentialNeverChangesTheEnvironment(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	dir, _ := demoFiles(t)
	c.cred.p12Path.SetText(filepath.Join(dir, apnstest.FileDemoP12))
	c.cred.p12Password.SetText(apnstest.DemoP12Password)
	test.Tap(c.cred.loadBtn)
	h.waitFor("the .p12 to load", func() bool { return c.cred.creds[credential.KindP12] != nil })
	if c.bar.env.Selected != envLocal {
		t.Fatalf("environment = %q after loading, want it left at %q", c.bar.env.Selected, envLocal)
	}
	assertObjectMarkup(t, "mismatch_local.xml", c.bar.mismatchRow, 80)
	c.win.Resize(DefaultSize) // back into the window's layout

	// A production-only certificate in Sandbox: said, with the switch.
	c.bar.env.SetSelected(envSandbox)
	if c.bar.mismatchRow.Visible() {
		t.Errorf("mismatch shown for a sandbox+production certificate in Sandbox: %q", c.bar.mismatch.Text)
	}
	if c.bar.env.Selected != envSandbox {
		t.Errorf("environment = %q, want Sandbox", c.bar.env.Selected)
	}
}

// Defect 6: an error is explained once, under its field; the line next to
// Send points there, and the form does not move as errors come and go.
func TestAnErrorIsSaidOnceAndTheFormDoesNotMove(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	before := c.split.Leading.MinSize()
	c.dev.tokens.SetText("{length = 32, bytes = 0x740f4707 bebcf74f 9b7c25d4 ... 462c7eaf 61bb78ad }")
	full := c.dev.status.Text
	if !strings.Contains(c.bar.problem.Text, "(see Device)") || strings.Contains(c.bar.problem.Text, full) {
		t.Errorf("line next to Send = %q, want a pointer to Device, not the whole %q again", c.bar.problem.Text, full)
	}
	if after := c.split.Leading.MinSize(); after.Height != before.Height {
		t.Errorf("form height %v with the error, %v without: the form moves", after.Height, before.Height)
	}
	assertObjectMarkup(t, "problem_token.xml", container.NewVBox(c.dev.content, c.bar.problem), 420)
	c.win.Resize(DefaultSize)
	c.dev.tokens.SetText(apnstest.DemoToken)
	if strings.TrimSpace(c.bar.problem.Text) != "" {
		t.Errorf("line next to Send = %q with a good token", c.bar.problem.Text)
	}
	if after := c.split.Leading.MinSize(); after.Height != before.Height {
		t.Errorf("form height %v after the error went, %v before", after.Height, before.Height)
	}
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

// Defect 8: Key ID and Team ID apply as typed.
func TestKeyIDAndTeamIDApplyAsTyped(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	dir, _ := demoFiles(t)
	c.bar.env.SetSelected(envSandbox)
	c.cred.choose(credential.KindP8)
	c.cred.p8Path.SetText(filepath.Join(dir, apnstest.FileDemoP8))
	c.cred.keyID.SetText("")
	c.cred.teamID.SetText("")
	test.Tap(c.cred.loadBtn)
	h.waitFor("the Team ID error", func() bool { return c.cred.errs[credential.KindP8] != "" })
	test.Type(c.cred.teamID, apnstest.DemoTeamID) // no Enter, no Load
	h.waitFor("the .p8 to load as typed", func() bool {
		return c.cred.creds[credential.KindP8] != nil && len(c.cred.loading) == 0
	})
	if c.cred.errs[credential.KindP8] != "" || !strings.Contains(c.cred.summary.Text, "team "+apnstest.DemoTeamID) {
		t.Errorf("after typing the Team ID: error %q, summary %q", c.cred.errs[credential.KindP8], c.cred.summary.Text)
	}
}

// Defect 9: the Payload view shows the exact JSON, pretty-printed and
// wrapped, with its size against the limit.
func TestPayloadViewShowsTheJSONThatWillBeSent(t *testing.T) {
	newTestApp(t)
	v := newPayloadView()
	w := sectionWindow(t, v.content, 300)
	p, err := sender.BuildPayload(sender.Message{Body: "Hello", Custom: `{"chat-id": 42, "url": "https://example.com/` + strings.Repeat("very-long-path/", 8) + `"}`})
	if err != nil {
		t.Fatal(err)
	}
	v.show(p, err, 4096)
	test.AssertRendersToMarkup(t, "payload_view.xml", w.Canvas())
	if !strings.HasPrefix(v.header, "Payload · ") {
		t.Errorf("header %q", v.header)
	}
}

// Defect 4 and the log: one row per send; the selected row's whole story
// wrapped and copyable below; the search filters rows.
func TestLogRowSelectedShowsItsWholeStory(t *testing.T) {
	a := newTestApp(t)
	for _, th := range []struct {
		name  string
		theme fyne.Theme
	}{{"dark", consoleTheme{fixedVariant{theme.DefaultTheme(), theme.VariantDark}}}, {"light", consoleTheme{fixedVariant{theme.DefaultTheme(), theme.VariantLight}}}} {
		a.Settings().SetTheme(th.theme)
		q := &uiQueue{}
		p := newLogPane(a, q.do, 0)
		w := test.NewTempWindow(t, p.Content())
		w.Resize(fyne.NewSize(560, 520))
		fillLog(p)
		q.drain()
		p.list.Select(1)
		q.drain()
		test.AssertRendersToMarkup(t, "log_selected_"+th.name+".xml", w.Canvas())
		if th.name == "dark" {
			test.Type(p.search, "unregistered")
			if len(p.view) != 1 || p.view[0].Status != "410 Unregistered" {
				t.Errorf("search kept %d rows", len(p.view))
			}
			test.AssertRendersToMarkup(t, "log_search.xml", w.Canvas())
			// A filter that hides the selected row unselects it: no story
			// of a row that is not shown.
			p.search.SetText("cdcd")
			if p.selected != nil || strings.Contains(p.detail.Text, "Unregistered") {
				t.Errorf("the hidden row stays selected: %q", p.detail.Text)
			}
			p.search.SetText("")
		}
	}
}

// fillLog adds three sends with fixed times: accepted, unregistered and
// failed.
func fillLog(p *LogPane) {
	at := time.Date(2026, 1, 31, 18, 0, 0, 0, time.UTC)
	add := func(token string, r sender.Result, story ...string) {
		e := &logEntry{Time: at, Kind: kindSend, Env: "local", Token: token, Text: "Send → 127.0.0.1:2197 (local simulator) · token " + token, Tone: toneHeading}
		p.push(e)
		for _, s := range story {
			p.addToRow(e, sender.Event{Kind: sender.EventRequest, Text: s})
		}
		p.finishRow(e, r, 0)
		at = at.Add(time.Second)
	}
	add(apnstest.DemoToken, sender.Result{Response: &sender.Response{Status: 200, ApnsID: "538AF6E1-E598-4B8B-94AB-8B4735D4C052", Duration: 3 * time.Millisecond}},
		"POST /3/device/"+apnstest.DemoToken)
	add(strings.Repeat("ab", 32), sender.Result{Response: &sender.Response{Status: 410, Reason: "Unregistered", Timestamp: at, Duration: 2 * time.Millisecond}},
		"POST /3/device/"+strings.Repeat("ab", 32), `body (61 bytes): {"aps":{"alert":"Hello from APNs Console","sound":"default"},"a-long-key":"`+strings.Repeat("long value ", 12)+`"}`)
	add(strings.Repeat("cd", 32), sender.Result{Err: sender.ErrConnect}, "dial 127.0.0.1:9")
}

// Defect 10: secondary text (hints, the target line, the log's story)
// uses theme colours that read in the light and the dark theme.
func TestSecondaryTextReadsInBothThemes(t *testing.T) {
	a := newTestApp(t)
	for _, th := range []struct {
		name  string
		theme fyne.Theme
	}{{"dark", consoleTheme{fixedVariant{theme.DefaultTheme(), theme.VariantDark}}}, {"light", consoleTheme{fixedVariant{theme.DefaultTheme(), theme.VariantLight}}}} {
		a.Settings().SetTheme(th.theme)
		b := newSendBar(func(*widget.Entry) {})
		b.env.SetSelected(envLocal)
		b.target.SetText("→ 127.0.0.1:2197 (local simulator)")
		b.showMismatch("The simulator uses its demo credential; the Certificate (.p12) you loaded is for Apple's sandbox.", sender.Sandbox)
		w := sectionWindow(t, b.content, 360)
		test.AssertRendersToMarkup(t, "sendbar_"+th.name+".xml", w.Canvas())
		// The pixels too: an unselected radio's outline and the hint
		// colours, which markup names but does not show.
		test.AssertImageMatches(t, "sendbar_"+th.name+".png", w.Canvas().Capture())
	}
}

// Defect 11: About closes with Esc; the collapsed Credential header names
// the credential; counts are in words that agree.
func TestSmallThings(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	if title := c.sections.Items[secCredential].Title; !strings.Contains(title, apnstest.DemoBundleID) {
		t.Errorf("Credential header %q, want the credential named", title)
	}
	c.showAbout()
	if len(c.win.Canvas().Overlays().List()) != 1 {
		t.Fatal("About did not open")
	}
	c.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if len(c.win.Canvas().Overlays().List()) != 0 {
		t.Error("Esc did not close About")
	}
	c.log.Add(sender.EventInfo, toneNormal, "one")
	h.waitFor("the row", func() bool { return c.log.count.Text != "· every send tells its story here" })
	if c.log.count.Text != "· 1 row" {
		t.Errorf("count = %q, want · 1 row", c.log.count.Text)
	}
}

// Custom target: a `serve` elsewhere, by host:port and CA file, with the
// credential the user loaded.
func TestCustomTargetSendsToAServerByHostAndCA(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	dir, remote := demoFiles(t)
	c.cred.p12Path.SetText(filepath.Join(dir, apnstest.FileDemoP12))
	c.cred.p12Password.SetText(apnstest.DemoP12Password)
	test.Tap(c.cred.loadBtn)
	h.waitFor("the .p12 to load", func() bool { return c.cred.creds[credential.KindP12] != nil })

	c.bar.env.SetSelected(envCustom)
	if !c.bar.customRow.Visible() || !c.bar.sendBtn.Disabled() || !strings.Contains(c.bar.problem.Text, "host:port") {
		t.Errorf("Custom without a host: row visible %v, Send disabled %v, problem %q", c.bar.customRow.Visible(), c.bar.sendBtn.Disabled(), c.bar.problem.Text)
	}
	c.bar.customHost.SetText("192.168.1.20:2197")
	c.bar.customCA.SetText("/etc/apns/ca.pem")
	assertObjectMarkup(t, "custom_target.xml", c.bar.customRow, 80)
	c.win.Resize(DefaultSize)

	c.bar.customHost.SetText(remote.Addr)
	c.bar.customCA.SetText(filepath.Join(dir, apnstest.FileCA))
	if c.bar.sendBtn.Disabled() {
		t.Fatalf("Send is off with a custom host and CA: %s", c.bar.problem.Text)
	}
	h.sendAndWait()
	if n := len(remote.Accepted()); n != 1 {
		t.Fatalf("the custom server accepted %d notifications, want 1\n%s", n, h.logText())
	}
	h.waitForLog("custom server", "200 OK")
}

// Local outcomes: the simulator answers the next send as chosen, then
// normally again.
func TestLocalOutcomesAnswerTheNextSend(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	want := map[string]string{
		"Unregistered":   "410 Unregistered",
		"BadDeviceToken": "400 BadDeviceToken",
		// Retried as Apple advises, and answered so every time.
		"TooManyRequests":     "429 TooManyRequests · 3 attempts",
		"InternalServerError": "500 InternalServerError · 3 attempts",
		// A GOAWAY ends the connection, not the send: the client
		// reconnects and the notification is answered on the new one.
		"GOAWAY (Shutdown)": "200 OK",
	}
	for _, choice := range outcomeChoices[1:] {
		reason := strings.TrimPrefix(choice, "Next: ")
		c.bar.outcome.SetSelected(choice)
		h.sendAndWait()
		last := h.lastRow()
		if reason == "GOAWAY (Shutdown)" {
			if last.Status != want[reason] || !slices.ContainsFunc(last.Story, func(l string) bool { return strings.Contains(l, "APNs closed the connection: Shutdown; reconnected") }) {
				t.Errorf("%s: last row %q, want %q with the reconnect in its story:\n%s", reason, last.Status, want[reason], strings.Join(last.Story, "\n"))
			}
		} else if last.Status != want[reason] || last.Tone != toneFailure {
			t.Errorf("%s: last row %q (tone %d), want %q as a failure", reason, last.Status, last.Tone, want[reason])
		}
		if c.bar.outcome.Selected != outcomeNormal {
			t.Errorf("after the send the outcome is %q, want it back to normal", c.bar.outcome.Selected)
		}
	}
	h.sendAndWait()
	if last := h.lastRow(); last.Status != "200 OK" {
		t.Errorf("the send after the outcomes: %q, want 200 OK", last.Status)
	}

	// The rows as drawn (see drawRows).
	w := drawRows(t, c, -1)
	test.AssertRendersToMarkup(t, "log_outcomes.xml", w.Canvas())
}

// lastRow waits for the newest row to be finished and returns a copy.
func (h *harness) lastRow() logEntry {
	h.t.Helper()
	var e logEntry
	h.waitFor("the last row", func() bool {
		h.c.log.mu.Lock()
		defer h.c.log.mu.Unlock()
		n := h.c.log.rows.len()
		if n == 0 {
			return false
		}
		e = *h.c.log.rows.at(n - 1)
		return e.Status != ""
	})
	return e
}

// History: the last sends come back on the next launch, without secrets;
// Clear history empties it.
func TestHistoryComesBackAfterARestart(t *testing.T) {
	a := newTestApp(t)
	q := &uiQueue{}
	c := New(a, "test", func(c *Console) { c.do = q.do })
	h := &harness{t: t, c: c, q: q}
	h.simulator()
	c.cred.choose(credential.KindP8) // a JWT goes on the wire: it must not be kept
	h.sendAndWait()
	h.waitForLog("200 OK")
	c.Close()

	q2 := &uiQueue{}
	c2 := New(a, "test", func(c *Console) { c.do = q2.do })
	t.Cleanup(c2.Close)
	h2 := &harness{t: t, c: c2, q: q2}
	h2.waitForLog("200 OK", "POST /3/device/"+apnstest.DemoToken)
	if log := h2.logText(); strings.Contains(strings.ToLower(log), "bearer ey") {
		t.Errorf("the history holds a JWT:\n%s", log)
	}
	data, err := os.ReadFile(c2.log.history.path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "eyJ") || strings.Contains(string(data), "PRIVATE KEY") {
		t.Error("the history file holds a secret")
	}
	if fi, _ := os.Stat(c2.log.history.path); fi.Mode().Perm() != 0o600 {
		t.Errorf("history file mode %v, want 0600", fi.Mode().Perm())
	}
	c2.log.Clear()
	if _, err := os.Stat(c2.log.history.path); !os.IsNotExist(err) {
		t.Errorf("history file still there after Clear history: %v", err)
	}
}

// fixedVariant draws a theme in one variant whatever the settings say, as
// the deprecated theme.DarkTheme and theme.LightTheme did.
type fixedVariant struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t fixedVariant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}
