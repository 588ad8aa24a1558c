package ui

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
)

// privatePrefs are the preferences that hold device tokens, kept out of
// Fyne's preferences.json (0644, rewritten in place, written through a
// symbolic link) in a file of the app's own (privatefile.go: 0600,
// atomic, never through a link; a damaged one is moved aside and reported
// once).
type privatePrefs struct {
	file    privateFile
	values  map[string]string // UI goroutine only
	problem error             // the file could not be read; shown once in the log

	// Writes run off the UI goroutine (a pasted list of 100,000 tokens is
	// megabytes, synced to disk), one at a time, the newest last.
	writing sync.Mutex
	pending sync.WaitGroup
	version atomic.Int64 // of the newest values handed to a write
	written int64        // the version on disk (guarded by writing)
}

// privatePrefsFile is their file's name in the app's storage, and
// privatePrefsBytes its limit; a tokens field larger than
// privateValueBytes is not kept (a list that long belongs in a file).
const (
	privatePrefsFile  = "private.json"
	privatePrefsBytes = 16 << 20
	privateValueBytes = 8 << 20
)

// privateKeys are the preferences kept in privatePrefs, not Fyne's.
var privateKeys = []string{prefToken}

// openPrivatePrefs reads the private preferences, and moves those an
// earlier version kept in Fyne's preferences into them (removing them
// there).
func openPrivatePrefs(a fyne.App, fynePrefs fyne.Preferences) *privatePrefs {
	p := &privatePrefs{values: map[string]string{}}
	if root := a.Storage().RootURI(); root != nil && root.Scheme() == "file" {
		p.file = privateFile{path: filepath.Join(root.Path(), "private", privatePrefsFile), limit: privatePrefsBytes}
	}
	_, err := p.file.load(func(data []byte) error { return json.Unmarshal(data, &p.values) })
	var aside *setAside
	switch {
	case errors.Is(err, errNoFile):
	case errors.As(err, &aside) && aside.err != nil:
		p.file.path = "" // could not be moved aside: never write over it
		p.problem = err
	case err != nil:
		p.problem = err
	}
	if p.values == nil {
		p.values = map[string]string{}
	}
	moved := false
	for _, k := range privateKeys {
		if v := fynePrefs.String(k); v != "" {
			if _, ok := p.values[k]; !ok {
				p.values[k] = v
				moved = true
			}
			fynePrefs.RemoveValue(k)
		}
	}
	if moved {
		p.write()
		p.wait()
	}
	return p
}

func (p *privatePrefs) String(key string) string { return p.values[key] }

// set keeps value for key, writing the file when it changed.
func (p *privatePrefs) set(key, value string) {
	if len(value) > privateValueBytes {
		value = "" // too long to keep: the next launch starts empty
	}
	if old, ok := p.values[key]; ok && old == value || !ok && value == "" {
		return
	}
	p.values[key] = value
	p.write()
}

// write saves the values in the background; wait waits for it.
func (p *privatePrefs) write() {
	data, err := json.Marshal(p.values)
	if err != nil {
		fyne.LogError("saving the device tokens", err)
		return
	}
	v := p.version.Add(1)
	p.pending.Add(1)
	go func() {
		defer p.pending.Done()
		p.writing.Lock()
		defer p.writing.Unlock()
		if v < p.version.Load() || v <= p.written {
			return // a newer write follows
		}
		if err := p.file.save(data); err != nil {
			fyne.LogError("saving the device tokens", err)
		}
		p.written = v
	}()
}

// wait returns once the writes handed out so far are on disk.
func (p *privatePrefs) wait() {
	if p != nil {
		p.pending.Wait()
	}
}
