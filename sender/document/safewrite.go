package document

import (
	"fmt"
	"os"
	"path/filepath"
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
