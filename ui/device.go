package ui

import (
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// deviceSection is the Device section: the device tokens, one per line
// (or full tokens separated by commas or semicolons), each cleaned and
// diagnosed on its own. It tells the console through changed.
//
// A long list (a QA paste of 10,000 or 100,000 tokens, or a document's)
// does not go into the field: Fyne's entry lays out its whole text on
// every change, a second for 3,000 lines. It is kept as text, read on a
// goroutine, and listed under the field in a virtualised list (only the
// rows in view are built); the field then replaces it on the next paste
// or keystroke.
type deviceSection struct {
	tokens  *formEntry
	status  *widget.Label
	list    *tokenList
	clear   *widget.Button
	bulkBox *fyne.Container // the list and its Clear button, shown for a long list
	content fyne.CanvasObject
	changed func()
	// do hands a background read's result to the UI goroutine (fyne.Do);
	// nil reads every list on the calling goroutine (tests of the section).
	do func(func())

	read    tokenRead // the tokens as last read
	reading bool      // a read is under way in the background
	gen     int       // the latest read: older results are dropped
	bulk    string    // the long list shown in the list, "" when the field holds the tokens
	quiet   bool      // the field is being emptied for a long list: not a change
	rows    int       // lines the field shows
	print   uint64    // the text's hash: see fingerprint
}

// printSeed seeds the tokens' fingerprints (within one run).
var printSeed = maphash.MakeSeed()

// fingerprint stands for the tokens in a snapshot of the form: equal
// texts, equal fingerprints, at no cost per keystroke.
func (s *deviceSection) fingerprint() string { return strconv.FormatUint(s.print, 16) }

// bulkLines: a paste or a document with more lines than this is listed
// under the field rather than typed into it.
const bulkLines = 200

// backgroundBytes: text longer than this is read on a goroutine.
const backgroundBytes = 32 << 10

const tokensPlaceholder = "paste tokens, one per line: hex, <…> from Xcode's console, with spaces or colons"

func newDeviceSection() *deviceSection {
	s := &deviceSection{changed: func() {}}
	s.tokens = newFormEntry(tokensPlaceholder, 2)
	s.tokens.TextStyle.Monospace = true
	s.tokens.Wrapping = fyne.TextWrapOff // a token is one line; the field scrolls sideways
	s.tokens.homeAfterPaste = true       // …and back after a paste, to show the lines' start
	s.tokens.pasted = s.paste
	s.tokens.SetMinRowsVisible(3)
	s.tokens.OnChanged = func(text string) {
		if s.quiet {
			return
		}
		if s.bulk != "" {
			s.leaveBulk() // typing or a short paste replaces the long list
		}
		s.fit(text)
		s.start(text)
	}
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.list = newTokenList(func() []tokenLine { return s.read.lines })
	s.clear = widget.NewButtonWithIcon("Clear tokens", theme.ContentClearIcon(), func() { s.setText("") })
	s.bulkBox = container.NewBorder(nil, nil, nil, container.NewVBox(s.clear), s.list.content)
	s.bulkBox.Hide()
	s.content = widget.NewForm(
		widget.NewFormItem("Tokens", container.NewVBox(s.tokens, s.bulkBox)),
		widget.NewFormItem("", s.status),
	)
	s.start("")
	return s
}

// fit grows the field with the list, up to 8 lines, with a line to spare
// for the sideways scroll bar; past that it scrolls.
func (s *deviceSection) fit(text string) {
	if rows := min(max(strings.Count(text, "\n")+2, 3), 8); rows != s.rows {
		s.rows = rows
		s.tokens.SetMinRowsVisible(rows)
	}
}

// text is the tokens as the user gave them: the field's, or the long list.
func (s *deviceSection) text() string {
	if s.bulk != "" {
		return s.bulk
	}
	return s.tokens.Text
}

// setText shows text: in the field, or as a long list under it.
func (s *deviceSection) setText(text string) {
	if lineCount(text) > bulkLines {
		s.enterBulk(text)
		return
	}
	if s.bulk != "" {
		s.leaveBulk()
		if text == "" {
			s.fit("")
			s.start("") // the field is empty already: no change to tell
			return
		}
	}
	s.tokens.SetText(text)
}

// paste takes a paste into the field; a long one becomes the list (what
// the field held and is not selected comes first). It reports whether it
// took the paste.
func (s *deviceSection) paste(clip string) bool {
	if lineCount(clip) <= bulkLines && s.bulk == "" {
		return false
	}
	text := clip
	if old := s.tokens.Text; old != "" && s.tokens.SelectedText() != old {
		text = strings.TrimRight(old, "\n") + "\n" + clip
	}
	if lineCount(text) <= bulkLines {
		return false // a short paste replaces the long list in the field
	}
	s.enterBulk(text)
	return true
}

func (s *deviceSection) enterBulk(text string) {
	s.bulk = text
	s.quiet = true
	s.tokens.SetText("")
	s.quiet = false
	s.tokens.SetPlaceHolder(fmt.Sprintf("%d lines, listed below · paste here to replace", lineCount(text)))
	s.fit("")
	s.bulkBox.Show()
	s.content.Refresh() // the form lays out the list it now shows
	s.start(text)
}

func (s *deviceSection) leaveBulk() {
	s.bulk = ""
	s.tokens.SetPlaceHolder(tokensPlaceholder)
	s.bulkBox.Hide()
	s.content.Refresh()
}

// lineCount is the number of lines of text, a last line without a
// newline counted.
func lineCount(text string) int {
	n := strings.Count(text, "\n")
	if text != "" && !strings.HasSuffix(text, "\n") {
		n++
	}
	return n
}

// start reads text: at once when short, else on a goroutine, the result
// coming back through do; meanwhile the section says it is reading and
// Send waits.
func (s *deviceSection) start(text string) {
	s.gen++
	gen := s.gen
	s.print = maphash.String(printSeed, text)
	if s.do == nil || len(text) < backgroundBytes {
		s.apply(readTokens(text))
		return
	}
	s.reading = true
	s.status.Importance = widget.MediumImportance
	s.status.SetText(fmt.Sprintf("Reading %d lines…", lineCount(text)))
	s.changed()
	go func() {
		r := readTokens(text)
		s.do(func() {
			if gen == s.gen {
				s.apply(r)
			}
		})
		// Reading 100,000 lines makes tens of megabytes of garbage (the
		// lines, the map of tokens seen): give it back to the system
		// rather than keep it as resident memory.
		time.AfterFunc(time.Second, releaseMemory)
	}()
}

// apply shows a read: the diagnosis, the list, and tells the console.
func (s *deviceSection) apply(r tokenRead) {
	s.read, s.reading = r, false
	s.status.Importance = r.imp
	s.status.SetText(r.diagnose)
	s.list.refresh()
	s.changed()
}

// headline counts the tokens for the section's header, so it still says
// it when collapsed.
func (s *deviceSection) headline() string {
	good, bad := s.read.good, s.read.refused
	switch {
	case s.reading:
		return "Device · reading…"
	case good == 0 && bad == 0:
		return "Device"
	case bad == 0:
		return "Device · " + plural(good, "token") + " ✓"
	}
	return fmt.Sprintf("Device · %s ✓ · %d refused", plural(good, "token"), bad)
}

// count is how many tokens a send goes to.
func (s *deviceSection) count() int { return s.read.good }

// valid is every token to send to, once each, in the order given.
func (s *deviceSection) valid() []tokenLine {
	out := make([]tokenLine, 0, s.read.good)
	for _, t := range s.read.lines {
		if t.Err == nil && t.Dup == 0 {
			out = append(out, t)
		}
	}
	return out
}

// first is the first token to send to.
func (s *deviceSection) first() (tokenLine, bool) {
	for _, t := range s.read.lines {
		if t.Err == nil && t.Dup == 0 {
			return t, true
		}
	}
	return tokenLine{}, false
}

// refused is every line that will not be sent, with its reason.
func (s *deviceSection) refused() []tokenLine {
	var out []tokenLine
	for _, t := range s.read.lines {
		if t.Err != nil {
			out = append(out, t)
		}
	}
	return out
}

// problem says why no send can go, if so.
func (s *deviceSection) problem() error {
	lines := s.read.lines
	switch {
	case s.reading:
		return fmt.Errorf("the tokens are still being read: a moment")
	case len(lines) == 0:
		return fmt.Errorf("no device token: paste the token your app received in didRegisterForRemoteNotificationsWithDeviceToken")
	case s.read.good > 0:
		return nil
	case len(lines) == 1:
		return fmt.Errorf("device token: %w", lines[0].Err)
	}
	return fmt.Errorf("none of the %d device tokens can be used: see the Device section", len(lines))
}
