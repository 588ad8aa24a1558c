package document

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"apnsconsole/sender"
	"apnsconsole/sender/credential"
)

func TestParseAPNsSplitsBundleAndPayload(t *testing.T) {
	f, err := ParseAPNs([]byte("\xef\xbb\xbf" + `{"aps":{"alert":{"title":"Hi","body":"There"},"badge":1,"sound":"default"},"Simulator Target Bundle":"com.example.MyApp","id":7}`))
	if err != nil {
		t.Fatal(err)
	}
	if f.Bundle != "com.example.MyApp" || string(f.Payload) != `{"aps":{"alert":{"title":"Hi","body":"There"},"badge":1,"sound":"default"},"id":7}` {
		t.Fatalf("got %q %s", f.Bundle, f.Payload)
	}
	m, err := f.Message()
	if err != nil || m.Title != "Hi" || m.Body != "There" || *m.Badge != 1 || m.Sound != "default" || m.Custom != `{"id":7}` {
		t.Fatalf("message %+v %v", m, err)
	}
}

func TestAPNsFileRoundTripsThroughDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hello.apns")
	in := &APNsFile{Bundle: "com.example.app", Payload: []byte(`{"aps":{"alert":"<Hi> & ü"},"Simulator Target Bundle":"stale","x":[1,2]}`)}
	if err := WriteAPNs(path, in); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	want := "{\n  \"Simulator Target Bundle\": \"com.example.app\",\n  \"aps\": {\n    \"alert\": \"<Hi> & ü\"\n  },\n  \"x\": [\n    1,\n    2\n  ]\n}\n"
	if string(data) != want {
		t.Fatalf("file:\n%s\nwant:\n%s", data, want)
	}
	out, err := ReadAPNs(path)
	if err != nil || out.Bundle != "com.example.app" || string(out.Payload) != `{"aps":{"alert":"<Hi> & ü"},"x":[1,2]}` {
		t.Fatalf("read back %+v %v", out, err)
	}
	// Without a bundle the file is the payload alone.
	if err := WriteAPNs(path, &APNsFile{Payload: []byte(`{"aps":{}}`)}); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "{\n  \"aps\": {}\n}\n" {
		t.Fatalf("file without bundle:\n%s", data)
	}
}

func TestBadAPNsFilesSayWhyAndWhatToDo(t *testing.T) {
	cases := []struct {
		data  string
		cause error
		want  string
	}{
		{``, ErrNotJSON, "empty"},
		{`{"aps":{"alert":"hi"}`, ErrNotJSON, "line 1, column"},
		{"{\n  \"aps\": {\n    \"alert\": \"hi\",\n  }\n}", ErrNotJSON, "line 4, column 3"},
		{`["aps"]`, ErrPayloadNotObject, "an array, not a JSON object"},
		{`"hello"`, ErrPayloadNotObject, "a string"},
		{`{"Simulator Target Bundle":42,"aps":{}}`, ErrBadField, "a number, not a bundle id"},
	}
	for _, c := range cases {
		_, err := ParseAPNs([]byte(c.data))
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, c.cause) || !strings.Contains(err.Error(), c.want) || e.Fix == "" {
			t.Errorf("%q: %v, want %v mentioning %q with a fix", c.data, err, c.cause, c.want)
		}
	}
	dir := t.TempDir()
	if _, err := ReadAPNs(dir); !errors.Is(err, ErrNotRegularFile) {
		t.Errorf("a folder: %v", err)
	}
	if _, err := ReadAPNs(filepath.Join(dir, "none.apns")); err == nil || !strings.Contains(err.Error(), "none.apns") {
		t.Errorf("a missing file: %v", err)
	}
}

func sampleDocument(dir string) *Document {
	return &Document{
		Target:       Target{Environment: "custom", Host: "127.0.0.1:2197", CA: filepath.Join(dir, "sim", "ca.pem")},
		Credential:   credential.Ref{Kind: credential.KindP8, Path: filepath.Join(dir, "keys", "AuthKey_ABC123DEFG.p8"), KeyID: "ABC123DEFG", TeamID: "DEF123GHIJ"},
		Topic:        "com.example.app",
		PushType:     sender.PushBackground,
		Priority:     5,
		Expiration:   "1h",
		CollapseID:   "news",
		Tokens:       []string{"<740f4707 bebcf74f 9b7c25d4 8e335894 5f6aa01d a5ddb387 462c7eaf 61bb78ad>", "0a0b"},
		LiveActivity: json.RawMessage(`{"event":"update"}`),
		Payload:      json.RawMessage(`{"aps":{"content-available":1},"x":"<&>"}`),
	}
}

