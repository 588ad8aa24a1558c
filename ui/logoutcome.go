package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"apnsconsole/sender"
)

// finishRow sets the row's outcome.
func (p *LogPane) finishRow(e *logEntry, r sender.Result, latency time.Duration) {
	p.mu.Lock()
	switch {
	case r.Response != nil:
		resp := r.Response
		e.Latency = resp.Duration
		switch {
		case resp.Accepted() && e.Binary:
			// The binary protocol has no HTTP status and no positive
			// answer: no error response came in the time it waits.
			e.Status, e.Tone = "accepted (no error response)", toneSuccess
		case resp.Accepted():
			e.Status, e.Tone = "200 OK", toneSuccess
		case e.Binary:
			e.Status, e.Tone = fmt.Sprintf("status %d %s", resp.Status, orDefault(resp.Reason, "?")), toneFailure
		default:
			e.Status, e.Tone = fmt.Sprintf("%d %s", resp.Status, orDefault(resp.Reason, "?")), toneFailure
		}
		desc, hint := resp.Explanation()
		e.Story = append(e.Story, "outcome: "+e.Status)
		if !resp.Accepted() {
			// The response's event may have told them already: once.
			if !storyHas(e.Story, desc) {
				e.Story = append(e.Story, "    "+desc)
			}
			if hint != "" && !storyHas(e.Story, hint) {
				e.Story = append(e.Story, "    hint: "+hint)
			}
		}
		if resp.ApnsID != "" {
			e.Story = append(e.Story, "    apns-id: "+resp.ApnsID)
		}
		if resp.UniqueID != "" {
			e.Story = append(e.Story, "    apns-unique-id: "+resp.UniqueID)
		}
	case r.Unconfirmed():
		// Written, never answered: saying "failed" would invite a
		// duplicate.
		e.Status, e.Tone = "unconfirmed · "+unconfirmedHint, toneWarning
		e.Story = append(e.Story, "outcome: "+r.Err.Error()) // "unconfirmed: …"
	case r.Err != nil: // not sent: wording in outcome.go
		e.Status, e.Tone = notSentStatus(r.Err), toneFailure
		e.Story = append(e.Story, "outcome: not sent: "+windowAdvice(e.Env, strings.TrimPrefix(r.Err.Error(), "not sent: ")))
	}
	if r.Response != nil && !r.Response.Timestamp.IsZero() {
		// Told by the response's event in a send to one token; a row of a
		// send to many has no response event.
		since := "token invalid since: " + r.Response.Timestamp.UTC().Format(time.RFC3339Nano)
		if !slices.ContainsFunc(e.Story, func(l string) bool { return strings.HasSuffix(l, since) }) {
			e.Story = append(e.Story, "    "+since)
		}
	}
	if r.Attempts > 1 {
		e.Status += fmt.Sprintf(" · %d attempts", r.Attempts)
		e.Story = append(e.Story, fmt.Sprintf("    attempts: %d (retried as Apple advises)", r.Attempts))
	}
	if e.Latency == 0 {
		e.Latency = latency
	}
	// The story is told: keep it in a slice of its own length, not in
	// the room append left for growth, and its lines that other rows
	// have too once (10,000 rows in the log).
	e.Story = slices.Clip(slices.Clone(e.Story))
	p.shared.share(e.Story)
	p.scheduleLocked()
	p.mu.Unlock()
}

// refuseRow adds the row of a token line that was not sent: a refused
// line is never dropped silently.
func (p *LogPane) refuseRow(env string, t tokenLine) {
	p.push(&logEntry{Time: time.Now(), Kind: kindSend, Env: env, Token: t.Raw, Status: "not sent", Tone: toneFailure,
		Text:  fmt.Sprintf("Line %d of Tokens was not sent", t.Line),
		Story: []string{"refused: " + t.Err.Error()}})
}

// storyHas reports whether a line of the story already tells text.
func storyHas(story []string, text string) bool {
	return slices.ContainsFunc(story, func(l string) bool { return strings.Contains(l, text) })
}

// windowAdvice says the sender's command-line advice the window's way: a
// custom server's untrusted certificate is fixed with the Custom target's
// CA file, not with --ca; and it is not the local simulator.
func windowAdvice(env, msg string) string {
	if env != "custom" {
		return msg
	}
	const cli = "for a simulator started with `serve`, pass its ca.pem with --ca"
	return strings.Replace(msg, cli, "for `apns-console serve` or your own server, choose its CA (serve's ca.pem) in the Custom target's CA file", 1)
}
