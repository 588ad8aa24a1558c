package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// uiQueue stands in for fyne.Do: background work queues its UI updates
// here and the test goroutine, acting as the UI goroutine, runs them while
// it waits. The widgets are then only ever touched from one goroutine.
type uiQueue struct {
	mu  sync.Mutex
	fns []func()
}

func (q *uiQueue) do(f func()) {
	q.mu.Lock()
	q.fns = append(q.fns, f)
	q.mu.Unlock()
}

func (q *uiQueue) drain() {
	for {
		q.mu.Lock()
		fns := q.fns
		q.fns = nil
		q.mu.Unlock()
		if len(fns) == 0 {
			return
		}
		for _, f := range fns {
			f()
		}
	}
}

// waitQueue runs q's UI work until cond holds (background work such as
// the log's filter queues its result there), failing after a deadline.
func waitQueue(t testing.TB, q *uiQueue, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for q.drain(); !cond(); q.drain() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// harness is a console on a test app, driven like a user would.
type harness struct {
	t testing.TB
	c *Console
	q *uiQueue
}

// newHarness opens a console on a fresh test app: a first launch, so the
// local simulator is selected with its demo credential and token.
func newHarness(t testing.TB) *harness {
	t.Helper()
	a := newTestApp(t)
	q := &uiQueue{}
	c := New(a, "test", func(c *Console) { c.do = q.do })
	t.Cleanup(c.Close)
	c.Window().Resize(DefaultSize)
	c.Window().Show()
	return &harness{t: t, c: c, q: q}
}

// waitFor runs the queued UI work until cond holds, failing after a
// generous deadline (the sends themselves take milliseconds).
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		h.q.drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s\nlog:\n%s", what, strings.Join(h.c.log.Lines(), "\n"))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// simulator waits for the console's local simulator to be up.
func (h *harness) simulator() *apnstest.Server {
	h.t.Helper()
	var sim *apnstest.Server
	h.waitFor("the local simulator", func() bool {
		h.c.mu.Lock()
		defer h.c.mu.Unlock()
		if h.c.simErr != nil {
			h.t.Fatalf("simulator: %v", h.c.simErr)
		}
		sim = h.c.sim
		return sim != nil && !h.c.bar.sendBtn.Disabled()
	})
	return sim
}

func (h *harness) logText() string { return strings.Join(h.c.log.Lines(), "\n") }

// waitForLog waits until the log holds every one of parts.
func (h *harness) waitForLog(parts ...string) {
	h.t.Helper()
	h.waitFor(fmt.Sprintf("the log to show %q", parts), func() bool {
		log := h.logText()
		for _, p := range parts {
			if !strings.Contains(log, p) {
				return false
			}
		}
		return true
	})
}

func (h *harness) typeInto(e interface {
	fyne.Focusable
	SetText(string)
}, text string) {
	e.SetText("")
	test.Type(e, text)
}

// sendAndWait presses Send and waits for the send to finish.
func (h *harness) sendAndWait() {
	h.t.Helper()
	test.Tap(h.c.bar.sendBtn)
	h.waitFor("the send to finish", func() bool { return !h.c.sending })
}

// demoFiles writes a simulator's demo credentials to a temporary folder.
func demoFiles(t *testing.T) (dir string, sim *apnstest.Server) {
	t.Helper()
	sim = apnstest.NewServer()
	t.Cleanup(sim.Close)
	dir = t.TempDir()
	if err := sim.Demo.WriteFiles(dir, sim.Authority); err != nil {
		t.Fatal(err)
	}
	return dir, sim
}

func TestFirstLaunchIsReadyToSendToTheSimulator(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	if c.Window().Title() != "APNs Console" {
		t.Errorf("title = %q", c.Window().Title())
	}
	if c.bar.env.Selected != envLocal {
		t.Errorf("environment = %q, want %q on a first launch", c.bar.env.Selected, envLocal)
	}
	if c.dev.tokens.Text != apnstest.DemoToken {
		t.Errorf("token = %q, want the demo token", c.dev.tokens.Text)
	}
	if !strings.Contains(c.cred.summary.Text, "Simulator demo") || !strings.Contains(c.cred.summary.Text, apnstest.DemoBundleID) {
		t.Errorf("credential summary = %q, want the simulator's demo certificate", c.cred.summary.Text)
	}
	if !strings.Contains(c.bar.target.Text(), "127.0.0.1:") {
		t.Errorf("target = %q, want the simulator's address", c.bar.target.Text())
	}
	if c.sections.Items[3].Open {
		t.Error("Advanced is open on launch, want it collapsed")
	}
}

func TestTokenFieldSaysWhatItUnderstood(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c

	h.typeInto(c.dev.tokens, "<740f4707 bebcf74f 9b7c25d4 8e335894 5f6aa01d a5ddb387 462c7eaf 61bb78ad>")
	if want := "32-byte token ✓ · cleaned to " + apnstest.DemoToken; c.dev.status.Text != want {
		t.Errorf("token status = %q, want %q", c.dev.status.Text, want)
	}
	if c.bar.sendBtn.Disabled() {
		t.Errorf("Send is disabled for a good token: %s", c.bar.problem.Text)
	}

	// iOS 13's description elides the middle bytes: refused, with the fix.
	h.typeInto(c.dev.tokens, "{length = 32, bytes = 0x740f4707 bebcf74f 9b7c25d4 ... 462c7eaf 61bb78ad }")
	_, err := sender.ParseToken(c.dev.tokens.Text)
	if err == nil {
		t.Fatal("the sender accepts an elided token; this test needs one it refuses")
	}
	if c.dev.status.Text != err.Error() {
		t.Errorf("token status = %q, want the sender's explanation %q", c.dev.status.Text, err.Error())
	}
	if !c.bar.sendBtn.Disabled() {
		t.Error("Send is enabled with a token that can't be used")
	}
	if !strings.Contains(c.bar.problem.Text, "device token") || !strings.Contains(c.bar.problem.Text, "(see Device)") {
		t.Errorf("reason next to Send = %q, want the token problem in short", c.bar.problem.Text)
	}

	h.typeInto(c.dev.tokens, strings.Repeat("ab", 80))
	if !strings.HasPrefix(c.dev.status.Text, "80-byte token ⚠") || !strings.Contains(c.dev.status.Text, "Simulator") {
		t.Errorf("token status for 80 bytes = %q, want the Simulator-token warning", c.dev.status.Text)
	}
	if c.bar.sendBtn.Disabled() {
		t.Error("Send is disabled for an 80-byte token, which is legal")
	}
}

func TestLoadsCertificateAndTokenKeyAndShowsTheSummary(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	dir, _ := demoFiles(t)

	// A .p12 with the wrong password: the error names the cause.
	c.cred.kind.SetSelected(kindP12Choice)
	c.cred.p12Path.SetText(filepath.Join(dir, apnstest.FileDemoP12))
	h.typeInto(c.cred.p12Password, "wrong")
	test.Tap(c.cred.loadBtn)
	h.waitFor("the wrong-password error", func() bool { return c.cred.errs[credential.KindP12] != "" })
	if !strings.Contains(strings.ToLower(c.cred.summary.Text), "password") {
		t.Errorf("summary after a wrong password = %q, want it to name the password", c.cred.summary.Text)
	}

	// The right password: loaded. The environment stays the user's
	// choice (Local); next to Send, a one-click switch to the one the
	// certificate is for.
	h.typeInto(c.cred.p12Password, apnstest.DemoP12Password)
	test.Tap(c.cred.loadBtn)
	h.waitFor("the .p12 to load", func() bool { return c.cred.creds[credential.KindP12] != nil })
	if c.bar.env.Selected != envLocal {
		t.Errorf("environment after loading a certificate = %q, want it left at %q", c.bar.env.Selected, envLocal)
	}
	if !c.bar.mismatchRow.Visible() || c.bar.switchBtn.Text != "Switch to "+envSandbox {
		t.Errorf("mismatch row visible %v, button %q; want a switch to Sandbox", c.bar.mismatchRow.Visible(), c.bar.switchBtn.Text)
	}
	test.Tap(c.bar.switchBtn)
	if c.bar.env.Selected != envSandbox || c.bar.mismatchRow.Visible() {
		t.Errorf("after the switch: environment %q, mismatch visible %v", c.bar.env.Selected, c.bar.mismatchRow.Visible())
	}
	for _, want := range []string{apnstest.DemoBundleID, "3 topics", "sandbox + production", "expires "} {
		if !strings.Contains(c.cred.summary.Text, want) {
			t.Errorf("summary = %q, want %q in it", c.cred.summary.Text, want)
		}
	}
	if got := c.note.topicOptions; len(got) != 3 || got[0] != apnstest.DemoBundleID {
		t.Errorf("topic choices = %q, want the certificate's 3 topics", got)
	}
	if !strings.Contains(c.bar.target.Text(), "api.sandbox.push.apple.com:443") {
		t.Errorf("target = %q, want Apple's sandbox host", c.bar.target.Text())
	}

	// The .p8: dropped onto the window, the Key ID comes from its name.
	c.Drop([]fyne.URI{storage.NewFileURI(filepath.Join(dir, apnstest.FileDemoP8))})
	if c.cred.kind.Selected != kindP8Choice || c.cred.keyID.Text != apnstest.DemoKeyID {
		t.Fatalf("after dropping the .p8: kind %q, Key ID %q; want %q and %q", c.cred.kind.Selected, c.cred.keyID.Text, kindP8Choice, apnstest.DemoKeyID)
	}
	h.waitFor("the Team ID error", func() bool { return c.cred.errs[credential.KindP8] != "" })
	if !strings.Contains(c.cred.summary.Text, "Team ID") {
		t.Errorf("summary without a Team ID = %q, want it to ask for the Team ID", c.cred.summary.Text)
	}
	h.typeInto(c.cred.teamID, apnstest.DemoTeamID)
	test.Tap(c.cred.loadBtn)
	h.waitFor("the .p8 to load", func() bool { return c.cred.creds[credential.KindP8] != nil })
	if want := "Token key " + apnstest.DemoKeyID + " · team " + apnstest.DemoTeamID; !strings.HasPrefix(c.cred.summary.Text, want) {
		t.Errorf("summary = %q, want it to start with %q", c.cred.summary.Text, want)
	}
	// A token key has no default topic: Send says so until one is typed.
	if !c.bar.sendBtn.Disabled() || !strings.Contains(c.bar.problem.Text, "topic") {
		t.Errorf("with a .p8 and no topic: Send disabled %v, reason %q; want disabled asking for a topic", c.bar.sendBtn.Disabled(), c.bar.problem.Text)
	}
	h.typeInto(c.note.topic, apnstest.DemoBundleID)
	if c.bar.sendBtn.Disabled() {
		t.Errorf("Send is disabled with a .p8 and a topic: %s", c.bar.problem.Text)
	}

	// Switching back to the certificate shows its summary again.
	c.cred.kind.SetSelected(kindP12Choice)
	if !strings.Contains(c.cred.summary.Text, apnstest.DemoBundleID) {
		t.Errorf("summary back on the .p12 = %q", c.cred.summary.Text)
	}
}

func TestSendToSimulatorLogsTheRoundTrip(t *testing.T) {
	h := newHarness(t)
	sim := h.simulator()
	c := h.c

	test.Tap(c.bar.sendBtn)
	if c.bar.sendBtn.Text != "Sending…" || !c.bar.sendBtn.Disabled() {
		t.Errorf("while sending: button %q disabled %v; want Sending…, disabled",
			c.bar.sendBtn.Text, c.bar.sendBtn.Disabled())
	}
	h.waitFor("the send to finish", func() bool { return !c.sending })
	if c.bar.sendBtn.Text != "Send" || c.bar.sendBtn.Disabled() {
		t.Errorf("after the send: button %q disabled %v", c.bar.sendBtn.Text, c.bar.sendBtn.Disabled())
	}
	accepted := sim.Accepted()
	if len(accepted) != 1 {
		t.Fatalf("simulator accepted %d notifications, want 1", len(accepted))
	}
	a := accepted[0]
	h.waitForLog("Send 1 → "+sim.Addr+" (local simulator)", "TLS", "POST /3/device/"+apnstest.DemoToken, "200 OK", "apns-id "+a.ApnsID)
	if !strings.Contains(string(a.Payload), demoBody) {
		t.Errorf("payload = %s, want the demo alert", a.Payload)
	}

	// Ctrl/Cmd+Enter is the File menu's Send item: the same send, on the
	// same connection.
	item := findMenuItem(t, c.Window().MainMenu(), sendShortcut)
	item.Action()
	h.waitFor("the second send to finish", func() bool { return !c.sending })
	h.waitForLog("Send 2 →", "Reusing the connection")
	if n := len(sim.Accepted()); n != 2 {
		t.Fatalf("simulator accepted %d notifications, want 2", n)
	}
	c.mu.Lock()
	handshakes := c.client.Handshakes()
	c.mu.Unlock()
	if handshakes != 1 {
		t.Errorf("%d TLS handshakes for 2 sends, want 1", handshakes)
	}
}

func findMenuItem(t *testing.T, m *fyne.MainMenu, sc fyne.Shortcut) *fyne.MenuItem {
	t.Helper()
	for _, menu := range m.Items {
		for _, it := range menu.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == sc.ShortcutName() {
				return it
			}
		}
	}
	t.Fatalf("no menu item has the shortcut %s", sc.ShortcutName())
	return nil
}

