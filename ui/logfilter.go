package ui

import (
	"strings"
	"unicode/utf8"
)

// The search filters the rows on a goroutine: 10,000 rows with their
// stories are megabytes of text, too much to scan on the UI goroutine at
// every keystroke. One filter runs at a time; keystrokes that come while
// it runs start one more, for the latest text, when it is back.

// filter starts the search's filter, or queues one after the running one.
func (p *LogPane) filter() {
	if p.filtering {
		p.filterAgain = true
		return
	}
	p.filtering = true
	q, rows := p.query, p.snapshot()
	go func() {
		view := p.match(rows, q)
		p.do(func() {
			p.filtering = false
			if q == p.query {
				p.setView(view)
			}
			if again := p.filterAgain || q != p.query; again && p.query != "" {
				p.filterAgain = false
				p.filter()
			}
		})
	}()
}

// filterChunk is how many rows the filter reads per hold of the pane's
// lock (a row's story grows under it).
const filterChunk = 256

// match is the rows whose text contains q (lower case), ignoring case.
func (p *LogPane) match(rows []*logEntry, q string) []*logEntry {
	var out []*logEntry
	for i := 0; i < len(rows); i += filterChunk {
		p.mu.Lock()
		for _, e := range rows[i:min(i+filterChunk, len(rows))] {
			if e.matches(q) {
				out = append(out, e)
			}
		}
		p.mu.Unlock()
	}
	return out
}

// matches reports whether the row's text (as copied: summary, heading,
// story) contains q, ignoring case, without building the text.
func (e *logEntry) matches(q string) bool {
	if containsFold(e.Env, q) || containsFold(e.Token, q) || containsFold(e.Status, q) ||
		containsFold(e.Text, q) || containsFold(string(e.Kind), q) {
		return true
	}
	for _, l := range e.Story {
		if containsFold(l, q) {
			return true
		}
	}
	if strings.ContainsAny(q, "0123456789:.") {
		return containsFold(e.summary(), q) // the time, and the latency
	}
	return false
}

// containsFold reports whether s contains q, which is in lower case,
// ignoring case. It looks for q's first byte in both cases with
// strings.IndexByte (fast), and compares there.
func containsFold(s, q string) bool {
	if q == "" {
		return true
	}
	c := q[0]
	if c >= utf8.RuneSelf {
		return strings.Contains(strings.ToLower(s), q)
	}
	if len(s) < len(q) {
		return false
	}
	if !hasLetter(q) {
		return strings.Contains(s, q)
	}
	for _, b := range [2]byte{c, upper(c)} {
		for i := 0; i+len(q) <= len(s); {
			j := strings.IndexByte(s[i:len(s)-len(q)+1], b)
			if j < 0 {
				break
			}
			i += j
			if strings.EqualFold(s[i:i+len(q)], q) {
				return true
			}
			i++
		}
		if upper(c) == c {
			break
		}
	}
	return false
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

func hasLetter(q string) bool {
	for i := 0; i < len(q); i++ {
		if c := q[i]; 'a' <= c && c <= 'z' || c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}
