package cli

import (
	"fmt"
	"strconv"
	"strings"

	"apnsconsole/internal/userfile"
	"apnsconsole/sender"
)

// tokenWarnings groups the warnings about tokens of an unusual length by
// kind, so that a file of 3,991 short tokens gives one warning with the
// count and the first line numbers, not 3,991 warnings.
type tokenWarnings struct {
	groups []*warningGroup
}

// warningGroup is the tokens of one kind of unusual length.
type warningGroup struct {
	kind  string // "shorter than 64 hex digits"
	fix   string
	first string // the one token's own warning, when it is alone
	where int    // its line (0: from --token)
	count int
	lines []int // the first shownLines line numbers
	flags int   // how many came from --token
}

// shownLines is how many line numbers a grouped warning lists.
const shownLines = 10

// add notes tok, read from line (0 for --token), when its length is
// unusual.
func (w *tokenWarnings) add(tok sender.DeviceToken, line int) {
	msg := tok.Warning()
	if msg == "" {
		return
	}
	kind, fix := tokenLengthKind(len(tok))
	var g *warningGroup
	for _, c := range w.groups {
		if c.kind == kind {
			g = c
		}
	}
	if g == nil {
		g = &warningGroup{kind: kind, fix: fix, first: msg, where: line}
		w.groups = append(w.groups, g)
	}
	g.count++
	if line == 0 {
		g.flags++
	} else if len(g.lines) < shownLines {
		g.lines = append(g.lines, line)
	}
}

// messages is one warning per kind, in the order the kinds were first
// seen.
func (w *tokenWarnings) messages() []string {
	var out []string
	for _, g := range w.groups {
		if g.count == 1 {
			if g.where > 0 {
				out = append(out, fmt.Sprintf("line %d: %s", g.where, g.first))
			} else {
				out = append(out, g.first)
			}
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s tokens %s", userfile.Thousands(int64(g.count)), g.kind)
		if len(g.lines) > 0 {
			b.WriteString(": line")
			if len(g.lines) > 1 {
				b.WriteString("s")
			}
			for i, l := range g.lines {
				if i > 0 {
					b.WriteString(",")
				}
				b.WriteString(" " + strconv.Itoa(l))
			}
			if fromFile := g.count - g.flags; fromFile > len(g.lines) {
				fmt.Fprintf(&b, ", … (the first %d)", len(g.lines))
			}
		}
		if g.flags > 0 {
			fmt.Fprintf(&b, " (%d given with --token)", g.flags)
		}
		b.WriteString(": " + g.fix)
		out = append(out, b.String())
	}
	return out
}

// print writes the grouped warnings.
func (w *tokenWarnings) print(out *printer) {
	for _, m := range w.messages() {
		out.warn(m)
	}
}

// tokenLengthKind names a kind of unusual token length (in bytes), with
// its advice, as sender.DeviceToken.Warning explains one token.
func tokenLengthKind(n int) (kind, fix string) {
	switch {
	case n == 16:
		return "of 32 hex digits, the size of a UUID, not of a device token", "check that you copied the push tokens and not device or app identifiers"
	case n == 20:
		return "of 40 hex digits, the size of an old device UDID, not of a device token", "check that you copied the push tokens"
	case n == 80:
		return "of 160 hex digits, the size of Simulator tokens (Xcode 14+, sandbox only)", "a physical device's token is usually 64 hex digits"
	case n < 32:
		return "shorter than 64 hex digits", "check that you copied all of each token"
	}
	return "longer than 64 hex digits", "fine for a Simulator (Xcode 14+) or a newer device, otherwise check that you copied only the tokens"
}
