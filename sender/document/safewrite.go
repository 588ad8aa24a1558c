package document

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"apnsconsole/internal/safefile"
)

// maxFile is far larger than any payload or token list people keep (the
// payload is at most 5 KB; a million tokens would be 65 MB).
const maxFile = 64 << 20

// readFile reads a document, refusing folders, devices and huge files.
func readFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, &Error{Path: path, Problem: "cannot open the file (" + pathErrorText(err) + ")", Fix: "check the name and folder", Err: err}
	}
	if !st.Mode().IsRegular() {
		return nil, &Error{Path: path, Problem: "this is not a regular file", Fix: "choose a .apns or .apnsconsole file", Err: ErrNotRegularFile}
	}
	if st.Size() > maxFile {
		return nil, &Error{Path: path, Problem: fmt.Sprintf("the file is %d MB, far larger than a push document", st.Size()>>20), Fix: "choose a .apns or .apnsconsole file", Err: ErrFileTooLarge}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{Path: path, Problem: "cannot read the file (" + pathErrorText(err) + ")", Fix: "check that you may read it", Err: err}
	}
	return data, nil
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
