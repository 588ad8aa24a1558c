package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

func TestPreferencesKeepFieldsButNeverPasswords(t *testing.T) {
	a := newTestApp(t)
	q := &uiQueue{}
	c := New(a, "test", func(c *Console) { c.do = q.do })
	h := &harness{t: t, c: c, q: q}
	h.simulator()
	dir, _ := demoFiles(t)

	const secret = "s3cret-Pa55"
	c.cred.kind.SetSelected(kindPEMChoice)
	c.cred.certPath.SetText(filepath.Join(dir, apnstest.FileDemoCert))
	c.cred.keyPath.SetText(filepath.Join(dir, apnstest.FileDemoKey))
	h.typeInto(c.cred.keyPassword, secret)
	c.cred.kind.SetSelected(kindP12Choice)
	c.cred.p12Path.SetText(filepath.Join(dir, apnstest.FileDemoP12))
	h.typeInto(c.cred.p12Password, apnstest.DemoP12Password)
	test.Tap(c.cred.loadBtn)
	h.waitFor("the .p12 to load", func() bool { return c.cred.creds[credential.KindP12] != nil })
	h.typeInto(c.note.title, "Order shipped")
	h.typeInto(c.note.badge, "3")
	h.typeInto(c.dev.tokens, "<"+apnstest.DemoToken+">")
	c.Close()

	values := map[string]any{}
	a.Preferences().(interface{ ReadValues(func(map[string]any)) }).ReadValues(func(m map[string]any) {
		for k, v := range m {
			values[k] = v
		}
	})
	for k, v := range values {
		s := fmt.Sprint(v)
		if strings.Contains(s, secret) || s == apnstest.DemoP12Password || strings.Contains(s, "PRIVATE KEY") {
			t.Errorf("preference %q holds a secret: %q", k, s)
		}
	}

	// The next launch comes back as it was left.
	q2 := &uiQueue{}
	c2 := New(a, "test", func(c *Console) { c.do = q2.do })
	t.Cleanup(c2.Close)
	h2 := &harness{t: t, c: c2, q: q2}
	if c2.bar.env.Selected != envLocal || c2.cred.kind.Selected != kindP12Choice {
		t.Errorf("restored environment %q, kind %q; want %q and %q", c2.bar.env.Selected, c2.cred.kind.Selected, envLocal, kindP12Choice)
	}
	if c2.cred.p12Path.Text != c.cred.p12Path.Text || c2.cred.certPath.Text != c.cred.certPath.Text || c2.note.title.Text != "Order shipped" || c2.note.badge.Text != "3" || c2.dev.tokens.Text != c.dev.tokens.Text {
		t.Errorf("fields not restored: p12 %q cert %q title %q badge %q token %q", c2.cred.p12Path.Text, c2.cred.certPath.Text, c2.note.title.Text, c2.note.badge.Text, c2.dev.tokens.Text)
	}
	if c2.cred.p12Password.Text != "" || c2.cred.keyPassword.Text != "" {
		t.Error("a password came back from the preferences")
	}
	// The .p12 needs its password again, and the console says so calmly.
	h2.waitFor("the restored .p12 to ask for its password", func() bool { return c2.cred.errs[credential.KindP12] != "" })
	if !strings.Contains(c2.cred.summary.Text, "type its password") {
		t.Errorf("summary for a restored .p12 = %q, want a request for the password", c2.cred.summary.Text)
	}
}

