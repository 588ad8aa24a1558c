package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"apnsconsole/internal/safefile"
	"apnsconsole/internal/userfile"
)

// privateFile is one of the window's own data files (the send history,
// the preferences that hold device tokens), kept apart from Fyne's
// preferences.json (0644, rewritten in place): readable by the user only
// (0600, in a 0700 folder), written atomically (internal/safefile), never
// read or written through a symbolic link, and read with a size limit. A file that cannot be used (damaged,
// over its limit, a link) is moved aside as NAME.corrupt-TIME, never
// silently overwritten, and the caller reports it once.
type privateFile struct {
	path  string // "" when the app has no storage
	limit int64
	now   func() time.Time
}

// errNoFile is load's answer when there is no file yet.
var errNoFile = errors.New("no file")

// load reads the file: errNoFile when there is none; a *setAside when it
// was unusable (see check) and moved aside.
func (f privateFile) load(check func([]byte) error) ([]byte, error) {
	if f.path == "" {
		return nil, errNoFile
	}
	st, err := os.Lstat(f.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, errNoFile
	case err != nil:
		return nil, err
	case st.Mode()&fs.ModeSymlink != 0:
		return nil, f.setAside("it is a symbolic link, which is never followed")
	case !st.Mode().IsRegular():
		return nil, f.setAside("it is " + userfile.Describe(st.Mode()) + ", not a regular file")
	case st.Size() > f.limit:
		return nil, f.setAside(fmt.Sprintf("it is %s, over its limit of %s", userfile.FormatSize(st.Size()), userfile.FormatSize(f.limit)))
	}
	data, err := userfile.Limit{Max: f.limit, What: "a window data file", Fix: "it was moved aside"}.Read(f.path)
	if errors.Is(err, userfile.ErrTooLarge) || errors.Is(err, userfile.ErrNotRegular) {
		return nil, f.setAside(err.Error())
	}
	if err != nil {
		return nil, err
	}
	if err := check(data); err != nil {
		return nil, f.setAside("it is damaged (" + err.Error() + ")")
	}
	return data, nil
}

// setAside is a file that could not be used, and where it was moved.
type setAside struct {
	path, aside, why string
	err              error // the rename's failure, if it failed
}

func (e *setAside) Error() string {
	if e.err != nil {
		return fmt.Sprintf("%s was not read: %s; it could not be moved aside (%v), so it is left as it is and not written over", e.path, e.why, e.err)
	}
	return fmt.Sprintf("%s was not read: %s; it is kept as %s", e.path, e.why, filepath.Base(e.aside))
}

// setAside renames the file to NAME.corrupt-TIME (a link is renamed, not
// followed).
func (f privateFile) setAside(why string) error {
	now := time.Now
	if f.now != nil {
		now = f.now
	}
	aside := f.path + ".corrupt-" + now().UTC().Format("20060102T150405Z")
	e := &setAside{path: f.path, aside: aside, why: why}
	if _, err := os.Lstat(aside); err == nil {
		aside += fmt.Sprintf("-%d", now().UnixNano())
		e.aside = aside
	}
	e.err = os.Rename(f.path, aside)
	return e
}

// save writes data atomically (package safefile: a new temporary file,
// synced, renamed over the file, the folder synced), readable by the user
// only. A symbolic link at the path, or a folder that is a link, is
// refused, never followed.
func (f privateFile) save(data []byte) error {
	if f.path == "" {
		return nil
	}
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if st, err := os.Lstat(dir); err != nil {
		return err
	} else if st.Mode()&fs.ModeSymlink != 0 || !st.IsDir() {
		return fmt.Errorf("%s is not a folder of the app's own (a symbolic link?): not writing through it", dir)
	}
	return safefile.WriteFile(f.path, data, 0o600, safefile.WithNoSymlink())
}

func (f privateFile) remove() {
	if f.path != "" {
		os.Remove(f.path)
	}
}
