package sender

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Payload errors; every *PayloadError wraps one of them.
var (
	ErrInvalidPayload  = errors.New("invalid payload")
	ErrPayloadTooLarge = errors.New("payload too large")
)

// DefaultPayloadLimit is the HTTP/2 limit for every push type but VoIP
// (APNS-REFERENCE §1.5).
const DefaultPayloadLimit = 4096

// PayloadError says what is wrong with a payload and what to do about it.
type PayloadError struct {
	Size    int    // the payload's size in bytes
	Limit   int    // the size limit it was checked against
	Problem string // e.g. "payload is 4213 bytes, 117 over the 4096-byte limit"
	Fix     string // e.g. "shorten the alert or custom data"

	err error // ErrInvalidPayload or ErrPayloadTooLarge
}

func (e *PayloadError) Error() string { return e.Problem + ": " + e.Fix }

// Unwrap returns ErrPayloadTooLarge for a payload over its limit and
// ErrInvalidPayload for everything else.
func (e *PayloadError) Unwrap() error {
	if e.err != nil {
		return e.err
	}
	if e.Limit > 0 && e.Size > e.Limit {
		return ErrPayloadTooLarge
	}
	return ErrInvalidPayload
}

// Message is what the user typed in the window.
type Message struct {
	Body, Title, Subtitle string // alert: a string when only Body, a dict when Title or Subtitle is given
	Badge                 *int   // nil = no badge key; 0 clears the badge
	Sound                 string // "" = no sound key
	Custom                string // a JSON object merged in at the top level ("" = none); its "aps" keys merge into aps
}

// BuildPayload makes the JSON payload for m: compact, without HTML escaping
// (so <, > and & stay as typed and count one byte each), keys in a stable
// order: aps first, then Custom's keys in the order typed.
//
// Custom's "aps" object is merged into aps; where both give a key, the typed
// field wins: Body/Title/Subtitle replace Custom's "alert" as a whole, Badge
// replaces "badge" and Sound replaces "sound". Custom's other aps keys
// (category, thread-id, content-available, …) are kept.
//
// The result is checked with ValidatePayload against the 4096-byte limit.
// When the only problem is the size, the payload is returned together with
// the error (wrapping ErrPayloadTooLarge), so that VoIP pushes, whose limit
// is 5120 bytes, can check it again with ValidatePayload.
func BuildPayload(m Message) ([]byte, error) {
	custom, err := parseCustomPayload(m.Custom)
	if err != nil {
		return nil, err
	}
	var aps jsonObject
	if alert, ok := m.alert(); ok {
		aps.set("alert", alert)
	}
	if m.Badge != nil {
		aps.set("badge", encodeJSONValue(*m.Badge))
	}
	if m.Sound != "" {
		aps.set("sound", encodeJSONValue(m.Sound))
	}
	var customAps jsonObject
	if raw, ok := custom.get("aps"); ok {
		if customAps, err = parseJSONObject(raw); err != nil {
			return nil, &PayloadError{Problem: `the custom JSON's "aps" is not an object`,
				Fix: `write it as "aps": {"category": "…"} or leave it out`, err: ErrInvalidPayload}
		}
	}
	for _, kv := range customAps {
		if _, taken := aps.get(kv.key); !taken {
			aps.set(kv.key, kv.value)
		}
	}
	_, hasCustomAps := custom.get("aps")
	if len(aps) == 0 && (len(custom) == 0 || len(custom) == 1 && hasCustomAps) {
		return nil, &PayloadError{Problem: "there is nothing to send",
			Fix: `type an alert, a badge or a sound, or custom JSON such as {"aps":{"content-available":1}}`, err: ErrInvalidPayload}
	}
	out := jsonObject{{"aps", aps.encode()}}
	for _, kv := range custom {
		if kv.key != "aps" {
			out = append(out, kv)
		}
	}
	p := out.encode()
	if err := ValidatePayload(p, DefaultPayloadLimit); err != nil {
		if errors.Is(err, ErrPayloadTooLarge) {
			return p, err
		}
		return nil, err
	}
	return p, nil
}

// alert is the aps "alert" value: a string for a body alone, a dictionary
// when there is a title or subtitle.
func (m Message) alert() ([]byte, bool) {
	if m.Title == "" && m.Subtitle == "" {
		if m.Body == "" {
			return nil, false
		}
		return encodeJSONValue(m.Body), true
	}
	var d jsonObject
	for _, f := range []struct{ key, value string }{{"title", m.Title}, {"subtitle", m.Subtitle}, {"body", m.Body}} {
		if f.value != "" {
			d.set(f.key, encodeJSONValue(f.value))
		}
	}
	return d.encode(), true
}