func TestRejectedSendShowsTheReasonAndItsExplanation(t *testing.T) {
	h := newHarness(t)
	sim := h.simulator()
	since := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	sim.Unregister(apnstest.DemoToken, since)

	h.sendAndWait()
	reason, _ := sender.LookupReason("Unregistered")
	h.waitForLog("410 Unregistered", reason.Description, reason.Hint, since.Format(time.RFC3339))
	var failure bool
	h.c.log.mu.Lock()
	for i := 0; i < h.c.log.rows.len(); i++ {
		e := h.c.log.rows.at(i)
		if e.Status == "410 Unregistered" {
			failure = e.Tone == toneFailure
		}
	}
	h.c.log.mu.Unlock()
	if !failure {
		t.Error("the 410 row is not shown as a failure")
	}
	// The story pane tells the reason and its hint once each.
	h.waitFor("the row selected", func() bool { return h.c.log.selected != nil })
	story := h.c.log.shown
	if n := strings.Count(story, reason.Hint); n != 1 {
		t.Errorf("the story tells the hint %d times, want once:\n%s", n, story)
	}
	if n := strings.Count(story, reason.Description); n != 1 {
		t.Errorf("the story tells the reason %d times, want once:\n%s", n, story)
	}
}

func TestTokenKeySendsToSimulatorWithItsDemoKey(t *testing.T) {
	h := newHarness(t)
	sim := h.simulator()
	h.c.cred.kind.SetSelected(kindP8Choice)
	if !strings.Contains(h.c.cred.summary.Text, "Token key "+apnstest.DemoKeyID) {
		t.Errorf("summary = %q, want the simulator's demo key", h.c.cred.summary.Text)
	}
	h.sendAndWait()
	h.waitForLog("200 OK", "authorization: bearer <provider token, not shown>")
	if got := sim.Accepted(); len(got) != 1 || got[0].Topic != apnstest.DemoBundleID {
		t.Fatalf("accepted %+v, want one notification for %s", got, apnstest.DemoBundleID)
	}
}

