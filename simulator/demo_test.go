package simulator

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLoadFilesReadsWhatWriteFilesWrote, and names the file at fault when
// the set is incomplete or does not fit together.
func TestLoadFilesReadsWhatWriteFilesWrote(t *testing.T) {
	f := getFixture(t)
	dir := t.TempDir()
	if _, _, err := LoadFiles(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("empty dir: %v, want fs.ErrNotExist", err)
	}
	if err := f.demo.WriteFiles(dir, f.authority); err != nil {
		t.Fatal(err)
	}
	a, d, err := LoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Cert.Equal(f.authority.Cert) || !a.Key.Equal(f.authority.Key) || !d.Cert.Cert.Equal(f.demo.Cert.Cert) ||
		!d.Key.Key.Equal(f.demo.Key.Key) || string(d.P12) != string(f.demo.P12) {
		t.Error("LoadFiles read back other credentials than were written")
	}

	other, err := NewAuthority()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, FileCA), other.CertPEM, 0o644)
	if _, _, err := LoadFiles(dir); err == nil || !strings.Contains(err.Error(), FileCAKey) {
		t.Errorf("a CA that is not the key's: %v, want an error naming %s", err, FileCAKey)
	}
	os.Remove(filepath.Join(dir, FileCAKey))
	if _, _, err := LoadFiles(dir); err == nil || errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), FileCAKey) {
		t.Errorf("a missing file: %v, want an error naming %s", err, FileCAKey)
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
}
