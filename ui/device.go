package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
)

// deviceSection is the Device section: the device tokens, one per line
// (or full tokens separated by commas or semicolons), each cleaned and
// diagnosed on its own. It tells the console through changed.
type deviceSection struct {
	tokens  *formEntry
	status  *widget.Label
	content fyne.CanvasObject
	changed func()

	parsed []tokenLine // the field as last read
	rows   int         // lines the field shows
}

// tokenLine is one token the user gave: where it was, what it was, and
// either the cleaned token or why it is refused.
type tokenLine struct {
	Line  int    // 1-based line of the field
	Raw   string // as typed, trimmed
	Token string // cleaned hex; "" when refused
	Err   error  // why it is refused
	Warn  string // a likely mistake that does not stop the send
	Dup   int    // the line that already has the same token (sent once), 0 if none
}

func newDeviceSection() *deviceSection {
	s := &deviceSection{changed: func() {}}
	s.tokens = newFormEntry("paste tokens, one per line: hex, <…> from Xcode's console, with spaces or colons", 2)
	s.tokens.TextStyle.Monospace = true
	s.tokens.Wrapping = fyne.TextWrapOff // a token is one line; the field scrolls sideways
	s.tokens.homeAfterPaste = true       // …and back after a paste, to show the lines' start
	s.tokens.SetMinRowsVisible(3)
	s.tokens.OnChanged = func(text string) {
		// The field grows with the list, up to 8 lines, with a line to
		// spare for the sideways scroll bar; past that it scrolls.
		if rows := min(max(strings.Count(text, "\n")+2, 3), 8); rows != s.rows {
			s.rows = rows
			s.tokens.SetMinRowsVisible(rows)
		}
		s.read()
		s.changed()
	}
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.content = widget.NewForm(
		widget.NewFormItem("Tokens", s.tokens),
		widget.NewFormItem("", s.status),
	)
	s.read()
	return s
}

// parseTokens reads the field: one token per line; a line of full tokens
// separated by commas or semicolons gives each of them (a line whose parts
// are not all tokens is read whole, so Xcode's "{length = 32, bytes = …}"
// keeps its comma).
func parseTokens(text string) []tokenLine {
	var out []tokenLine
	seen := map[string]int{}
	for i, line := range strings.Split(text, "\n") {
		raw := strings.TrimSpace(line)
		if raw == "" {
			continue
		}
		parts := []string{raw}
		if split := splitTokenList(raw); split != nil {
			parts = split
		}
		for _, p := range parts {
			tl := tokenLine{Line: i + 1, Raw: p}
			tok, err := sender.ParseToken(p)
			if err != nil {
				tl.Err = err
			} else {
				tl.Token = tok.String()
				tl.Warn = tok.Warning()
				if first, ok := seen[tl.Token]; ok {
					tl.Dup = first
				} else {
					seen[tl.Token] = tl.Line
				}
			}
			out = append(out, tl)
		}
	}
	return out
}

// splitTokenList splits a line at commas and semicolons when every part is
// a token on its own; else nil.
func splitTokenList(line string) []string {
	if !strings.ContainsAny(line, ",;") {
		return nil
	}
	parts := strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ';' })
	var out []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if _, err := sender.ParseToken(p); err != nil {
			return nil
		}
		out = append(out, p)
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// read parses the field and shows the diagnosis.
func (s *deviceSection) read() {
	s.parsed = parseTokens(s.tokens.Text)
	imp, text := diagnose(s.parsed)
	s.status.Importance = imp
	s.status.SetText(text)
}

// diagnose is the line under the field: one token in full, or the count of
// good tokens and each refused or doubtful line.
func diagnose(ts []tokenLine) (widget.Importance, string) {
	if len(ts) == 0 {
		return widget.MediumImportance, "The token your app got in didRegisterForRemoteNotificationsWithDeviceToken, as hex; several: one per line."
	}
	if len(ts) == 1 {
		t := ts[0]
		switch {
		case t.Err != nil:
			return widget.DangerImportance, t.Err.Error()
		case t.Warn != "":
			return widget.WarningImportance, fmt.Sprintf("%d-byte token ⚠ %s", len(t.Token)/2, t.Warn)
		}
		msg := fmt.Sprintf("%d-byte token ✓", len(t.Token)/2)
		if t.Raw != t.Token {
			msg += " · cleaned to " + t.Token
		}
		return widget.SuccessImportance, msg
	}
	good := 0
	var notes []string
	imp := widget.SuccessImportance
	for _, t := range ts {
		switch {
		case t.Err != nil:
			notes = append(notes, fmt.Sprintf("line %d: %s", t.Line, t.Err))
			imp = widget.WarningImportance
		case t.Dup != 0:
			notes = append(notes, fmt.Sprintf("line %d: same token as line %d, sent once", t.Line, t.Dup))
		default:
			good++
			if t.Warn != "" {
				notes = append(notes, fmt.Sprintf("line %d ⚠ %s", t.Line, t.Warn))
				if imp == widget.SuccessImportance {
					imp = widget.WarningImportance
				}
			}
		}
	}
	// A long paste gets the first few problems and a count of the rest,
	// not a label taller than the window.
	if len(notes) > maxNotes {
		notes = append(notes[:maxNotes], fmt.Sprintf("and %d more lines (each gets its row in the log when you send)", len(notes)-maxNotes))
	}
	head := fmt.Sprintf("%d tokens ✓", good)
	switch good {
	case 0:
		head, imp = "no token can be used", widget.DangerImportance
	case 1:
		head = "1 token ✓"
	}
	return imp, strings.Join(append([]string{head}, notes...), " · ")
}

// headline counts the tokens for the section's header, so it still says
// it when collapsed.
func (s *deviceSection) headline() string {
	good, bad := len(s.valid()), len(s.refused())
	switch {
	case good == 0 && bad == 0:
		return "Device"
	case bad == 0:
		return "Device · " + plural(good, "token") + " ✓"
	}
	return fmt.Sprintf("Device · %s ✓ · %d refused", plural(good, "token"), bad)
}

// maxNotes is how many problem lines the diagnosis lists.
const maxNotes = 5

// valid is every token to send to, once each, in the order given.
func (s *deviceSection) valid() []tokenLine {
	var out []tokenLine
	for _, t := range s.parsed {
		if t.Err == nil && t.Dup == 0 {
			out = append(out, t)
		}
	}
	return out
}

// refused is every line that will not be sent, with its reason.
func (s *deviceSection) refused() []tokenLine {
	var out []tokenLine
	for _, t := range s.parsed {
		if t.Err != nil {
			out = append(out, t)
		}
	}
	return out
}

// problem says why no send can go, if so.
func (s *deviceSection) problem() error {
	if len(s.parsed) == 0 {
		return fmt.Errorf("no device token: paste the token your app received in didRegisterForRemoteNotificationsWithDeviceToken")
	}
	if len(s.valid()) == 0 {
		if len(s.parsed) == 1 {
			return fmt.Errorf("device token: %w", s.parsed[0].Err)
		}
		return fmt.Errorf("none of the %d device tokens can be used: see the Device section", len(s.parsed))
	}
	return nil
}
