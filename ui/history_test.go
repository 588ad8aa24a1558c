package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender/apnstest"
)

func testHistory(t *testing.T) historyStore {
	t.Helper()
	return historyStore{privateFile{path: filepath.Join(t.TempDir(), "history", historyFile), limit: historyBytes}}
}

func sendRow(i int, story ...string) *logEntry {
	return &logEntry{Time: time.Unix(int64(1700000000+i), 0), Kind: kindSend, Env: "sandbox",
		Token: apnstest.DemoToken, Status: "200 OK", Text: "send " + string(rune('a'+i%26)), Story: story}
}

func asides(t *testing.T, path string) []string {
	t.Helper()
	m, err := filepath.Glob(path + ".corrupt-*")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A damaged history is moved aside (history.json.corrupt-TIME) and
// reported, never dropped in silence and written over; the next load
// starts afresh without a report.
func TestDamagedHistoryIsKeptAsideAndReportedOnce(t *testing.T) {
	h := testHistory(t)
	damaged := []byte(`[{"time":"2026-01-01T00:00:00Z","kind":"send","status":"200 OK"`) // cut off mid-write
	if err := h.save(nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(h.path, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	rows, problem := h.load()
	if len(rows) != 0 || problem == nil || !strings.Contains(problem.Error(), "is damaged") || !strings.Contains(problem.Error(), "it is kept as history.json.corrupt-") {
		t.Fatalf("rows %d, problem %v", len(rows), problem)
	}
	kept := asides(t, h.path)
	if len(kept) != 1 {
		t.Fatalf("set aside: %v", kept)
	}
	if data, _ := os.ReadFile(kept[0]); string(data) != string(damaged) {
		t.Errorf("the damaged file was changed: %q", data)
	}
	if err := h.save([]*logEntry{sendRow(1)}); err != nil {
		t.Fatal(err)
	}
	rows, problem = h.load()
	if len(rows) != 1 || problem != nil {
		t.Errorf("after a new save: %d rows, %v", len(rows), problem)
	}
	if data, _ := os.ReadFile(kept[0]); string(data) != string(damaged) {
		t.Errorf("the damaged file was written over: %q", data)
	}
}

// The history is never read or written through a symbolic link: the
// file it points to is left as it is.
func TestHistoryIsNeverReadOrWrittenThroughALink(t *testing.T) {
	h := testHistory(t)
	if err := h.save([]*logEntry{sendRow(1)}); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "elsewhere.json")
	if err := os.WriteFile(target, []byte(`[]`), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(h.path)
	if err := os.Symlink(target, h.path); err != nil {
		t.Fatal(err)
	}
	if err := h.save([]*logEntry{sendRow(2)}); err == nil {
		t.Error("saved through a link")
	}
	if data, _ := os.ReadFile(target); string(data) != `[]` {
		t.Errorf("the link's target was written: %s", data)
	}
	if rows, problem := h.load(); len(rows) != 0 || problem == nil || !strings.Contains(problem.Error(), "symbolic link") {
		t.Errorf("load through a link: %d rows, %v", len(rows), problem)
	}
	if data, _ := os.ReadFile(target); string(data) != `[]` {
		t.Errorf("the link's target was changed: %s", data)
	}
	if err := h.save([]*logEntry{sendRow(3)}); err != nil { // the link was moved aside
		t.Errorf("save after the link was moved aside: %v", err)
	}
	if fi, err := os.Lstat(h.path); err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Errorf("history file: %v %v", fi, err)
	}
}

// The history is bounded in bytes as well as in sends: the oldest sends
// are dropped to keep the file within 5 MB, and a larger file (an earlier
// version's, 330 MB) is not read whole at launch but set aside.
func TestHistoryIsBoundedInBytes(t *testing.T) {
	h := testHistory(t)
	story := strings.Repeat("x", 10<<10) // 10 KB per send: 1,000 sends would be 10 MB
	var rows []*logEntry
	for i := range historyLimit {
		rows = append(rows, sendRow(i, story))
	}
	if err := h.save(rows); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(h.path)
	if err != nil || fi.Size() > historyBytes || fi.Size() < historyBytes-20<<10 {
		t.Fatalf("history file %d bytes, want just under %d: %v", fi.Size(), historyBytes, err)
	}
	got, problem := h.load()
	if problem != nil || len(got) == 0 || len(got) >= historyLimit {
		t.Fatalf("%d rows, %v", len(got), problem)
	}
	if !got[len(got)-1].Time.Equal(rows[len(rows)-1].Time) || !got[0].Time.Equal(rows[len(rows)-len(got)].Time) {
		t.Errorf("not the newest %d sends: first %v, last %v", len(got), got[0].Time, got[len(got)-1].Time)
	}

	f, err := os.Create(h.path)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(330 << 20) // sparse
	f.Close()
	t0 := time.Now()
	rows, problem = h.load()
	if len(rows) != 0 || problem == nil || !strings.Contains(problem.Error(), "it is 330 MiB, over its limit of 5 MiB") {
		t.Errorf("%d rows, %v", len(rows), problem)
	}
	if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("a 330 MB history took %v to refuse", d)
	}
}

// The window reports a damaged history once, in the log, and the next
// launch has no such report.
func TestConsoleReportsADamagedHistoryOnce(t *testing.T) {
	a := newTestApp(t)
	c := New(a, "test")
	path := c.log.history.path
	c.Close()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	c = New(a, "test")
	<-c.historyRead // read on a goroutine
	log := strings.Join(c.log.Lines(), "\n")
	c.Close()
	if !strings.Contains(log, "The send history could not be read: "+path+" was not read: it is damaged") {
		t.Errorf("no report of the damaged history:\n%s", log)
	}
	c = New(a, "test")
	defer c.Close()
	<-c.historyRead
	if log := strings.Join(c.log.Lines(), "\n"); strings.Contains(log, "could not be read") {
		t.Errorf("reported again:\n%s", log)
	}
	if len(asides(t, path)) != 1 {
		t.Errorf("the damaged history is not kept aside")
	}
}

// Device tokens are kept in the app's own private file (0600), not in
// Fyne's preferences (0644, rewritten in place); an earlier version's
// token in Fyne's preferences moves there.
func TestDeviceTokensAreKeptOutOfFynePreferences(t *testing.T) {
	a := newTestApp(t)
	const old = "<740f4707 bebcf74f 9b7c25d4 8e335894 5f6aa01d a5ddb387 462c7eaf 61bb78ad>"
	a.Preferences().SetString(prefEnvironment, "sandbox")
	a.Preferences().SetString(prefToken, old)
	c := New(a, "test")
	if c.dev.tokens.Text != old {
		t.Errorf("the token kept by an earlier version: %q", c.dev.tokens.Text)
	}
	if v := a.Preferences().String(prefToken); v != "" {
		t.Errorf("Fyne's preferences still hold the token: %q", v)
	}
	c.dev.tokens.SetText("abcd\nef01")
	c.save()
	c.Close()
	if v := a.Preferences().String(prefToken); v != "" {
		t.Errorf("Fyne's preferences hold the token: %q", v)
	}
	path := c.private.file.path
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("private file: %v %v", fi, err)
	}
	data, _ := os.ReadFile(path)
	var v map[string]string
	if json.Unmarshal(data, &v) != nil || v[prefToken] != "abcd\nef01" {
		t.Errorf("private file: %s", data)
	}
	c2 := New(a, "test")
	defer c2.Close()
	if c2.dev.tokens.Text != "abcd\nef01" {
		t.Errorf("tokens after a restart: %q", c2.dev.tokens.Text)
	}

	// A damaged file is set aside and reported, not written over.
	c2.Close()
	os.WriteFile(path, []byte("{"), 0o600)
	c3 := New(a, "test")
	defer c3.Close()
	if log := strings.Join(c3.log.Lines(), "\n"); !strings.Contains(log, "The saved device tokens could not be read") || len(asides(t, path)) != 1 {
		t.Errorf("damaged private file: %v\n%s", asides(t, path), log)
	}
}

