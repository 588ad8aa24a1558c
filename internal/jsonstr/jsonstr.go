// Package jsonstr appends a Go string as a JSON string exactly as
// encoding/json writes it with SetEscapeHTML(false), without reflection
// or allocation: for the command line's --json lines and the simulator's
// API and event streams, which write one object per result at wire speed.
package jsonstr

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// safe marks the bytes a JSON string holds as they are; safeHTML also
// leaves out <, > and &, which encoding/json escapes by default.
var safe, safeHTML = func() (t, h [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
		h[c] = t[c] && c != '<' && c != '>' && c != '&'
	}
	return t, h
}()

// Append appends s to b, quoted: quotes, backslashes and control
// characters escaped (\n \r \t \b \f by name), U+2028 and U+2029 escaped,
// and each invalid UTF-8 byte written as U+FFFD, as encoding/json does
// with SetEscapeHTML(false).
func Append(b []byte, s string) []byte { return appendString(b, s, &safe) }

// AppendHTML is Append with <, > and & escaped too (\u003c, \u003e,
// \u0026), as encoding/json does by default: for JSON a page may read.
func AppendHTML(b []byte, s string) []byte { return appendString(b, s, &safeHTML) }

func appendString(b []byte, s string, safe *[256]bool) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if safe[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, "\ufffd"...)
			} else {
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
