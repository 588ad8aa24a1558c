package sender

import (
	"encoding/json"
	"strconv"
)

// SplitPayload is BuildPayload read backwards: it fills a Message from a
// payload, for opening a saved payload (.apns file, console document) in
// the form. Apple's keys the form has fields for go into them: the alert
// (a string, or a dictionary of only non-empty title, subtitle and body
// strings), an integer badge and a sound name. Everything else stays in
// Custom, compact JSON with the keys in their order: the other aps keys
// under "aps" first, then the top-level custom keys.
//
// BuildPayload(SplitPayload(p)) is p up to key order and whitespace, with
// one exception iOS does not tell apart: an alert of only a body,
// {"body":"Hi"}, comes back as the string "Hi".
//
// The payload must be a JSON object; the error is then a *PayloadError.
// Nothing else is checked (size, the "aps" dictionary): a payload that
// would be refused can still be opened and fixed.
func SplitPayload(p []byte) (Message, error) {
	var m Message
	var v any
	if err := json.Unmarshal(p, &v); err != nil {
		return m, &PayloadError{Size: len(p), Problem: "the payload is not valid JSON: " + describeJSONError(p, err),
			Fix: `fix the JSON (a payload looks like {"aps":{"alert":"Hello"}})`, err: ErrInvalidPayload}
	}
	if _, ok := v.(map[string]any); !ok {
		return m, &PayloadError{Size: len(p), Problem: "the payload is " + jsonKind(v) + ", not a JSON object",
			Fix: `write it as {"aps":{…}, "custom key": …}`, err: ErrInvalidPayload}
	}
	top, err := parseJSONObject(p)
	if err != nil { // unreachable: p is a valid object
		return m, &PayloadError{Size: len(p), Problem: "the payload cannot be read: " + err.Error(), Fix: "check the JSON", err: ErrInvalidPayload}
	}
	var custom jsonObject
	if raw, ok := top.get("aps"); ok {
		rest := raw
		if aps, err := parseJSONObject(raw); err == nil {
			rest = m.takeApsFields(aps).encode()
		}
		if string(rest) != "{}" {
			custom.set("aps", rest)
		}
	}
	for _, kv := range top {
		if kv.key != "aps" {
			custom.set(kv.key, kv.value)
		}
	}
	if len(custom) > 0 {
		m.Custom = string(custom.encode())
	}
	return m, nil
}

// takeApsFields moves alert, badge and sound into m where the form can
// show them, and returns the aps keys left.
func (m *Message) takeApsFields(aps jsonObject) jsonObject {
	var rest jsonObject
	for _, kv := range aps {
		taken := false
		switch kv.key {
		case "alert":
			taken = m.takeAlert(kv.value)
		case "badge":
			if n, err := strconv.Atoi(string(kv.value)); err == nil && n >= 0 {
				m.Badge, taken = &n, true
			}
		case "sound":
			if s, ok := jsonString(kv.value); ok && s != "" {
				m.Sound, taken = s, true
			}
		}
		if !taken {
			rest = append(rest, kv)
		}
	}
	return rest
}

// takeAlert fills Body, Title and Subtitle from an alert string or a
// dictionary of only those keys, as non-empty strings.
func (m *Message) takeAlert(raw json.RawMessage) bool {
	if s, ok := jsonString(raw); ok {
		if s == "" {
			return false
		}
		m.Body = s
		return true
	}
	d, err := parseJSONObject(raw)
	if err != nil || len(d) == 0 {
		return false
	}
	var f struct{ title, subtitle, body string }
	for _, kv := range d {
		s, ok := jsonString(kv.value)
		if !ok || s == "" {
			return false
		}
		switch kv.key {
		case "title":
			f.title = s
		case "subtitle":
			f.subtitle = s
		case "body":
			f.body = s
		default:
			return false
		}
	}
	m.Title, m.Subtitle, m.Body = f.title, f.subtitle, f.body
	return true
}

// jsonString decodes raw when it is a JSON string.
func jsonString(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}
