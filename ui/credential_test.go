package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
	"apnsconsole/sender/document"
)

// A .p8 that loads as its Team ID is typed writes one log line, as a
// load with the button does.
func TestTokenKeyLoadedByTypingIsLoggedOnce(t *testing.T) {
	h := newHarness(t)
	c := h.c
	dir, _ := demoFiles(t)
	c.Drop([]fyne.URI{storage.NewFileURI(filepath.Join(dir, apnstest.FileDemoP8))})
	h.waitFor("the Team ID error", func() bool { return c.cred.errs[credential.KindP8] != "" })
	h.typeInto(c.cred.teamID, apnstest.DemoTeamID)
	h.waitFor("the .p8 to load", func() bool { return c.cred.creds[credential.KindP8] != nil })
	h.waitForLog("Loaded token key (.p8)")
	if n := strings.Count(h.logText(), "Loaded token key (.p8)"); n != 1 {
		t.Errorf("%d log lines for the .p8's load, want 1:\n%s", n, h.logText())
	}
	// A token key works for both of Apple's environments: the note next
	// to Send does not say it is "for sandbox".
	if want := "is for Apple's sandbox and production."; !strings.Contains(c.bar.mismatch.Text, want) {
		t.Errorf("next to Send: %q, want it to say %q", c.bar.mismatch.Text, want)
	}
}

// A .p12's password typed once in the session opens it again when a
// document names it: never saved, kept in memory.
func TestP12PasswordIsKeptForTheSession(t *testing.T) {
	h := newHarness(t)
	c := h.c
	dir, _ := demoFiles(t)
	p12 := filepath.Join(dir, apnstest.FileDemoP12)
	c.Drop([]fyne.URI{storage.NewFileURI(p12)})
	h.typeInto(c.cred.p12Password, apnstest.DemoP12Password)
	c.cred.loadChosen()
	h.waitFor("the .p12 to load", func() bool { return c.cred.creds[credential.KindP12] != nil })
	doc := filepath.Join(dir, "with-p12.apnsconsole")
	if !c.saveTo(doc) {
		t.Fatal("save failed")
	}
	if d, err := document.ReadConsole(doc); err != nil || d.Credential.Path != p12 {
		t.Fatalf("the document: %+v, %v", d, err)
	}
	c.cred.p12Password.SetText("")
	delete(c.cred.creds, credential.KindP12)
	c.OpenDocument(doc)
	if c.cred.p12Password.Text != apnstest.DemoP12Password {
		t.Errorf("password field %q after opening the document, want the session's", c.cred.p12Password.Text)
	}
	h.waitFor("the .p12 to load again", func() bool { return c.cred.creds[credential.KindP12] != nil })
}

// A credential's error is said once, in the Credential section; next to
// Send it is only pointed to.
func TestCredentialErrorIsSaidOnce(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	dir, _ := demoFiles(t)
	c.bar.env.SetSelected(envSandbox)
	c.cred.p12Path.SetText(filepath.Join(dir, apnstest.FileDemoP12))
	c.cred.p12Password.SetText("wrong")
	c.cred.loadChosen()
	h.waitFor("the wrong-password error", func() bool { return c.cred.errs[credential.KindP12] != "" })
	if !strings.Contains(strings.ToLower(c.cred.summary.Text), "password") {
		t.Errorf("the section says %q, want the password's problem", c.cred.summary.Text)
	}
	if c.bar.problem.Text != "Send is off: the credential can't be used (see Credential)" {
		t.Errorf("next to Send: %q", c.bar.problem.Text)
	}
	if strings.Contains(strings.ToLower(h.logText()), "password") {
		t.Errorf("the log repeats it:\n%s", h.logText())
	}
}
