package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
)

// tokenLine is one token the user gave: where it was, what it was, and
// either the cleaned token or why it is refused.
//
// A paste of 100,000 tokens keeps 100,000 of these: Raw and Token are
// slices of the pasted text (no copy), and the line numbers are 32 bits.
type tokenLine struct {
	Line  int32  // 1-based line of the field
	Dup   int32  // the line that already has the same token (sent once), 0 if none
	Raw   string // as typed, trimmed
	Token string // cleaned hex; "" when refused
	Err   error  // why it is refused
	Warn  string // a likely mistake that does not stop the send
}

// tokenRead is the field read whole: every line, the count of tokens to
// send to and of lines refused, and the diagnosis shown under the field.
// It is made off the UI goroutine for a long list.
type tokenRead struct {
	lines    []tokenLine
	good     int // tokens to send to, once each
	refused  int // lines that cannot be sent
	imp      widget.Importance
	diagnose string
}

func readTokens(text string) tokenRead {
	r := tokenRead{lines: parseTokens(text)}
	for _, t := range r.lines {
		switch {
		case t.Err != nil:
			r.refused++
		case t.Dup == 0:
			r.good++
		}
	}
	r.imp, r.diagnose = diagnose(r.lines)
	return r
}

// parseTokens reads the field: one token per line; a line of full tokens
// separated by commas or semicolons gives each of them (a line whose parts
// are not all tokens is read whole, so Xcode's "{length = 32, bytes = …}"
// keeps its comma).
func parseTokens(text string) []tokenLine {
	out := make([]tokenLine, 0, lineCount(text)) // one a line, as a rule: no room to regrow
	seen := map[string]int32{}
	var line int32
	for rest := text; rest != ""; {
		var l string
		l, rest, _ = strings.Cut(rest, "\n")
		line++
		raw := strings.TrimSpace(l)
		if raw == "" {
			continue
		}
		parts := []string{raw}
		if split := splitTokenList(raw); split != nil {
			parts = split
		}
		for _, p := range parts {
			tl := tokenLine{Line: line, Raw: p}
			tok, err := sender.ParseToken(p)
			if err != nil {
				tl.Err = err
			} else {
				tl.Token = tok.String()
				if tl.Token == p {
					tl.Token = p // one copy of the text in memory, not two
				}
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
	good, more := 0, 0
	var notes []string
	note := func(s string) {
		if len(notes) < maxNotes {
			notes = append(notes, s)
		} else {
			more++
		}
	}
	imp := widget.SuccessImportance
	for _, t := range ts {
		switch {
		case t.Err != nil:
			note(fmt.Sprintf("line %d: %s", t.Line, t.Err))
			imp = widget.WarningImportance
		case t.Dup != 0:
			note(fmt.Sprintf("line %d: same token as line %d, sent once", t.Line, t.Dup))
		default:
			good++
			if t.Warn != "" {
				note(fmt.Sprintf("line %d ⚠ %s", t.Line, t.Warn))
				if imp == widget.SuccessImportance {
					imp = widget.WarningImportance
				}
			}
		}
	}
	// A long paste gets the first few problems and a count of the rest,
	// not a label taller than the window.
	if more > 0 {
		notes = append(notes, fmt.Sprintf("and %d more lines (each gets its row in the log when you send)", more))
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

// maxNotes is how many problem lines the diagnosis lists.
const maxNotes = 5
