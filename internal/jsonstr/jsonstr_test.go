package jsonstr

import (
	"bytes"
	"encoding/json"
	"testing"
)

// encodingJSON is what encoding/json writes for s, with or without HTML
// escaping.
func encodingJSON(t testing.TB, s string, html bool) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(html)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

var cases = []string{
	"", "plain", `a"b\c`, "\n\r\t\b\f\x00\x01\x1f\x7f", "<&>", "é", "\u2028\u2029", "\xff", "a\xc3", "🙂", "\xed\xa0\x80",
	"740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad",
}

func TestAppendIsEncodingJSON(t *testing.T) {
	for _, s := range cases {
		if got, want := string(Append(nil, s)), encodingJSON(t, s, false); got != want {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
		if got, want := string(AppendHTML(nil, s)), encodingJSON(t, s, true); got != want {
			t.Errorf("HTML %q: got %s, want %s", s, got, want)
		}
	}
}

func FuzzAppend(f *testing.F) {
	for _, s := range cases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(Append([]byte("x"), s)), "x"+encodingJSON(t, s, false); got != want {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
		if got, want := string(AppendHTML([]byte("x"), s)), "x"+encodingJSON(t, s, true); got != want {
			t.Errorf("HTML %q: got %s, want %s", s, got, want)
		}
	})
}
