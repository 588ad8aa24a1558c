// Package safefile writes files so that a reader, a crash or a full disk
// never leaves half of one: the data goes into a temporary file in the
// same folder, is synced to disk, and is renamed over the old file, and
// the folder is synced so that the rename itself survives a power cut.
//
// A symbolic link at the path is replaced by the new file, never written
// through (rename replaces the link itself); WithNoSymlink refuses one
// instead, for folders another user might have planted a link in. The
// mode is set on the file exactly, whatever the umask and whatever mode
// an old file had: private data is written 0600.
//
// WriteSet writes several files of one folder as a unit: every file is
// written and synced before the first is renamed into place, so that a
// failure while writing leaves every old file as it was.
//
// It is our own rather than github.com/google/renameio: renameio builds
// on Unix only (the window and the CLI ship for Windows too), does not
// sync the folder after the rename, and has no multi-file unit.
package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrSymlink is returned (wrapped) by a write WithNoSymlink when the path is
// a symbolic link.
var ErrSymlink = errors.New("is a symbolic link")

// ErrNotRegular is returned (wrapped) when the path is a folder, a device
// or anything else but a regular file (or, without WithNoSymlink, a link).
var ErrNotRegular = errors.New("is not a regular file")

// Option changes how a file is written.
type Option func(*options)

type options struct {
	noSymlink bool
}

// WithNoSymlink refuses to write where the path is a symbolic link,
// instead of replacing the link by the file.
func WithNoSymlink() Option { return func(o *options) { o.noSymlink = true } }

// File is one file of a WriteSet.
type File struct {
	Name string      // the file's name inside the set's folder
	Data []byte      // its whole content
	Perm fs.FileMode // its permission bits, e.g. 0o600 for private data
}

// WriteFile replaces path with data, with permission bits perm, atomically
// (see the package comment). The folder must exist.
func WriteFile(path string, data []byte, perm fs.FileMode, opts ...Option) error {
	return writeSet(filepath.Dir(path), []File{{Name: filepath.Base(path), Data: data, Perm: perm}}, opts)
}

// WriteSet writes files into dir (which must exist) as a unit: each is
// written to a temporary file and synced first; only when all of them are
// on disk are they renamed into place, one after another, and the folder
// synced. A failure before the renames leaves every old file untouched
// and no temporary file behind.
func WriteSet(dir string, files []File, opts ...Option) error {
	return writeSet(dir, files, opts)
}

func writeSet(dir string, files []File, optList []Option) (err error) {
	var o options
	for _, opt := range optList {
		opt(&o)
	}
	for _, f := range files {
		if err := check(filepath.Join(dir, f.Name), o); err != nil {
			return err
		}
	}
	temps := make([]string, 0, len(files))
	defer func() {
		for _, t := range temps {
			if t != "" {
				os.Remove(t)
			}
		}
	}()
	for _, f := range files {
		t, err := writeTemp(dir, f)
		if err != nil {
			return err
		}
		temps = append(temps, t)
	}
	for i, f := range files {
		path := filepath.Join(dir, f.Name)
		if err := check(path, o); err != nil { // planted since the first check
			return err
		}
		if err := os.Rename(temps[i], path); err != nil {
			return fmt.Errorf("replacing %s: %w", path, err)
		}
		temps[i] = ""
	}
	// Best effort: the files are in place whatever it says, and some file
	// systems (network shares, FUSE) cannot sync a folder.
	syncDir(dir)
	return nil
}

// check refuses a path that is a folder or device, or a link when the
// options say so.
func check(path string, o options) error {
	fi, err := os.Lstat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		if o.noSymlink {
			return fmt.Errorf("%s %w: not writing through it (remove it, or choose another folder)", path, ErrSymlink)
		}
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s %w: remove it, or choose another name", path, ErrNotRegular)
	}
	return nil
}

// writeTemp writes f into a new temporary file in dir, with f's mode,
// synced and closed, and returns its name.
func writeTemp(dir string, f File) (name string, err error) {
	tmp, err := os.CreateTemp(dir, "."+f.Name+".*.tmp") // created 0600
	if err != nil {
		return "", err
	}
	name = tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(name)
			name = ""
		}
	}()
	if err := tmp.Chmod(f.Perm.Perm()); err != nil {
		return "", err
	}
	if _, err := tmp.Write(f.Data); err != nil {
		return "", err
	}
	if err := tmp.Sync(); err != nil {
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return name, nil
}