func TestInvalidCustomPayloadDisablesSendWithTheReason(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	c.sections.Open(3)

	h.typeInto(c.adv.custom, `{"aps": {"category": "MESSAGE"}, "chat-id": `)
	if !c.bar.sendBtn.Disabled() {
		t.Error("Send is enabled with invalid custom JSON")
	}
	if c.bar.problem.Text != "Send is off: the payload is not valid (see Payload)" {
		t.Errorf("reason next to Send = %q, want the payload problem", c.bar.problem.Text)
	}
	if !strings.HasPrefix(c.pview.status.Text, "✗") {
		t.Errorf("payload status = %q, want it marked invalid", c.pview.status.Text)
	}
	// Send does nothing while the form is invalid (the shortcut included).
	c.Send()
	if c.sending {
		t.Fatal("Send started with an invalid payload")
	}

	h.typeInto(c.adv.custom, `{"aps": {"category": "MESSAGE"}, "chat-id": 42}`)
	if c.bar.sendBtn.Disabled() {
		t.Errorf("Send is disabled with valid custom JSON: %s", c.bar.problem.Text)
	}
	p, err := c.payload()
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("✓ valid · %d / 4096 bytes", len(p)); c.pview.status.Text != want {
		t.Errorf("payload status = %q, want %q", c.pview.status.Text, want)
	}

	// Too large for an alert, small enough for VoIP (5120 bytes).
	c.adv.custom.SetText(`{"blob": "` + strings.Repeat("x", 4500) + `"}`)
	if !c.bar.sendBtn.Disabled() || !strings.Contains(c.pview.status.Text, "/ 4096 bytes") {
		t.Errorf("4.5 KB alert: Send disabled %v, status %q; want disabled and the byte count", c.bar.sendBtn.Disabled(), c.pview.status.Text)
	}
	c.note.pushType.SetSelected(string(sender.PushVoIP))
	if c.bar.sendBtn.Disabled() || !strings.Contains(c.pview.status.Text, "/ 5120 bytes") {
		t.Errorf("4.5 KB VoIP: Send disabled %v (%s), status %q; want enabled against 5120 bytes", c.bar.sendBtn.Disabled(), c.bar.problem.Text, c.pview.status.Text)
	}
}
