package sender_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/http2"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
)

// hostile is a reason a hostile custom host might send: a forged log
// line, a terminal escape that clears the screen, a direction override.
const hostile = "Shutdown\n14:00:00 200 OK · apns-id forged\r\x1b[2J\u202eevil\x00\xff"

// unsafeIn returns the first character that would move the cursor or
// change how a line reads, or -1.
func unsafeIn(s string) rune {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\uFFFD' {
			return r
		}
	}
	return -1
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"BadDeviceToken":  "BadDeviceToken",
		"Überfällig ✓":    "Überfällig ✓",
		"a\nb\r\tc":       `a\nb\r\tc`,
		"\x1b[2J\x7f\x00": `\x1b[2J\x7f\x00`,
		"\u202eabc\u2028": `\u202eabc\u2028`,
		"bad \xff utf8":   `bad \xff utf8`,
		"\u0085":          `\x85`,
	} {
		if got := sender.Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGoAwayErrorEscapesTheServersReason(t *testing.T) {
	defer func(b time.Duration) { sender.ReconnectBase = b }(sender.ReconnectBase)
	sender.ReconnectBase = time.Millisecond
	r := newResponder(t, func(c *rawConn, req rawRequest) {
		c.GoAway(0, http2.ErrCodeNo, `{"reason":"Shutdown\n14:00:00 200 OK · apns-id forged\r\u001b[2J\u202eevil\u0000"}`)
		c.Close()
	})
	var log apnstest.EventLog
	c := r.client(t)
	c.OnEvent = log.Add
	_, err := c.Send(context.Background(), alert(t, apnstest.DemoToken, "x"))
	var ga *sender.GoAwayError
	if !errors.As(err, &ga) {
		t.Fatalf("err = %v, want a GoAwayError", err)
	}
	if raw := "Shutdown\n14:00:00 200 OK · apns-id forged\r\x1b[2J\u202eevil\x00"; ga.Reason != raw {
		t.Errorf("Reason = %q, want the raw %q", ga.Reason, raw)
	}
	msg := err.Error()
	if ch := unsafeIn(msg); ch != -1 || !strings.Contains(msg, `Shutdown\n14:00:00 200 OK · apns-id forged\r\x1b[2J\u202eevil\x00`) {
		t.Errorf("Error() = %q has %q, or lacks the escaped reason", msg, ch)
	}
	if text := log.Text(); unsafeIn(strings.ReplaceAll(text, "\n", "")) != -1 || strings.Contains(text, "\n14:00:00") {
		t.Errorf("the log carries the server's control characters:\n%q", text)
	}
	direct := (&sender.GoAwayError{Host: "h:443", Reason: hostile}).Error()
	if ch := unsafeIn(direct); ch != -1 {
		t.Errorf("GoAwayError.Error() = %q carries %q", direct, ch)
	}
}

func TestResponseReasonIsEscaped(t *testing.T) {
	for _, body := range []string{
		`{"reason":"Bad\nFORGED LINE\u001b[31m\u202e"}`, // JSON
		"Bad\nFORGED LINE\x1b[31m\u202e",                // not JSON: the body is the reason
	} {
		r := newResponder(t, func(c *rawConn, req rawRequest) { c.Answer(req.Stream, 400, body) })
		var log apnstest.EventLog
		c := r.client(t)
		c.OnEvent = log.Add
		resp, err := c.Send(context.Background(), alert(t, apnstest.DemoToken, "x"))
		if err != nil {
			t.Fatal(err)
		}
		if raw := "Bad\nFORGED LINE\x1b[31m\u202e"; resp.Reason != raw {
			t.Errorf("Reason = %q, want the raw %q", resp.Reason, raw)
		}
		if s := resp.Summary(); unsafeIn(s) != -1 || !strings.Contains(s, `Bad\nFORGED LINE\x1b[31m\u202e`) {
			t.Errorf("Summary() = %q", s)
		}
		if d, _ := resp.Explanation(); unsafeIn(d) != -1 {
			t.Errorf("Explanation() = %q", d)
		}
		text := log.Text()
		if ch := unsafeIn(strings.ReplaceAll(text, "\n", "")); ch != -1 || strings.Contains(text, "\nFORGED") {
			t.Errorf("the log carries %q:\n%s", ch, text)
		}
	}
	cr := &sender.ChannelResponse{Status: 400, Reason: hostile}
	if s := cr.Summary(); unsafeIn(s) != -1 {
		t.Errorf("ChannelResponse.Summary() = %q", s)
	}
}
