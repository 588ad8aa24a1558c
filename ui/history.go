package ui

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"

	"apnsconsole/sender"
)

// historyLimit is how many sends the history keeps across launches, and
// historyBytes how large its file may be: the oldest sends are dropped to
// stay under both, so the next launch reads it in well under a second.
const (
	historyLimit = 1000
	historyBytes = 5 << 20
)

// historyFile is the history's name in the app's storage.
const historyFile = "history.json"

// historyStore keeps the last sends (rows and their stories) in the app's
// storage, in a file of its own (privatefile.go: 0600, written
// atomically, never through a link, bounded; a damaged one is moved
// aside and reported once). Stories hold no secrets: the sender's events
// never carry a password, a private key or a JWT; they hold device tokens,
// hence the file's privacy.
type historyStore struct{ privateFile }

func newHistoryStore(a fyne.App) historyStore {
	root := a.Storage().RootURI()
	if root == nil || root.Scheme() != "file" {
		return historyStore{}
	}
	// In a folder of its own: Fyne watches the storage root for changes to
	// its preferences file and reloads it on any write there, which races
	// its own writes ("Preferences load error: EOF").
	return historyStore{privateFile{path: filepath.Join(root.Path(), "history", historyFile), limit: historyBytes}}
}

// load reads the saved rows. A missing file gives none; a file that cannot
// be used gives none and the problem to show (once: the file is moved
// aside, so the next launch starts afresh).
func (h *historyStore) load() (rows []*logEntry, problem error) {
	_, err := h.privateFile.load(func(data []byte) error { return json.Unmarshal(data, &rows) })
	var aside *setAside
	switch {
	case errors.Is(err, errNoFile):
		return nil, nil
	case errors.As(err, &aside) && aside.err != nil:
		h.path = "" // it could not be moved aside: never write over it
		return nil, err
	case err != nil:
		return nil, err
	}
	if len(rows) > historyLimit {
		rows = rows[len(rows)-historyLimit:]
	}
	return rows, nil
}

// encodeHistory is rows as a JSON array of at most maxBytes, dropping the
// oldest rows that do not fit.
func encodeHistory(rows []*logEntry, maxBytes int) ([]byte, error) {
	enc := make([][]byte, len(rows))
	for i, r := range rows {
		b, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		enc[i] = b
	}
	size, first := 2, len(enc) // "[" and "]"
	for first > 0 {
		n := len(enc[first-1]) + 1 // and its comma
		if size+n > maxBytes {
			break
		}
		size += n
		first--
	}
	out := make([]byte, 0, size)
	out = append(out, '[')
	for i, b := range enc[first:] {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, b...)
	}
	return append(out, ']'), nil
}

// save writes the last rows atomically, within historyLimit rows and
// historyBytes bytes.
func (h historyStore) save(rows []*logEntry) error {
	if h.path == "" {
		return nil
	}
	if len(rows) > historyLimit {
		rows = rows[len(rows)-historyLimit:]
	}
	data, err := encodeHistory(rows, historyBytes)
	if err != nil {
		return err
	}
	return h.privateFile.save(data)
}

func (h historyStore) clear() { h.remove() }

// loadHistory shows the sends of earlier sessions.
func (p *LogPane) loadHistory() {
	rows, problem := p.history.load()
	if problem != nil { // shown once: the file was moved aside
		p.Add(sender.EventWarning, toneWarning, "The send history could not be read: "+problem.Error())
	}
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
