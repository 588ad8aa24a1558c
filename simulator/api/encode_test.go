package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"apnsconsole/simulator"
)

// jsonOfTags is n as encoding/json writes it from Notification's tags
// (the type without its MarshalJSON).
func jsonOfTags(t *testing.T, n Notification) []byte {
	type plain Notification
	p := plain(n)
	if p.Payload != nil {
		var out bytes.Buffer
		if json.Compact(&out, p.Payload) == nil {
			p.Payload = out.Bytes()
		} else {
			p.Payload, p.PayloadText = nil, strings.ToValidUTF8(string(n.Payload), "\uFFFD")
		}
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEncoderAgreesWithEncodingJSON: the hand-written encoder writes what
// encoding/json writes from the tags, for every field and awkward text.
func TestEncoderAgreesWithEncodingJSON(t *testing.T) {
	exp := time.Unix(0, 0)
	recs := []simulator.Record{
		{},
		{Time: time.Date(2026, 12, 3, 10, 0, 0, 123456789, time.UTC), Conn: 7, Remote: "127.0.0.1:5", Auth: "token",
			Method: "POST", Path: "/3/device/ab", Token: "ab", Topic: "com.example.app", PushType: "alert", Priority: 10,
			Payload: []byte("{\n  \"aps\": {\"alert\": \"<b>&\\u2028 \\\"x\\\"\"}\n}"), Status: 410, Reason: "Unregistered",
			ApnsID: "ID", UniqueID: "u", Timestamp: time.UnixMilli(1796119200000), PayloadSize: 40,
			Header: http.Header{"Apns-Topic": {"com.example.app"}, "X-Two": {"a", "b"}}, GoAway: true,
			Warnings: []string{"w1", "tab\there"}, NoAnswer: "reset", Channel: "c", RequestID: "r", CollapseID: "col\x01",
			Expiration: &exp, TeamID: "T", KeyID: "K"},
		{Payload: []byte("not json \xff\xfe <>&\u2029 \"q\" \\"), Status: 400, Reason: "BadPayload", Token: "é\x00"},
	}
	for i, r := range recs {
		for _, headers := range []bool{false, true} {
			n := NotificationOf(r, headers)
			got, _ := n.MarshalJSON()
			// The payload is copied as sent, compacted; encoding/json
			// also escapes its <, > and &: the same JSON value.
			var escaped bytes.Buffer
			json.HTMLEscape(&escaped, got)
			if want := jsonOfTags(t, n); !bytes.Equal(escaped.Bytes(), want) {
				t.Errorf("record %d (headers %v):\n got %s\nwant %s", i, headers, got, want)
			}
			if bytes.Contains(got, []byte("\n")) {
				t.Errorf("record %d: a newline would split the event's data line", i)
			}
			var back Notification
			if err := json.Unmarshal(got, &back); err != nil {
				t.Errorf("record %d: %v", i, err)
			}
		}
	}
	ev := appendEvent(nil, recs[1])
	if !strings.HasPrefix(string(ev), "event: notification\ndata: {") || strings.Count(string(ev), "\n") != 3 {
		t.Errorf("event %q", ev)
	}
}
