package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var tmp []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			tmp = append(tmp, e.Name())
		}
	}
	return tmp
}

func TestWriteFileReplacesAndSetsTheModeExactly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(path, []byte("old"), 0o666); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o666) // whatever the umask
	if err := WriteFile(path, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := read(t, path); got != "new" {
		t.Errorf("content %q, want new", got)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600 (the old file's 0666 must not survive)", fi.Mode().Perm())
		}
		if err := WriteFile(path, []byte("public"), 0o644); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
			t.Errorf("mode %v, want 0644", fi.Mode().Perm())
		}
	}
	if tmp := leftovers(t, dir); tmp != nil {
		t.Errorf("temporary files left: %v", tmp)
	}
}

func TestWriteFileReplacesASymlinkWithoutFollowingIt(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	link := filepath.Join(dir, "history.json")
	if err := os.Symlink(victim, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := WriteFile(link, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := read(t, victim); got != "precious" {
		t.Errorf("the write went through the link: the target now holds %q", got)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink != 0 || read(t, link) != "mine" {
		t.Errorf("the link was not replaced by the file (mode %v)", fi.Mode())
	}
}

func TestWithNoSymlinkRefusesALink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	link := filepath.Join(dir, "ca.pem")
	if err := os.Symlink(victim, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	err := WriteFile(link, []byte("mine"), 0o644, WithNoSymlink())
	if !errors.Is(err, ErrSymlink) || !strings.Contains(err.Error(), link) {
		t.Errorf("err = %v, want ErrSymlink naming the path", err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced")
	}
	if got := read(t, victim); got != "precious" {
		t.Errorf("the target now holds %q", got)
	}
}

func TestWriteFileRefusesAFolder(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "doc.apns")
	os.Mkdir(sub, 0o755)
	if err := WriteFile(sub, []byte("x"), 0o644); !errors.Is(err, ErrNotRegular) {
		t.Errorf("err = %v, want ErrNotRegular", err)
	}
	if tmp := leftovers(t, dir); tmp != nil {
		t.Errorf("temporary files left: %v", tmp)
	}
}

func TestWriteFileInAMissingFolderFails(t *testing.T) {
	if err := WriteFile(filepath.Join(t.TempDir(), "no", "such"), []byte("x"), 0o644); err == nil {
		t.Error("no error writing into a missing folder")
	}
}

// TestWriteSetIsAUnit: when one file of the set cannot be written, none of
// the old files changes and no temporary file stays.
func TestWriteSetIsAUnit(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), []byte("old a"), 0o644)
	os.WriteFile(filepath.Join(dir, "b"), []byte("old b"), 0o644)
	os.Mkdir(filepath.Join(dir, "c"), 0o755) // cannot be replaced by a file
	err := WriteSet(dir, []File{{"a", []byte("new a"), 0o644}, {"b", []byte("new b"), 0o600}, {"c", []byte("new c"), 0o644}})
	if err == nil {
		t.Fatal("no error with a folder in the way")
	}
	if read(t, filepath.Join(dir, "a")) != "old a" || read(t, filepath.Join(dir, "b")) != "old b" {
		t.Error("a failed set changed some of the old files")
	}
	if tmp := leftovers(t, dir); tmp != nil {
		t.Errorf("temporary files left: %v", tmp)
	}

	os.Remove(filepath.Join(dir, "c"))
	if err := WriteSet(dir, []File{{"a", []byte("new a"), 0o644}, {"b", []byte("new b"), 0o600}, {"c", []byte("new c"), 0o644}}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"a": "new a", "b": "new b", "c": "new c"} {
		if got := read(t, filepath.Join(dir, name)); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(filepath.Join(dir, "b")); fi.Mode().Perm() != 0o600 {
			t.Errorf("b: mode %v, want 0600", fi.Mode().Perm())
		}
	}
}

// TestWriteSetFailingMidWriteLeavesNothing: a write that fails after some
// temporary files exist removes them. The failure is a name that fits the
// file system but not with the temporary suffix (a read-only folder would
// not stop root).
func TestWriteSetFailingMidWriteLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("x", 250) // NAME_MAX is 255: the name fits, its temporary file does not
	err := WriteSet(dir, []File{{"a", []byte("a"), 0o644}, {long, []byte("b"), 0o644}})
	if err == nil {
		t.Fatal("no error for a name too long")
	}
	if _, err := os.Stat(filepath.Join(dir, "a")); err == nil {
		t.Error("the first file of a failed set was put in place")
	}
	if tmp := leftovers(t, dir); tmp != nil {
		t.Errorf("temporary files left: %v", tmp)
	}
}