// parseCustomPayload reads the Custom text ("" or blank = none) as a JSON
// object, with the key order kept.
func parseCustomPayload(text string) (jsonObject, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return nil, &PayloadError{Problem: "the custom JSON is not valid: " + describeJSONError([]byte(text), err),
			Fix: `write a JSON object such as {"aps":{"category":"NEWS"},"article":42}`, err: ErrInvalidPayload}
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, &PayloadError{Problem: "the custom JSON is " + jsonKind(v) + ", not an object",
			Fix: `wrap it in braces with a key, e.g. {"data": …}; its keys go next to "aps"`, err: ErrInvalidPayload}
	}
	return parseJSONObject([]byte(text))
}

// ValidatePayload checks what APNs checks: the payload is a JSON object with
// an "aps" object, at most limit bytes (limit ≤ 0 means 4096; use
// PushType.MaxPayload, or 256/2048 for the old binary formats). The error is
// a *PayloadError that gives the size in bytes.
func ValidatePayload(p []byte, limit int) error {
	if limit <= 0 {
		limit = DefaultPayloadLimit
	}
	fail := func(err error, problem, fix string) error {
		return &PayloadError{Size: len(p), Limit: limit, Problem: problem, Fix: fix, err: err}
	}
	if len(bytes.TrimSpace(p)) == 0 {
		return fail(ErrInvalidPayload, "the payload is empty", `APNs needs at least {"aps":{}}: type an alert or custom JSON`)
	}
	var v any
	if err := json.Unmarshal(p, &v); err != nil {
		return fail(ErrInvalidPayload, "the payload is not valid JSON: "+describeJSONError(p, err), "fix the JSON (a payload looks like {\"aps\":{\"alert\":\"Hello\"}})")
	}
	top, ok := v.(map[string]any)
	if !ok {
		return fail(ErrInvalidPayload, "the payload is "+jsonKind(v)+", not a JSON object", `write it as {"aps":{…}, "custom key": …}`)
	}
	aps, ok := top["aps"]
	if !ok {
		return fail(ErrInvalidPayload, `the payload has no "aps" dictionary`, `put Apple's keys (alert, badge, sound, …) in {"aps":{…}} and your own keys next to it`)
	}
	if _, ok := aps.(map[string]any); !ok {
		return fail(ErrInvalidPayload, `the payload's "aps" is `+jsonKind(aps)+", not a dictionary", `write it as "aps":{"alert":"Hello"}`)
	}
	if len(p) > limit {
		fix := "shorten the alert or custom data"
		if limit == DefaultPayloadLimit {
			fix += " (only VoIP pushes may be up to 5120 bytes)"
		}
		return fail(ErrPayloadTooLarge, fmt.Sprintf("payload is %d bytes, %d over the %d-byte limit", len(p), len(p)-limit, limit), fix)
	}
	return nil
}

// describeJSONError says what is wrong with data and where: line and column
// for syntax errors.
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		at := int(syn.Offset) - 1 // Offset counts the offending byte
		at = max(0, min(at, len(data)))
		before := data[:at]
		line := 1 + bytes.Count(before, []byte("\n"))
		col := 1 + utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:])
		return fmt.Sprintf("%s at line %d, column %d", syn.Error(), line, col)
	}
	return err.Error()
}

// jsonKind names the kind of a decoded JSON value, with its article.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// jsonObject is a JSON object that keeps its keys in order.
type jsonObject []jsonMember

type jsonMember struct {
	key   string
	value json.RawMessage // compact
}

func (o jsonObject) get(key string) (json.RawMessage, bool) {
	for _, kv := range o {
		if kv.key == key {
			return kv.value, true
		}
	}
	return nil, false
}

// set replaces key's value in place or appends it.
func (o *jsonObject) set(key string, value json.RawMessage) {
	for i := range *o {
		if (*o)[i].key == key {
			(*o)[i].value = value
			return
		}
	}
	*o = append(*o, jsonMember{key, value})
}

// encode writes the object compactly, without HTML escaping.
func (o jsonObject) encode() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(encodeJSONValue(kv.key))
		b.WriteByte(':')
		b.Write(kv.value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// parseJSONObject reads a valid JSON object keeping its key order; a
// repeated key keeps its first position and its last value, as
// encoding/json does.
func parseJSONObject(data []byte) (jsonObject, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var o jsonObject
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := t.(string)
		if !ok {
			return nil, errors.New("not a JSON object")
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, raw); err != nil {
			return nil, err
		}
		o.set(key, compact.Bytes())
	}
	return o, nil
}

// encodeJSONValue encodes a string or number without HTML escaping and
// without the trailing newline json.Encoder adds.
func encodeJSONValue(v any) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // unreachable for strings and ints
		panic(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
