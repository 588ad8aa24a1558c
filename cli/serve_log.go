package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/legacy"
)

// serveLog writes serve's request log on its own goroutine, so that
// formatting and writing stay off the request path: the request only
// hands its record over. When the reader of the log falls behind (a
// paused `| less`, a full pipe) by more than the buffer, lines are
// dropped and counted, never waited for: a slow reader never slows the
// simulator, and memory stays bounded (serveLogBuffer records).
type serveLog struct {
	json    bool
	ch      chan any // apnstest.Record or apnstest.GatewayRecord
	done    chan struct{}
	dropped atomic.Uint64 // lines dropped since the last notice
	lost    atomic.Uint64 // lines dropped in all

	mu     sync.RWMutex // held to send, so close never closes ch under a sender
	closed bool
}

// serveLogBuffer is how many records wait for a slow reader: enough for
// the bursts of a fast client while the log's goroutine waits for a CPU
// (a line takes about 5 µs to format; 1,024 overflowed under 4 busy
// connections), few enough that a reader that stopped costs a few MB
// (measured: 1.10x the peak RSS of a log to /dev/null; 8,192 cost 1.20x).
const serveLogBuffer = 4096

// serveLogCloseWait bounds how long stopping waits for a stalled reader.
const serveLogCloseWait = 2 * time.Second

func newServeLog(w io.Writer, asJSON bool) *serveLog {
	l := &serveLog{json: asJSON, ch: make(chan any, serveLogBuffer), done: make(chan struct{})}
	go l.run(w)
	return l
}

func (l *serveLog) request(r apnstest.Record) {
	r.Header = nil // not logged: a queued record keeps only what its line shows
	l.add(r)
}
func (l *serveLog) frame(r apnstest.GatewayRecord) { l.add(r) }

func (l *serveLog) add(v any) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return
	}
	select {
	case l.ch <- v:
	default:
		l.dropped.Add(1)
		l.lost.Add(1)
	}
}

// close writes what is left and stops, waiting at most serveLogCloseWait
// for a reader that does not read; later records are not logged. It
// returns how many lines were dropped in all. Calling it again does
// nothing more.
func (l *serveLog) close() uint64 {
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.ch)
	}
	l.mu.Unlock()
	select {
	case <-l.done:
	case <-time.After(serveLogCloseWait):
	}
	return l.lost.Load()
}

// format is one record's line.
func (l *serveLog) format(v any) string {
	switch r := v.(type) {
	case apnstest.Record:
		if l.json {
			return serveJSONLine(r)
		}
		return serveLogLine(r)
	case apnstest.GatewayRecord:
		if l.json {
			return gatewayJSONLine(r)
		}
		return gatewayLogLine(r)
	}
	return ""
}

// droppedLine says how many lines were dropped, as text or as a JSON
// object (so that --json output stays one object per line).
func (l *serveLog) droppedLine(n uint64) string {
	msg := "… " + thousands(n) + " log lines dropped: the reader is not keeping up"
	if l.json {
		return marshalLogSafe(struct {
			Time    time.Time `json:"time"`
			Dropped uint64    `json:"dropped"`
			Message string    `json:"message"`
		}{time.Now(), n, msg})
	}
	return msg
}

func (l *serveLog) run(w io.Writer) {
	defer close(l.done)
	bw := bufio.NewWriterSize(w, 64<<10)
	for v := range l.ch {
		if n := l.dropped.Swap(0); n > 0 {
			bw.WriteString(l.droppedLine(n))
			bw.WriteByte('\n')
		}
		bw.WriteString(l.format(v))
		bw.WriteByte('\n')
		if len(l.ch) == 0 {
			bw.Flush()
		}
	}
	if n := l.dropped.Swap(0); n > 0 {
		bw.WriteString(l.droppedLine(n))
		bw.WriteByte('\n')
	}
	bw.Flush()
}

// thousands writes n with commas: 1,204.
func thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// logSafe escapes what a terminal would act on (control characters, C1
// controls, invalid UTF-8, bidirectional overrides) and backslashes, so a
// client cannot forge log lines (%0A in :path) or inject escapes (%1b).
func logSafe(s string) string {
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\' {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += w
	}
	return b.String()
}

// serveLogLine is one request of `serve`'s log: time, connection, auth,
// request, and the answer, every field escaped.
func serveLogLine(r apnstest.Record) string {
	at := r.Time.Format("15:04:05.000")
	if r.GoAway {
		return fmt.Sprintf("%s conn %d %s: GOAWAY %s (connection closed)", at, r.Conn, logSafe(r.Remote), logSafe(r.Reason))
	}
	var b strings.Builder
	b.Grow(160)
	b.WriteString(at)
	b.WriteString(" conn ")
	b.WriteString(strconv.FormatUint(r.Conn, 10))
	b.WriteString(" " + r.Auth + " " + logSafe(r.Method) + " " + logSafe(r.Path))
	if r.Topic != "" {
		b.WriteString(" topic=" + logSafe(r.Topic))
	}
	if r.PushType != "" {
		b.WriteString(" type=" + logSafe(string(r.PushType)))
	}
	if r.Channel != "" {
		b.WriteString(" channel=" + logSafe(r.Channel))
	}
	b.WriteString(" " + strconv.Itoa(r.PayloadSize) + "B → ")
	switch r.NoAnswer {
	case "":
		b.WriteString(strconv.Itoa(r.Status))
	case apnstest.NoAnswerDrop:
		b.WriteString("no answer: connection dropped (fault)")
	case apnstest.NoAnswerReset:
		b.WriteString("no answer: stream reset (fault)")
	default:
		b.WriteString("no answer: the connection closed first")
	}
	if r.Reason != "" {
		b.WriteString(" " + logSafe(r.Reason))
	}
	if r.ApnsID != "" {
		b.WriteString(" apns-id " + logSafe(r.ApnsID))
	}
	if r.RequestID != "" {
		b.WriteString(" apns-request-id " + logSafe(r.RequestID))
	}
	for _, w := range r.Warnings {
		b.WriteString("\n  warning: " + logSafe(w))
	}
	return b.String()
}

