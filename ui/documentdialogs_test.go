package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender/document"
	"apnsconsole/sender/legacy"
)

// findButton is the button labelled text on the canvas, its overlays
// (dialogs) included; nil if there is none.
func findButton(c fyne.Canvas, text string) *widget.Button {
	var found *widget.Button
	walk := func(o fyne.CanvasObject) {
		test.LaidOutObjects(o) // lays out and renders what is under o
		for _, x := range test.LaidOutObjects(o) {
			if b, ok := x.(*widget.Button); ok && b.Text == text && b.Visible() && found == nil {
				found = b
			}
		}
	}
	for _, o := range c.Overlays().List() {
		walk(o)
	}
	if found == nil && c.Content() != nil {
		walk(c.Content())
	}
	return found
}

// findEntry is the first entry in the top overlay (a dialog).
func findEntry(c fyne.Canvas) *widget.Entry {
	top := c.Overlays().Top()
	if top == nil {
		return nil
	}
	for _, x := range test.LaidOutObjects(top) {
		if e, ok := x.(*widget.Entry); ok {
			return e
		}
	}
	return nil
}

// Closing the window with unsaved changes asks Save / Don't Save /
// Cancel, as drawn; Cancel keeps the window, Save writes the document and
// closes, Don't Save closes.
func TestClosingWithUnsavedChangesAsks(t *testing.T) {
	h := newHarness(t)
	c := h.c
	dir := t.TempDir()
	path := filepath.Join(dir, "work.apnsconsole")
	if !c.saveTo(path) {
		t.Fatal("save failed")
	}
	h.typeInto(c.note.body, "Changed")
	if !strings.HasPrefix(c.win.Title(), "*") {
		t.Fatalf("title %q: no unsaved mark", c.win.Title())
	}
	closed := false
	c.win.SetOnClosed(func() { closed = true })
	c.requestClose()
	cv := c.win.Canvas()
	test.AssertObjectRendersToMarkup(t, "close_unsaved.xml", cv.Overlays().Top())
	test.Tap(findButton(cv, "Cancel"))
	if closed || cv.Overlays().Top() != nil {
		t.Fatalf("Cancel: closed %v, dialog still shown %v", closed, cv.Overlays().Top() != nil)
	}
	c.requestClose()
	test.Tap(findButton(cv, "Save"))
	if !closed {
		t.Error("Save did not close the window")
	}
	d, err := document.ReadConsole(path)
	if err != nil || !strings.Contains(string(d.Payload), "Changed") {
		t.Errorf("Save wrote %+v, %v; want the change", d, err)
	}
}

func TestClosingWithoutSavingCloses(t *testing.T) {
	h := newHarness(t)
	c := h.c
	c.saveTo(filepath.Join(t.TempDir(), "work.apnsconsole"))
	h.typeInto(c.note.body, "Changed")
	closed := false
	c.win.SetOnClosed(func() { closed = true })
	c.requestClose()
	test.Tap(findButton(c.win.Canvas(), "Don't Save"))
	if !closed {
		t.Error("Don't Save did not close the window")
	}
	// Without changes, no question.
	h2 := newHarness(t)
	closed = false
	h2.c.win.SetOnClosed(func() { closed = true })
	h2.c.requestClose()
	if !closed {
		t.Error("a window without changes did not close at once")
	}
}

// Save As takes a full path typed into its path box; a folder that does
// not exist is said in the dialog, which stays, as drawn. Save Payload
// as .apns writes the payload and leaves the window's document (and
// title) as it was.
func TestSaveAsTakesAFullPathAndSaysWhatIsWrong(t *testing.T) {
	h := newHarness(t)
	c := h.c
	dir := t.TempDir()
	cv := c.win.Canvas()

	c.SaveDocumentAs(document.ConsoleExt)
	box := findEntry(cv)
	if box == nil {
		t.Fatal("no path box")
	}
	box.SetText(filepath.Join(dir, "missing", "x.apnsconsole"))
	test.Tap(findButton(cv, "Save"))
	if cv.Overlays().Top() == nil {
		t.Fatal("the dialog went away on a folder that does not exist")
	}
	box.SetText("/nonexistent-folder/x.apnsconsole")
	test.Tap(findButton(cv, "Save"))
	test.AssertObjectRendersToMarkup(t, "save_as_missing_folder.xml", cv.Overlays().Top())

	full := filepath.Join(dir, "typed")
	box.SetText(full)
	test.Tap(findButton(cv, "Save"))
	if _, err := os.Stat(full + document.ConsoleExt); err != nil {
		t.Fatalf("the full path typed was not saved: %v", err)
	}
	title := c.win.Title()
	if title != "typed.apnsconsole — APNs Console" {
		t.Errorf("title %q", title)
	}

	c.SaveDocumentAs(document.APNsExt)
	findEntry(cv).SetText(filepath.Join(dir, "payload.apns"))
	test.Tap(findButton(cv, "Save"))
	if _, err := document.ReadAPNs(filepath.Join(dir, "payload.apns")); err != nil {
		t.Fatalf("payload not exported: %v", err)
	}
	if c.win.Title() != title || c.doc.path != full+document.ConsoleExt {
		t.Errorf("exporting the payload retitled the window: %q, document %q", c.win.Title(), c.doc.path)
	}
}

// A document keeps the binary protocol and its format, and opens with
// them chosen again, as drawn.
func TestDocumentKeepsTheBinaryProtocol(t *testing.T) {
	h := newHarness(t)
	c := h.c
	c.protocol.SetSelected(protoBinary)
	c.format.SetSelected(string(legacy.FormatSimple))
	path := filepath.Join(t.TempDir(), "binary.apnsconsole")
	if !c.saveTo(path) {
		t.Fatal("save failed")
	}
	c.protocol.SetSelected(protoHTTP2)
	if !c.dirty() {
		t.Error("changing the protocol is not an unsaved change")
	}
	c.doc.confirm = func(then func()) { then() } // Don't Save
	c.OpenDocument(path)
	if !c.binary() || c.binaryFormat() != legacy.FormatSimple {
		t.Errorf("reopened: protocol %q, format %q; want the binary protocol, simple", c.protocol.Selected, c.format.Selected)
	}
	if c.dirty() {
		t.Error("the reopened document has unsaved changes")
	}
	c.sections.Open(secAdvanced)
	assertObjectMarkup(t, "document_binary_protocol.xml", c.adv.content, 420)
}