func TestLogPaneIsBoundedAndCopiesEverything(t *testing.T) {
	a := newTestApp(t)
	q := &uiQueue{}
	p := newLogPane(a, q.do, 0)
	w := test.NewTempWindow(t, p.Content())
	w.Resize(fyne.NewSize(600, 400))
	for i := 0; i < logCapacity+250; i++ {
		p.AddEvent(sender.Event{Kind: sender.EventInfo, Text: fmt.Sprintf("line %d", i)})
	}
	q.drain()
	if p.Len() != logCapacity {
		t.Fatalf("log holds %d rows, want the cap of %d", p.Len(), logCapacity)
	}
	lines := p.Lines()
	if !strings.HasSuffix(lines[0], "line 250") || !strings.HasSuffix(lines[len(lines)-1], fmt.Sprintf("line %d", logCapacity+249)) {
		t.Errorf("kept %q … %q, want the newest rows", lines[0], lines[len(lines)-1])
	}
	if !strings.Contains(p.count.Text, "250 older dropped") {
		t.Errorf("count = %q, want the dropped rows counted", p.count.Text)
	}

	row := p.beginSend("local", apnstest.DemoToken, "Send 1 → 127.0.0.1:1 (local simulator)")
	p.addToRow(row, sender.Event{Kind: sender.EventRequest, Text: "POST /3/device/" + apnstest.DemoToken, Detail: []string{"apns-topic: com.example.demo"}})
	p.finishRow(row, sender.Result{Response: &sender.Response{Status: 410, Reason: "Unregistered", Duration: 3 * time.Millisecond}}, 0)
	q.drain()
	p.list.Select(len(p.view) - 1)
	if !strings.Contains(p.shown, "410 Unregistered") || !strings.Contains(p.shown, "apns-topic: com.example.demo") {
		t.Errorf("selected row shows %q", p.shown)
	}
	test.Tap(p.copyRow)
	if clip := a.Clipboard().Content(); !strings.Contains(clip, "POST /3/device/") || strings.Contains(clip, "line 5249") {
		t.Errorf("Copy row put %q on the clipboard", clip)
	}
	p.CopyAll()
	clip := a.Clipboard().Content()
	if !strings.Contains(clip, "line 5249") || !strings.Contains(clip, "410 Unregistered") {
		t.Errorf("Copy all put %d bytes ending %q on the clipboard", len(clip), clip[max(0, len(clip)-60):])
	}
	p.Clear()
	if p.Len() != 0 || p.selected != nil || p.copyRow.Disabled() == false {
		t.Errorf("after Clear: %d rows, selection %v", p.Len(), p.selected)
	}
}

func TestWorksAtTheSmallestSize(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	min := h.c.Window().Content().MinSize()
	// The Linux menu bar takes about 30 px above the content.
	if min.Width > MinimumSize.Width || min.Height > MinimumSize.Height-30 {
		t.Errorf("content needs %v, more than the %v window", min, MinimumSize)
	}
	h.c.Window().Resize(MinimumSize)
	test.Tap(h.c.bar.sendBtn)
	h.waitFor("the send at 800×600", func() bool { return !h.c.sending })
	h.waitForLog("200 OK")
}

func TestExpiringCertificateIsWarnedAndAnExpiredOneCannotSend(t *testing.T) {
	dir, sim := demoFiles(t)
	notAfter := sim.Demo.Cert.Cert.NotAfter
	now := notAfter.Add(-10*24*time.Hour - time.Hour)
	a := newTestApp(t)
	q := &uiQueue{}
	c := New(a, "test", func(c *Console) { c.do = q.do }, WithClock(func() time.Time { return now }))
	t.Cleanup(c.Close)
	h := &harness{t: t, c: c, q: q}
	h.simulator()

	c.cred.p12Path.SetText(filepath.Join(dir, apnstest.FileDemoP12))
	h.typeInto(c.cred.p12Password, apnstest.DemoP12Password)
	test.Tap(c.cred.loadBtn)
	h.waitFor("the .p12 to load", func() bool { return c.cred.creds[credential.KindP12] != nil })
	test.Tap(c.bar.switchBtn) // to Sandbox, where the loaded certificate is used
	if !c.cred.warning.Visible() || !strings.Contains(c.cred.warning.Text, "expires in 10 days") {
		t.Errorf("warning 10 days before the end = %q (visible %v)", c.cred.warning.Text, c.cred.warning.Visible())
	}
	if c.bar.sendBtn.Disabled() {
		t.Errorf("Send is disabled for a certificate that is still valid: %s", c.bar.problem.Text)
	}

	now = notAfter.Add(time.Hour)
	c.cred.show()
	c.validate()
	if !strings.Contains(c.cred.warning.Text, "expired on") {
		t.Errorf("warning after the end = %q", c.cred.warning.Text)
	}
	if !c.bar.sendBtn.Disabled() || !strings.Contains(c.bar.problem.Text, "expired") {
		t.Errorf("expired certificate: Send disabled %v, reason %q", c.bar.sendBtn.Disabled(), c.bar.problem.Text)
	}
}

// newTestApp is a test app whose storage (the send history) is the
// test's own: Fyne's test storage is the system's temporary folder.
func newTestApp(t testing.TB) fyne.App {
	t.Setenv("TMPDIR", t.TempDir())
	return test.NewTempApp(t)
}
