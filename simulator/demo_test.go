package simulator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	xpkcs12 "golang.org/x/crypto/pkcs12"

	"apnsconsole/internal/safefile"
)

// TestLoadFilesReadsWhatWriteFilesWrote, and names the file at fault when
// the set is not the one its manifest lists.
func TestLoadFilesReadsWhatWriteFilesWrote(t *testing.T) {
	f := getFixture(t)
	dir := t.TempDir()
	if _, _, err := LoadFiles(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("empty dir: %v, want fs.ErrNotExist", err)
	}
	if err := f.demo.WriteFiles(dir, f.authority); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, d := got.Authority, got.Demo
	if !a.Cert.Equal(f.authority.Cert) || !a.Key.Equal(f.authority.Key) || !d.Cert.Cert.Equal(f.demo.Cert.Cert) ||
		!d.Key.Key.Equal(f.demo.Key.Key) || string(d.P12) != string(f.demo.P12) || string(d.LegacyP12) != string(f.demo.LegacyP12) {
		t.Error("ReadFiles read back other credentials than were written")
	}
	if got.Stale || len(got.Notices) > 0 {
		t.Errorf("a set just written: stale %v, notices %q", got.Stale, got.Notices)
	}

	other, err := NewAuthority()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, FileCA), other.CertPEM, 0o644)
	if _, _, err := LoadFiles(dir); err == nil || errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), FileCA+" was changed") {
		t.Errorf("a CA changed since: %v, want an error naming %s", err, FileCA)
	}
	os.WriteFile(filepath.Join(dir, FileCA), f.authority.CertPEM, 0o644)
	os.Remove(filepath.Join(dir, FileCAKey))
	if _, _, err := LoadFiles(dir); err == nil || errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "lacks "+FileCAKey) {
		t.Errorf("a missing file: %v, want an error naming %s", err, FileCAKey)
	}
}

// TestLegacyP12ReadsWithXCryptoPKCS12: demo-legacy.p12 is what
// golang.org/x/crypto/pkcs12 (sideshow/apns2's reader) can decode, unlike
// the modern demo.p12.
func TestLegacyP12ReadsWithXCryptoPKCS12(t *testing.T) {
	f := getFixture(t)
	dir := t.TempDir()
	if err := f.demo.WriteFiles(dir, f.authority); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, FileDemoLegacyP12))
	if err != nil {
		t.Fatal(err)
	}
	key, cert, err := xpkcs12.Decode(b, DemoP12Password)
	if err != nil {
		t.Fatalf("x/crypto/pkcs12 cannot read %s: %v", FileDemoLegacyP12, err)
	}
	if !cert.Equal(f.demo.Cert.Cert) || key == nil {
		t.Errorf("%s holds another certificate (%s)", FileDemoLegacyP12, cert.Subject)
	}
	if _, _, err := xpkcs12.Decode(f.demo.P12, DemoP12Password); err == nil {
		t.Log("x/crypto/pkcs12 reads the modern .p12 too: the legacy one is no longer needed by it")
	}
}

// TestAFullDiskLeavesNoHalfSet: whatever byte the disk fills at, the set
// left behind either reads as whole or counts as absent (to be made
// again): never a half set that refuses every start until --fresh. The
// fake disk is worse than safefile.WriteSet (which renames nothing until
// every file is on disk): it puts each file in place as it goes, as a
// crash between two renames would leave them.
func TestAFullDiskLeavesNoHalfSet(t *testing.T) {
	f := getFixture(t)
	next, err := f.authority.NewDemo()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	files, _ := next.setFiles(f.authority)
	for _, sf := range files {
		total += len(sf.Data)
	}
	for budget := 0; budget < total+2000; budget += 900 {
		dir := t.TempDir()
		if err := f.demo.WriteFiles(dir, f.authority); err != nil {
			t.Fatal(err)
		}
		left := budget
		full := func(dir string, files []safefile.File, opts ...safefile.Option) error {
			for _, sf := range files {
				if len(sf.Data) > left {
					left = 0
					return fmt.Errorf("writing %s: %w", sf.Name, syscall.ENOSPC)
				}
				left -= len(sf.Data)
				if err := safefile.WriteFile(filepath.Join(dir, sf.Name), sf.Data, sf.Perm, opts...); err != nil {
					return err
				}
			}
			return nil
		}
		err := next.writeFiles(dir, f.authority, full)
		if err == nil {
			if budget < total {
				t.Fatalf("budget %d of %d bytes: the write did not fail", budget, total)
			}
			continue
		}
		if !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("budget %d: %v, want ENOSPC", budget, err)
		}
		got, err := ReadFiles(dir)
		switch {
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			t.Errorf("disk full after %d bytes: the next start would refuse: %v", budget, err)
		case err == nil && !got.Stale:
			t.Errorf("disk full after %d bytes: a set with its manifest was left", budget)
		}
		// With room again, the next start writes a whole set.
		if err := next.WriteFiles(dir, f.authority); err != nil {
			t.Fatal(err)
		}
		if got, err := ReadFiles(dir); err != nil || got.Stale || !got.Demo.Key.Key.Equal(next.Key.Key) {
			t.Errorf("after a full disk (%d bytes), the set written again: %v", budget, err)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".tmp") {
				t.Errorf("disk full after %d bytes: %s left behind", budget, e.Name())
			}
		}
	}
}

