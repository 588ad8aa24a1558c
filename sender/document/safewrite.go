package document

import (
	"errors"
	"os"
	"path/filepath"

	"apnsconsole/internal/userfile"
)

// documentFile is the limit on a document: 64 MiB is far larger than any
// payload or token list people keep (the payload is at most 5 KB; a
// million tokens would be 65 MB).
var documentFile = userfile.Limit{Max: 64 << 20, What: "a push document", Fix: "choose a .apns or .apnsconsole file"}

// readFile reads a document, refusing folders, named pipes, devices and
// huge files before reading them, and reading no more than the limit.
func readFile(path string) ([]byte, error) {
	data, err := documentFile.Read(path)
	var fe *userfile.Error
	if !errors.As(err, &fe) {
		return data, err
	}
	de := &Error{Path: path, Problem: "this " + fe.Problem, Fix: fe.Fix, Err: fe.Err}
	switch {
	case errors.Is(err, userfile.ErrNotRegular):
		de.Err = ErrNotRegularFile
	case errors.Is(err, userfile.ErrTooLarge):
		de.Err = ErrFileTooLarge
	default: // not found, not allowed
		de.Problem, de.Fix = "cannot open the file ("+pathErrorText(fe.Err)+")", "check the name and folder"
	}
	return nil, de
}

func pathErrorText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// writeFile writes data to path atomically: into a new temporary file in
// the same folder, synced, then renamed over path. A symbolic link at path
// is replaced by the file, never followed; the old file is left whole if
// anything fails. The file is readable by the owner only when private.
func writeFile(path string, data []byte, private bool) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if st, err := os.Lstat(path); err == nil && st.IsDir() {
		return &Error{Path: path, Problem: "this is a folder", Fix: "choose a file name inside it"}
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return &Error{Path: path, Problem: "cannot write in its folder (" + pathErrorText(err) + ")", Fix: "choose a folder you may write to", Err: err}
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	perm := os.FileMode(0o644)
	if private {
		perm = 0o600
	}
	if err := tmp.Chmod(perm); err != nil {
		return &Error{Path: path, Problem: "cannot set the file's permissions (" + pathErrorText(err) + ")", Fix: "choose another folder", Err: err}
	}
	if _, err := tmp.Write(data); err != nil {
		return &Error{Path: path, Problem: "cannot write the file (" + pathErrorText(err) + ")", Fix: "check the free space, or choose another folder", Err: err}
	}
	if err := tmp.Sync(); err != nil {
		return &Error{Path: path, Problem: "cannot write the file to disk (" + pathErrorText(err) + ")", Fix: "check the disk, or choose another folder", Err: err}
	}
	if err := tmp.Close(); err != nil {
		return &Error{Path: path, Problem: "cannot write the file (" + pathErrorText(err) + ")", Fix: "check the free space, or choose another folder", Err: err}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return &Error{Path: path, Problem: "cannot replace the file (" + pathErrorText(err) + ")", Fix: "check that you may write to it", Err: err}
	}
	if d, err := os.Open(dir); err == nil { // make the rename itself durable; best effort
		d.Sync()
		d.Close()
	}
	return nil
}