func TestConsoleDocumentRoundTripsWithRelativePaths(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"sim/ca.pem", "keys/AuthKey_ABC123DEFG.p8"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755)
		os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o600)
	}
	in := sampleDocument(dir)
	path := filepath.Join(dir, "demo.apnsconsole")
	if err := WriteConsole(path, in); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, want := range []string{`"format": "apns-console"`, `"version": 1`, `"path": "keys/AuthKey_ABC123DEFG.p8"`, `"ca": "sim/ca.pem"`, `"kind": "p8"`, `"x": "<&>"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("document lacks %s:\n%s", want, data)
		}
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("document mode %v, want 0600 (it lists device tokens)", st.Mode().Perm())
	}
	// Moved with its folder, it still finds its files.
	moved := filepath.Join(t.TempDir(), "moved")
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	out, err := ReadConsole(filepath.Join(moved, "demo.apnsconsole"))
	if err != nil {
		t.Fatal(err)
	}
	want := sampleDocument(moved)
	var compact func(json.RawMessage) string = func(r json.RawMessage) string {
		var v any
		json.Unmarshal(r, &v)
		b, _ := json.Marshal(v)
		return string(b)
	}
	if compact(out.Payload) != compact(want.Payload) || compact(out.LiveActivity) != compact(want.LiveActivity) {
		t.Errorf("payload %s, live activity %s", out.Payload, out.LiveActivity)
	}
	out.Payload, out.LiveActivity, want.Payload, want.LiveActivity = nil, nil, nil, nil
	if !reflect.DeepEqual(out, want) {
		t.Errorf("read back:\n%+v\nwant\n%+v", out, want)
	}
}

func TestConsoleDocumentNeverHoldsASecret(t *testing.T) {
	d := sampleDocument("/docs")
	data, err := d.Encode("")
	if err != nil {
		t.Fatal(err)
	}
	for _, word := range []string{"password", "PRIVATE KEY", "bearer", "secret"} {
		if strings.Contains(strings.ToLower(string(data)), strings.ToLower(word)) {
			t.Errorf("document mentions %q:\n%s", word, data)
		}
	}
	// Fields a hand-edited file adds are not read into the document.
	data = []byte(strings.Replace(string(data), `"kind": "p8"`, `"kind": "p8", "password": "hunter2"`, 1))
	back, _ := ParseConsole(data, "")
	again, _ := back.Encode("")
	if strings.Contains(string(again), "hunter2") {
		t.Errorf("a password in the file survived a save:\n%s", again)
	}
}

func TestBadConsoleDocumentsSayWhyAndWhatToDo(t *testing.T) {
	good, err := sampleDocument("/nowhere").Encode("")
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, new string) string { return strings.Replace(string(good), old, new, 1) }
	cases := []struct {
		name, data string
		cause      error
		want       string
	}{
		{"empty", "", ErrNotJSON, "empty"},
		{"not JSON", "hello", ErrNotJSON, "line 1, column 1"},
		{"a list", "[1]", ErrNotDocument, "not an APNs Console document"},
		{"a payload", `{"aps":{"alert":"hi"}}`, ErrNotDocument, "send --file x.apns"},
		{"newer", edit(`"version": 1`, `"version": 7`), ErrUnknownVersion, "version 7"},
		{"payload a string", edit(`"payload": {`, `"payload": "x", "old": {`), ErrPayloadNotObject, "a string, not a JSON object"},
		{"no payload", edit(`"payload": {`, `"old": {`), ErrPayloadNotObject, `no "payload"`},
		{"tokens not a list", edit(`"tokens": [`, `"tokens": 3, "old": [`), ErrBadField, `"tokens" is a JSON number`},
		{"push type", edit(`"push_type": "background"`, `"push_type": "loud"`), ErrBadField, `unknown push type "loud"`},
		{"kind", edit(`"kind": "p8"`, `"kind": "jks"`), ErrBadField, `unknown credential kind "jks"`},
		{"target", edit(`"environment": "custom"`, `"environment": "moon"`), ErrUnknownEnvironment, `unknown target "moon"`},
	}
	for _, c := range cases {
		_, err := ParseConsole([]byte(c.data), "")
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, c.cause) || !strings.Contains(err.Error(), c.want) || e.Fix == "" {
			t.Errorf("%s: %v\nwant %v mentioning %q with a fix", c.name, err, c.cause, c.want)
		}
	}
}

func TestConsoleDocumentWithAMissingCredentialStillOpens(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.apnsconsole")
	d := sampleDocument(dir)
	d.Target = Target{Environment: "sandbox"}
	if err := WriteConsole(path, d); err != nil {
		t.Fatal(err)
	}
	got, err := ReadConsole(path)
	if !errors.Is(err, ErrCredentialMissing) || got == nil || got.Topic != "com.example.app" {
		t.Fatalf("got %+v, %v; want the document and ErrCredentialMissing", got, err)
	}
	if !strings.Contains(err.Error(), "AuthKey_ABC123DEFG.p8 no longer exists") || !strings.Contains(err.Error(), "choose it again") {
		t.Errorf("error lacks the cause or fix: %v", err)
	}
}

func TestWritesAreAtomicAndReplaceSymlinks(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim.txt")
	os.WriteFile(victim, []byte("keep me"), 0o644)
	link := filepath.Join(dir, "doc.apnsconsole")
	if err := os.Symlink(victim, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if err := WriteConsole(link, sampleDocument(dir)); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(victim); string(data) != "keep me" {
		t.Errorf("the write went through the symlink: victim now %q", data)
	}
	if st, _ := os.Lstat(link); st.Mode()&os.ModeSymlink != 0 {
		t.Errorf("the symlink is still there")
	}
	// A failed save leaves the old file whole and no temporary file.
	bad := sampleDocument(dir)
	bad.Payload = json.RawMessage(`[1]`)
	if err := WriteConsole(link, bad); !errors.Is(err, ErrPayloadNotObject) {
		t.Errorf("saving a list payload: %v", err)
	}
	if _, err := ReadConsole(link); err != nil && !errors.Is(err, ErrCredentialMissing) {
		t.Errorf("the old document was damaged: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	if err := WriteAPNs(dir, &APNsFile{Payload: []byte(`{"aps":{}}`)}); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("writing over a folder: %v", err)
	}
}

func TestConsoleDocumentKeepsAKeychainIdentityByFingerprint(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k.apnsconsole")
	d := sampleDocument(dir)
	d.Target = Target{Environment: "sandbox"}
	d.Credential = credential.Ref{Kind: credential.KindKeychain, Path: "0F1E2D3C4B5A69788796A5B4C3D2E1F001122334"}
	if err := WriteConsole(path, d); err != nil {
		t.Fatal(err)
	}
	got, err := ReadConsole(path)
	if err != nil || got.Credential != d.Credential {
		t.Fatalf("read back %+v, %v; want the fingerprint as saved, no missing file", got.Credential, err)
	}
}

// FuzzParse feeds any bytes to both readers: they never panic, and every
// refusal is an *Error with a fix.
func FuzzParse(f *testing.F) {
	good, _ := sampleDocument("/docs").Encode("")
	f.Add(good)
	f.Add([]byte(`{"Simulator Target Bundle":"a","aps":{"alert":"x"}}`))
	f.Add([]byte(`{"format":"apns-console","version":1,"payload":[],"credential":{"kind":"p12"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, parse := range []func([]byte) error{
			func(d []byte) error { _, err := ParseAPNs(d); return err },
			func(d []byte) error { _, err := ParseConsole(d, ""); return err },
		} {
			err := parse(data)
			var e *Error
			if err != nil && (!errors.As(err, &e) || e.Fix == "" || e.Problem == "") {
				t.Fatalf("%q: %v is not an *Error with a problem and a fix", data, err)
			}
		}
	})
}
