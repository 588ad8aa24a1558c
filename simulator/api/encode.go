package api

import (
	"apnsconsole/internal/jsonstr"
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MarshalJSON writes n with appendJSON: one encoder for the pages and for
// the event stream, where each answered request is encoded once per
// stream and reflection would cost the simulator's throughput.
func (n Notification) MarshalJSON() ([]byte, error) { return n.appendJSON(nil), nil }

// appendJSON appends n as a JSON object, the fields in the order and
// under the omitempty rules of Notification's tags, on one line (a
// payload written over several lines is compacted).
func (n *Notification) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = jsonstr.AppendHTML(b, n.ID)
	b = append(b, `,"time":"`...)
	b = n.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","connection":`...)
	b = strconv.AppendUint(b, n.Connection, 10)
	b = field(b, "remote", n.Remote)
	b = field(b, "auth", n.Auth)
	b = field(b, "method", n.Method)
	b = field(b, "path", n.Path)
	b = field(b, "token", n.Token)
	b = field(b, "topic", n.Topic)
	b = field(b, "push_type", n.PushType)
	if n.Priority != 0 {
		b = append(b, `,"priority":`...)
		b = strconv.AppendInt(b, int64(n.Priority), 10)
	}
	b = field(b, "collapse_id", n.CollapseID)
	if n.Expiration != nil {
		b = append(b, `,"expiration":"`...)
		b = n.Expiration.AppendFormat(b, time.RFC3339Nano)
		b = append(b, '"')
	}
	b = field(b, "team_id", n.TeamID)
	b = field(b, "key_id", n.KeyID)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(n.Status), 10)
	b = field(b, "reason", n.Reason)
	if n.Timestamp != nil {
		b = append(b, `,"timestamp":`...)
		b = strconv.AppendInt(b, *n.Timestamp, 10)
	}
	b = field(b, "unique_id", n.UniqueID)
	text := n.PayloadText
	if len(n.Payload) > 0 {
		// Compacted in place (one pass, which also checks it is JSON);
		// what is not JSON goes as payload_text.
		mark := len(b)
		b = append(b, `,"payload":`...)
		out := bytes.NewBuffer(b)
		if json.Compact(out, n.Payload) == nil {
			b = out.Bytes()
		} else {
			b = b[:mark]
			if text == "" {
				text = strings.ToValidUTF8(string(n.Payload), string(utf8.RuneError))
			}
		}
	}
	b = field(b, "payload_text", text)
	b = append(b, `,"payload_size":`...)
	b = strconv.AppendInt(b, int64(n.PayloadSize), 10)
	if len(n.Headers) > 0 {
		hb, _ := json.Marshal(n.Headers) // sorted keys
		b = append(b, `,"headers":`...)
		b = append(b, hb...)
	}
	if len(n.Warnings) > 0 {
		b = append(b, `,"warnings":[`...)
		for i, w := range n.Warnings {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonstr.AppendHTML(b, w)
		}
		b = append(b, ']')
	}
	if n.GoAway {
		b = append(b, `,"goaway":true`...)
	}
	b = field(b, "no_answer", n.NoAnswer)
	b = field(b, "channel", n.Channel)
	b = field(b, "request_id", n.RequestID)
	return append(b, '}')
}

// field appends ,"name":"value" unless value is empty.
func field(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	b = append(b, `,"`...)
	b = append(b, name...)
	b = append(b, `":`...)
	return jsonstr.AppendHTML(b, value)
}
