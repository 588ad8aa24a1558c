package ui

// The log's rows: added from any goroutine (a send's goroutine, the
// client's events), each change under the pane's lock, then a refresh.

import (
	"fmt"
	"time"

	"apnsconsole/sender"
)

// AddEvent appends an event that belongs to no send (the connection's, or
// the binary protocol's notices) as its own row. Safe from any goroutine.
func (p *LogPane) AddEvent(e sender.Event) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	p.push(&logEntry{Time: e.Time, Kind: e.Kind, Text: e.Text, Tone: eventTone(e), Story: append([]string(nil), e.Detail...)})
}

// Add appends a line the console writes itself.
func (p *LogPane) Add(kind sender.EventKind, t tone, text string) {
	p.push(&logEntry{Time: time.Now(), Kind: kind, Text: text, Tone: t})
}

func (p *LogPane) push(e *logEntry) {
	p.mu.Lock()
	if p.rows.push(e) {
		p.dropped++
	}
	p.scheduleLocked()
	p.mu.Unlock()
}

// beginSend adds the row of a send to token; its story grows with
// addToRow and it ends with finishRow.
func (p *LogPane) beginSend(env, token, heading string) *logEntry {
	e := &logEntry{Time: time.Now(), Kind: kindSend, Env: env, Token: token, Text: heading, Tone: toneHeading}
	p.push(e)
	return e
}

// setBinary marks a row as sent with the binary protocol.
func (p *LogPane) setBinary(e *logEntry) {
	p.mu.Lock()
	e.Binary = true
	p.mu.Unlock()
}

// addToRow adds an event of the send to its row's story.
func (p *LogPane) addToRow(e *logEntry, ev sender.Event) {
	p.mu.Lock()
	line := string(ev.Kind) + ": " + ev.Text
	e.Story = append(e.Story, line)
	for _, d := range ev.Detail {
		e.Story = append(e.Story, "    "+d)
	}
	if ev.Kind == sender.EventWarning && e.Tone == toneHeading {
		e.Tone = toneWarning
	}
	p.scheduleLocked()
	p.mu.Unlock()
}

// addStory adds the console's own lines to a row's story (the payload,
// pretty-printed): a title and lines already indented, which rows may
// share.
func (p *LogPane) addStory(e *logEntry, title string, lines []string) {
	p.mu.Lock()
	e.Story = append(append(e.Story, title), lines...)
	p.scheduleLocked()
	p.mu.Unlock()
}

// busStoryLimit bounds the story of a send to many tokens' connection
// row: a long bulk send with retries would otherwise grow it without end.
const busStoryLimit = 200

// beginBulk adds the row a send to many tokens writes its connection's
// events to (connecting, TLS, GOAWAY, retries); each token has its own
// row besides.
func (p *LogPane) beginBulk(env, heading string, story ...string) *logEntry {
	e := &logEntry{Time: time.Now(), Kind: sender.EventInfo, Env: env, Text: heading, Tone: toneNormal, Story: story}
	p.push(e)
	return e
}

// setText changes a row's text and tone (a bulk send's summary as its
// results come); a worse tone set by an event stays.
func (p *LogPane) setText(e *logEntry, text string, t tone) {
	p.mu.Lock()
	e.Text = text
	if e.Tone != toneFailure {
		e.Tone = t
	}
	p.scheduleLocked()
	p.mu.Unlock()
}

// addToBusRow adds a connection event to a bulk send's row, up to
// busStoryLimit lines; past it the events are counted.
func (p *LogPane) addToBusRow(e *logEntry, ev sender.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ev.Failed() {
		e.Tone = toneFailure
	} else if ev.Kind == sender.EventWarning && e.Tone == toneNormal {
		e.Tone = toneWarning
	}
	switch n := len(e.Story); {
	case n < busStoryLimit:
		e.Story = append(e.Story, string(ev.Kind)+": "+ev.Text)
		for _, d := range ev.Detail {
			if len(e.Story) >= busStoryLimit {
				break
			}
			e.Story = append(e.Story, "    "+d)
		}
	default:
		e.dropped++
		line := fmt.Sprintf("… %s not kept", plural(e.dropped, "more event"))
		if n == busStoryLimit {
			e.Story = append(e.Story, line)
		} else {
			e.Story[n-1] = line
		}
	}
	p.scheduleLocked()
}

// moveToEnd makes e the newest row (a send to many tokens' summary, once
// its rows are in, or after they pushed it out of the log).
func (p *LogPane) moveToEnd(e *logEntry) {
	p.mu.Lock()
	p.rows.remove(func(x *logEntry) bool { return x == e })
	if p.rows.push(e) {
		p.dropped++
	}
	p.scheduleLocked()
	p.mu.Unlock()
}
