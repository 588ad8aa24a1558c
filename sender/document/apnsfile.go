package document

import (
	"bytes"
	"encoding/json"
	"fmt"

	"apnsconsole/sender"
)

// SimulatorTargetBundle is the top-level key of an .apns file naming the
// app the iOS Simulator delivers it to.
const SimulatorTargetBundle = "Simulator Target Bundle"

// APNsExt is the extension of the files `xcrun simctl push` and the iOS
// Simulator take.
const APNsExt = ".apns"

// APNsFile is an .apns file: a payload and the app it is for.
type APNsFile struct {
	Bundle  string // "Simulator Target Bundle"; "" when the file has none
	Payload []byte // the payload without the bundle key, compact, keys in the file's order
}

// ParseAPNs reads an .apns file (or any payload JSON). The file must be a
// JSON object; its "Simulator Target Bundle", if any, a string. The
// payload is not checked further (use sender.ValidatePayload before
// sending), so a file that would be refused can be opened and fixed.
func ParseAPNs(data []byte) (*APNsFile, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM some editors write
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{Problem: "the file is empty", Fix: `an .apns file is a payload such as {"Simulator Target Bundle":"com.example.app","aps":{"alert":"Hi"}}`, Err: ErrNotJSON}
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, &Error{Problem: "the file is not JSON: " + jsonProblem(data, err), Fix: `fix it in a text editor; an .apns file looks like {"Simulator Target Bundle":"com.example.app","aps":{"alert":"Hi"}}`, Err: ErrNotJSON}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Problem: "the payload is " + sender.JSONKind(v) + ", not a JSON object", Fix: `wrap it as {"aps":{…}}: a payload is an object with Apple's keys under "aps"`, Err: ErrPayloadNotObject}
	}
	f := &APNsFile{}
	if b, ok := obj[SimulatorTargetBundle]; ok {
		s, isString := b.(string)
		if !isString {
			return nil, &Error{Problem: fmt.Sprintf("%q is %s, not a bundle id", SimulatorTargetBundle, sender.JSONKind(b)), Fix: `write it as "Simulator Target Bundle": "com.example.app"`, Err: ErrBadField}
		}
		f.Bundle = s
	}
	payload, err := sender.PayloadWithout(data, SimulatorTargetBundle)
	if err != nil {
		return nil, &Error{Problem: "the file cannot be read: " + err.Error(), Fix: "check the JSON", Err: ErrNotJSON}
	}
	f.Payload = payload
	return f, nil
}

// ReadAPNs reads the .apns file at path.
func ReadAPNs(path string) (*APNsFile, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	f, err := ParseAPNs(data)
	if err != nil {
		err.(*Error).Path = path
		return nil, err
	}
	return f, nil
}

// Message splits the payload into the form's fields (sender.SplitPayload).
func (f *APNsFile) Message() (sender.Message, error) { return sender.SplitPayload(f.Payload) }

// Encode is the file's bytes: the bundle (when set) first, then the
// payload's keys, indented two spaces, with a final newline.
func (f *APNsFile) Encode() ([]byte, error) {
	var v any
	if err := json.Unmarshal(f.Payload, &v); err != nil {
		return nil, &Error{Problem: "the payload is not JSON: " + jsonProblem(f.Payload, err), Fix: "fix the payload before saving", Err: ErrNotJSON}
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, &Error{Problem: "the payload is " + sender.JSONKind(v) + ", not a JSON object", Fix: `write it as {"aps":{…}}`, Err: ErrPayloadNotObject}
	}
	rest, err := sender.PayloadWithout(f.Payload, SimulatorTargetBundle)
	if err != nil {
		return nil, &Error{Problem: "the payload cannot be read: " + err.Error(), Fix: "check the JSON", Err: ErrNotJSON}
	}
	var b bytes.Buffer
	b.WriteByte('{')
	if f.Bundle != "" {
		b.Write(marshal(SimulatorTargetBundle))
		b.WriteByte(':')
		b.Write(marshal(f.Bundle))
		if len(rest) > 2 {
			b.WriteByte(',')
		}
	}
	b.Write(rest[1:])
	return indent(b.Bytes())
}

// WriteAPNs saves f at path, atomically.
func WriteAPNs(path string, f *APNsFile) error {
	data, err := f.Encode()
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Path = path
		}
		return err
	}
	return writeFile(path, data, false)
}

// marshal encodes a string without HTML escaping.
func marshal(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// indent indents compact JSON two spaces, with a final newline.
func indent(compact []byte) ([]byte, error) {
	var b bytes.Buffer
	if err := json.Indent(&b, compact, "", "  "); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
