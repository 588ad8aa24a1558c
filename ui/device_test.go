package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// A long paste (here 300 lines, one bad) is listed under the field, row
// by row, with its diagnosis; the field says so and is ready for the
// next paste; Clear tokens empties both, as drawn.
func TestLongPasteIsListedUnderTheField(t *testing.T) {
	a := newTestApp(t)
	s := newDeviceSection()
	w := sectionWindow(t, s.content, 420)
	w.Canvas().Focus(s.tokens)
	var b strings.Builder
	for i := range 300 {
		if i == 1 {
			b.WriteString("not a token\n")
			continue
		}
		fmt.Fprintf(&b, "%064x\n", i+1)
	}
	a.Clipboard().SetContent(b.String())
	s.tokens.TypedShortcut(&fyne.ShortcutPaste{Clipboard: a.Clipboard()})
	if s.tokens.Text != "" || s.bulk == "" || !s.bulkBox.Visible() {
		t.Fatalf("after a 300-line paste: field %d bytes, list shown %v", len(s.tokens.Text), s.bulkBox.Visible())
	}
	if s.count() != 299 || !strings.HasPrefix(s.status.Text, "299 tokens ✓ · line 2: ") {
		t.Errorf("%d tokens, diagnosis %q", s.count(), s.status.Text)
	}
	test.AssertRendersToMarkup(t, "tokens_bulk.xml", w.Canvas())
	if s.text() != b.String() {
		t.Error("the list's text is not the paste")
	}
	test.Tap(s.clear)
	if s.count() != 0 || s.bulkBox.Visible() || s.text() != "" {
		t.Errorf("after Clear tokens: %d tokens, list shown %v", s.count(), s.bulkBox.Visible())
	}
	// A short paste goes into the field as before.
	a.Clipboard().SetContent("740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad")
	s.tokens.TypedShortcut(&fyne.ShortcutPaste{Clipboard: a.Clipboard()})
	if s.tokens.Text == "" || s.count() != 1 {
		t.Errorf("a one-token paste: field %q, %d tokens", s.tokens.Text, s.count())
	}
}
