package document

import (
	"errors"
	"io/fs"
	"os"

	"apnsconsole/internal/safefile"
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
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return err.Error()
}

// writeFile writes data to path atomically (package safefile): a reader
// never sees half a file, a symbolic link at path is replaced by the file,
// never followed, and the old file is left whole if anything fails. The
// file is readable by the owner only when private.
func writeFile(path string, data []byte, private bool) error {
	perm := os.FileMode(0o644)
	if private {
		perm = 0o600
	}
	err := safefile.WriteFile(path, data, perm)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, safefile.ErrNotRegular):
		return &Error{Path: path, Problem: "this is a folder, or not a regular file", Fix: "choose a file name inside it, or another name", Err: err}
	case errors.Is(err, fs.ErrPermission):
		return &Error{Path: path, Problem: "cannot write in its folder (" + pathErrorText(err) + ")", Fix: "choose a folder you may write to", Err: err}
	}
	return &Error{Path: path, Problem: "cannot write the file (" + pathErrorText(err) + ")", Fix: "check the free space, or choose another folder", Err: err}
}
