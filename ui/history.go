package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"

	"apnsconsole/internal/safefile"
)

// historyLimit is how many sends the history keeps across launches.
const historyLimit = 1000

// historyFile is the history's name in the app's storage.
const historyFile = "history.json"

// historyStore keeps the last sends (rows and their stories) in the app's
// storage. Stories hold no secrets: the sender's events never carry a
// password, a private key or a JWT.
type historyStore struct{ path string } // "" when the app has no storage

func newHistoryStore(a fyne.App) historyStore {
	root := a.Storage().RootURI()
	if root == nil || root.Scheme() != "file" {
		return historyStore{}
	}
	// In a folder of its own: Fyne watches the storage root for changes to
	// its preferences file and reloads it on any write there, which races
	// its own writes ("Preferences load error: EOF").
	return historyStore{path: filepath.Join(root.Path(), "history", historyFile)}
}

// load reads the saved rows; a missing or damaged file gives none.
func (h historyStore) load() []*logEntry {
	if h.path == "" {
		return nil
	}
	data, err := os.ReadFile(h.path)
	if err != nil {
		return nil
	}
	var rows []*logEntry
	if json.Unmarshal(data, &rows) != nil {
		return nil
	}
	if len(rows) > historyLimit {
		rows = rows[len(rows)-historyLimit:]
	}
	return rows
}

// save writes rows atomically (package safefile), never through a
// symbolic link, readable by the user only.
func (h historyStore) save(rows []*logEntry) error {
	if h.path == "" {
		return nil
	}
	data, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		return err
	}
	return safefile.WriteFile(h.path, data, 0o600, safefile.WithNoSymlink())
}

func (h historyStore) clear() {
	if h.path != "" {
		os.Remove(h.path)
	}
}

// loadHistory shows the sends of earlier sessions.
func (p *LogPane) loadHistory() {
	rows := p.history.load()
	if len(rows) == 0 {
		return
	}
	p.mu.Lock()
	for _, e := range rows {
		p.rows.push(e)
	}
	p.scheduleLocked()
	p.mu.Unlock()
}

// saveHistory keeps the last sends (finished ones) for the next launch.
// Saves run one at a time; the last one written has the newest rows.
func (p *LogPane) saveHistory() {
	p.saving.Lock()
	defer p.saving.Unlock()
	if p.historyClosed {
		return // the window's last save is written
	}
	p.writeHistory()
}

// saveHistorySoon saves within a few seconds: a burst of sends writes the
// file once.
func (p *LogPane) saveHistorySoon() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.savePending {
		return
	}
	p.savePending = true
	time.AfterFunc(historyDelay, func() {
		p.mu.Lock()
		p.savePending = false
		p.mu.Unlock()
		p.saveHistory()
	})
}

// historyDelay is how long saveHistorySoon waits.
const historyDelay = 3 * time.Second

// closeHistory writes the history a last time; later saves do nothing.
func (p *LogPane) closeHistory() {
	p.saving.Lock()
	defer p.saving.Unlock()
	if !p.historyClosed {
		p.writeHistory()
		p.historyClosed = true
	}
}

func (p *LogPane) writeHistory() {
	p.mu.Lock()
	var rows []*logEntry
	for i := 0; i < p.rows.len(); i++ {
		if e := p.rows.at(i); e.isSend() && e.Status != "" {
			c := *e
			c.Story = append([]string(nil), e.Story...)
			rows = append(rows, &c)
		}
	}
	p.mu.Unlock()
	if len(rows) > historyLimit {
		rows = rows[len(rows)-historyLimit:]
	}
	if err := p.history.save(rows); err != nil {
		fyne.LogError("saving the send history", err)
	}
}