// TestReadFilesTightensLooseKeys: private keys made readable by others
// are made 0600 with a notice; one that can't be is an error naming the
// fix; a set of an older version (no manifest, no legacy .p12) is read and
// marked to be written again.
func TestReadFilesTightensLooseKeys(t *testing.T) {
	f := getFixture(t)
	dir := t.TempDir()
	if err := f.demo.WriteFiles(dir, f.authority); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{FileCAKey, FileDemoP8} {
		os.Chmod(filepath.Join(dir, n), 0o644)
	}
	got, err := ReadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Notices) != 2 || !strings.Contains(got.Notices[0], FileCAKey) || !strings.Contains(got.Notices[0], "0644") {
		t.Errorf("notices %q, want one for each of %s and %s", got.Notices, FileCAKey, FileDemoP8)
	}
	for _, n := range privateFiles {
		if fi, _ := os.Stat(filepath.Join(dir, n)); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, want 0600", n, fi.Mode().Perm())
		}
	}

	os.Chmod(filepath.Join(dir, FileDemoKey), 0o640)
	chmod = func(string, os.FileMode) error { return fs.ErrPermission }
	defer func() { chmod = os.Chmod }()
	if _, err := ReadFiles(dir); err == nil || !strings.Contains(err.Error(), "chmod 600 "+filepath.Join(dir, FileDemoKey)) {
		t.Errorf("a key that can't be made private: %v, want the chmod to run", err)
	}
	chmod = os.Chmod

	os.Remove(filepath.Join(dir, FileManifest))
	os.Remove(filepath.Join(dir, FileDemoLegacyP12))
	got, err = ReadFiles(dir)
	if err != nil || !got.Stale || got.Demo.LegacyP12 == nil || !got.Authority.Cert.Equal(f.authority.Cert) {
		t.Fatalf("an older version's set: %v (stale %v)", err, got != nil && got.Stale)
	}
	if _, _, err := xpkcs12.Decode(got.Demo.LegacyP12, DemoP12Password); err != nil {
		t.Errorf("the legacy .p12 made for an older set: %v", err)
	}
}

// TestRenewCertKeepsTheAuthority: an expiring demo certificate is issued
// again by the same CA.
func TestRenewCertKeepsTheAuthority(t *testing.T) {
	f := getFixture(t)
	d := *f.demo
	if renewed, err := d.RenewCert(f.authority); renewed || err != nil {
		t.Errorf("a fresh certificate was renewed (%v, %v)", renewed, err)
	}
	old, err := f.authority.IssuePushCert(PushCertSpec{BundleID: DemoBundleID, Sandbox: true, NotAfter: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	d.Cert = old
	renewed, err := d.RenewCert(f.authority)
	if !renewed || err != nil || time.Until(d.Cert.Cert.NotAfter) < 300*24*time.Hour || d.Cert.Cert.CheckSignatureFrom(f.authority.Cert) != nil {
		t.Errorf("renewed %v (%v): the new certificate ends %v", renewed, err, d.Cert.Cert.NotAfter)
	}
	if _, c, err := xpkcs12.Decode(d.LegacyP12, DemoP12Password); err != nil || !c.Equal(d.Cert.Cert) {
		t.Errorf("the renewed legacy .p12: %v", err)
	}
}
