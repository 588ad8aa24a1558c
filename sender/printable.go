package sender

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable is s from a server made safe to print on one line of a log or
// a terminal: control characters (newlines, escape sequences), Unicode
// direction overrides and bytes that are not UTF-8 are written as Go
// escapes (\n, \x1b, \u202e). Fields keep the raw value; what reaches the
// user goes through Printable.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if !safeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s // the common case, without allocating
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x100 && !safeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case !safeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// safeRune reports a rune that prints as itself without moving the cursor
// or changing how the rest of the line reads.
func safeRune(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return false // also what a byte that is not UTF-8 reads as
	case unicode.IsControl(r):
		return false
	case unicode.Is(unicode.Bidi_Control, r):
		return false
	case r == '\u2028' || r == '\u2029': // line and paragraph separators
		return false
	}
	return true
}