// FuzzHistoryLoad: whatever the file holds, load gives rows (at most
// historyLimit) or sets the file aside with a report, and never panics; what
// save writes loads back the same and within historyBytes.
func FuzzHistoryLoad(f *testing.F) {
	good, _ := encodeHistory([]*logEntry{sendRow(1, "a", "b"), sendRow(2)}, historyBytes)
	for _, s := range [][]byte{good, []byte(""), []byte("[]"), []byte("null"), []byte(`{"a":1}`), []byte(`[{"time":"x"}]`), []byte("[" + strings.Repeat(`{},`, 1500) + "{}]")} {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		h := historyStore{privateFile{path: filepath.Join(dir, historyFile), limit: 64 << 10}}
		if err := os.WriteFile(h.path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		rows, problem := h.load()
		if problem != nil {
			if len(rows) != 0 || !strings.Contains(problem.Error(), "it is kept as") {
				t.Fatalf("%d rows, %v", len(rows), problem)
			}
			for _, p := range asides(t, h.path) {
				os.Remove(p)
			}
			return
		}
		if len(rows) > historyLimit {
			t.Fatalf("%d rows", len(rows))
		}
		out, err := encodeHistory(rows, 4<<10)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) > 4<<10 {
			t.Fatalf("encoded %d bytes over the 4 KiB asked", len(out))
		}
		var back []*logEntry
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("encodeHistory wrote what does not read back: %v", err)
		}
	})
}

// BenchmarkHistoryLoadLargest is the launch's share for the history: read
// and parse the largest the window keeps (1,000 sends, just under 5 MB).
func BenchmarkHistoryLoadLargest(b *testing.B) {
	story := make([]string, 40)
	for i := range story {
		story[i] = strings.Repeat("header and frame detail ", 5)
	}
	var rows []*logEntry
	for i := range historyLimit {
		rows = append(rows, sendRow(i, story...))
	}
	h := historyStore{privateFile{path: filepath.Join(b.TempDir(), historyFile), limit: historyBytes}}
	if err := h.save(rows); err != nil {
		b.Fatal(err)
	}
	fi, _ := os.Stat(h.path)
	b.SetBytes(fi.Size())
	for b.Loop() {
		if got, err := h.load(); err != nil || len(got) != historyLimit {
			b.Fatalf("%d rows, %v", len(got), err)
		}
	}
}