// serveJSON is one request of `serve --json`.
type serveJSON struct {
	Time      time.Time       `json:"time"`
	Conn      uint64          `json:"connection"`
	Remote    string          `json:"remote,omitempty"`
	Auth      string          `json:"auth,omitempty"`
	Method    string          `json:"method,omitempty"`
	Path      string          `json:"path,omitempty"`
	Token     string          `json:"token,omitempty"`
	Topic     string          `json:"topic,omitempty"`
	PushType  string          `json:"push_type,omitempty"`
	Priority  int             `json:"priority,omitempty"`
	Status    int             `json:"status"`
	Reason    string          `json:"reason,omitempty"`
	Timestamp int64           `json:"timestamp,omitempty"` // 410 Unregistered, milliseconds
	ApnsID    string          `json:"apns_id,omitempty"`
	UniqueID  string          `json:"apns_unique_id,omitempty"`
	Channel   string          `json:"channel,omitempty"`
	RequestID string          `json:"apns_request_id,omitempty"`
	Warnings  []string        `json:"warnings,omitempty"` // what the device would drop
	GoAway    bool            `json:"goaway,omitempty"`
	NoAnswer  string          `json:"no_answer,omitempty"` // read, never answered: drop, reset, closed
	Payload   json.RawMessage `json:"payload,omitempty"`   // as sent when it is JSON, else a string
}

func serveJSONLine(r apnstest.Record) string {
	v := serveJSON{Time: r.Time, Conn: r.Conn, Remote: r.Remote, Auth: r.Auth, Method: r.Method, Path: r.Path,
		Token: r.Token, Topic: r.Topic, PushType: string(r.PushType), Priority: r.Priority, Status: r.Status,
		Reason: r.Reason, ApnsID: r.ApnsID, UniqueID: r.UniqueID, Channel: r.Channel, RequestID: r.RequestID,
		Warnings: r.Warnings, GoAway: r.GoAway, NoAnswer: r.NoAnswer, Payload: jsonPayload(r.Payload)}
	if !r.Timestamp.IsZero() {
		v.Timestamp = r.Timestamp.UnixMilli()
	}
	return marshalLogSafe(v)
}

// gatewayJSON is one notification of the binary gateway in `serve --json`.
type gatewayJSON struct {
	Time       time.Time       `json:"time"`
	Conn       uint64          `json:"connection"`
	Protocol   string          `json:"protocol"`
	Format     string          `json:"format"`
	Identifier uint32          `json:"identifier"`
	Token      string          `json:"token,omitempty"`
	Priority   int             `json:"priority,omitempty"`
	Status     int             `json:"status"`
	Reason     string          `json:"reason,omitempty"`
	Payload    json.RawMessage `json:"payload,omitempty"`
}

func gatewayJSONLine(r apnstest.GatewayRecord) string {
	v := gatewayJSON{Time: r.Time, Conn: r.Conn, Protocol: "binary", Format: string(r.Format), Identifier: r.Identifier,
		Token: r.Token, Priority: r.Priority, Status: int(r.Status), Payload: jsonPayload(r.Payload)}
	if !r.Accepted() {
		v.Reason = legacy.LookupStatus(r.Status).Name
	}
	return marshalLogSafe(v)
}

// jsonPayload is the payload as JSON: itself when valid, else a string.
func jsonPayload(p []byte) json.RawMessage {
	if len(p) == 0 {
		return nil
	}
	if json.Valid(p) {
		var b bytes.Buffer
		if err := json.Compact(&b, p); err == nil {
			return b.Bytes()
		}
	}
	s, _ := json.Marshal(string(p))
	return s
}

// marshalLogSafe marshals v on one line, escaping DEL and the C1 controls
// too (encoding/json leaves them raw), so no terminal acts on them.
func marshalLogSafe(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf(`{"error":%q}`, err.Error())
	}
	s := string(b)
	if !strings.ContainsFunc(s, func(r rune) bool { return r == 0x7f || r >= 0x80 && r <= 0x9f }) {
		return s
	}
	var out strings.Builder
	for _, r := range s {
		if r == 0x7f || r >= 0x80 && r <= 0x9f {
			fmt.Fprintf(&out, `\u%04x`, r)
		} else {
			out.WriteRune(r)
		}
	}
	return out.String()
}

// gatewayLogLine is one notification of the binary gateway's log.
func gatewayLogLine(r apnstest.GatewayRecord) string {
	line := fmt.Sprintf("%s conn %d binary %s id %d token %s %dB → ", r.Time.Format("15:04:05.000"), r.Conn, r.Format, r.Identifier, logSafe(r.Token), len(r.Payload))
	if r.Accepted() {
		return line + "taken"
	}
	st := legacy.LookupStatus(r.Status)
	return line + fmt.Sprintf("status %d %s", st.Code, st.Name)
}
