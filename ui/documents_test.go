package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"apnsconsole/sender/document"
)

func writeFile(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Documents: a dropped .apns fills the form, the title names it and marks
// unsaved changes, opening another asks first, Save As writes a console
// document that opens back as it was, and a bad file is explained.
func TestDocumentsOpenSaveAndAskBeforeLosingWork(t *testing.T) {
	h := newHarness(t)
	c := h.c
	var asked int
	var shown []error
	c.doc.confirm = func(func()) { asked++ } // the user cancels
	c.doc.showError = func(err error) { shown = append(shown, err) }
	dir := t.TempDir()
	apns := writeFile(t, dir, "hello.apns", `{"Simulator Target Bundle":"com.example.app",
  "aps":{"alert":{"title":"Game","subtitle":"Round 3","body":"Your turn"},"badge":3,"sound":"ping.aiff","category":"MOVE"},
  "game":{"id":42}}`)

	c.Drop([]fyne.URI{storage.NewFileURI(apns)})
	if c.note.body.Text != "Your turn" || c.note.title.Text != "Game" || c.note.subtitle.Text != "Round 3" ||
		c.note.badge.Text != "3" || c.note.sound.Text != "ping.aiff" || c.note.topic.Text != "com.example.app" {
		t.Errorf("fields: body %q title %q subtitle %q badge %q sound %q topic %q", c.note.body.Text, c.note.title.Text,
			c.note.subtitle.Text, c.note.badge.Text, c.note.sound.Text, c.note.topic.Text)
	}
	if want := `{"aps":{"category":"MOVE"},"game":{"id":42}}`; c.adv.custom.Text != want {
		t.Errorf("custom JSON %q, want %q", c.adv.custom.Text, want)
	}
	if got := c.win.Title(); got != "hello.apns — APNs Console" {
		t.Errorf("title %q", got)
	}
	assertObjectMarkup(t, "document_apns_opened.xml", c.note.content, 400)

	h.typeInto(c.note.body, "Your move")
	if got := c.win.Title(); got != "*hello.apns — APNs Console" {
		t.Errorf("title after an edit %q, want the unsaved mark", got)
	}
	other := writeFile(t, dir, "other.apns", `{"aps":{"alert":"Other"}}`)
	c.OpenDocument(other)
	if asked != 1 || c.note.body.Text != "Your move" {
		t.Errorf("opening over unsaved work: asked %d times, body %q", asked, c.note.body.Text)
	}

	// Save As a console document: private, no secret, opens back.
	saved := filepath.Join(dir, "game.apnsconsole")
	if !c.saveTo(saved) {
		t.Fatalf("save failed: %v", shown)
	}
	if got := c.win.Title(); got != "game.apnsconsole — APNs Console" {
		t.Errorf("title after saving %q", got)
	}
	if fi, err := os.Stat(saved); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("saved document: %v %v", fi, err)
	}
	d, err := document.ReadConsole(saved)
	if err != nil || d.Topic != "com.example.app" || d.Target.Environment != "local" || !strings.Contains(string(d.Payload), `"Your move"`) {
		t.Fatalf("read back: %+v %v", d, err)
	}
	c.OpenDocument(other) // saved: no question
	if asked != 1 || c.note.body.Text != "Other" {
		t.Errorf("after saving: asked %d, body %q", asked, c.note.body.Text)
	}
	c.OpenDocument(saved)
	if c.note.body.Text != "Your move" || c.dirty() {
		t.Errorf("reopened: body %q, dirty %v", c.note.body.Text, c.dirty())
	}
	recent := c.recentMenu().ChildMenu.Items
	if len(recent) != 3 || !strings.HasSuffix(recent[0].Label, "game.apnsconsole") {
		t.Errorf("Open Recent: %d items, first %q", len(recent), recent[0].Label)
	}

	// Save as .apns: the payload and the bundle.
	out := filepath.Join(dir, "out.apns")
	c.saveTo(out)
	f, err := document.ReadAPNs(out)
	if err != nil || f.Bundle != "com.example.app" || !strings.Contains(string(f.Payload), `"Your move"`) {
		t.Errorf("saved .apns: %+v %v", f, err)
	}

	// A bad file: nothing changes, the cause and fix are shown.
	bad := writeFile(t, dir, "bad.apns", `{"aps": [1,`)
	c.OpenDocument(bad)
	var de *document.Error
	if len(shown) != 1 || !errors.As(shown[0], &de) || c.note.body.Text != "Your move" {
		t.Fatalf("bad file: shown %v, body %q", shown, c.note.body.Text)
	}
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(540, 300))
	fileErrorDialog(shown[0], w).Show()
	test.AssertRendersToMarkup(t, "document_bad_file.xml", w.Canvas())
}
