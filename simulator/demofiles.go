package simulator

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"apnsconsole/internal/safefile"
)

// Demo file names written by WriteFiles.
const (
	FileCA            = "ca.pem"
	FileCAKey         = "ca-key.pem" // the CA's private key, so that a restart keeps every client's trust
	FileDemoP12       = "demo.p12"
	FileDemoLegacyP12 = "demo-legacy.p12" // the same certificate, 3DES/SHA-1, for golang.org/x/crypto/pkcs12
	FileDemoCert      = "demo-cert.pem"
	FileDemoKey       = "demo-key.pem"
	FileDemoP8        = "AuthKey_" + DemoKeyID + ".p8"
	// FileManifest is written last, listing every file of the set with
	// its SHA-256: a set without it was not written to the end.
	FileManifest = "manifest.json"
)

// maxSetFile bounds each file of the set read back (the largest, a .p12,
// is about 3 KB).
const maxSetFile = 1 << 20

// setFileNames are the files of the set, in the order they are written.
var setFileNames = []string{FileCA, FileCAKey, FileDemoP12, FileDemoLegacyP12, FileDemoCert, FileDemoKey, FileDemoP8}

// privateFiles are those holding a private key, readable by the owner
// only.
var privateFiles = []string{FileCAKey, FileDemoP12, FileDemoLegacyP12, FileDemoKey, FileDemoP8}

func (d *Demo) setFiles(a *Authority) ([]safefile.File, error) {
	caKey, err := x509.MarshalPKCS8PrivateKey(a.Key)
	if err != nil {
		return nil, err
	}
	files := []safefile.File{
		{Name: FileCA, Data: a.CertPEM, Perm: 0o644},
		{Name: FileCAKey, Data: pemBlock("PRIVATE KEY", caKey), Perm: 0o600},
		{Name: FileDemoP12, Data: d.P12, Perm: 0o600},
		{Name: FileDemoLegacyP12, Data: d.LegacyP12, Perm: 0o600},
		{Name: FileDemoCert, Data: d.Cert.CertPEM, Perm: 0o644},
		{Name: FileDemoKey, Data: d.Cert.KeyPEM, Perm: 0o600},
		{Name: FileDemoP8, Data: d.Key.P8, Perm: 0o600},
	}
	return files, nil
}

// manifest is FileManifest's content.
type manifest struct {
	Written time.Time         `json:"written"`
	Files   map[string]string `json:"files"` // name → SHA-256, hex
}

// WriteFiles writes the CA (certificate and key) and the demo credentials
// into dir (created, readable by the owner only, if missing) as a unit:
// the old manifest is removed first; the files are written with
// safefile.WriteSet (all on disk before the first replaces an old one),
// private keys readable by the owner only whatever mode an old file had;
// FileManifest is written last. A write cut short (a full disk, a crash
// between two renames) leaves no manifest, and ReadFiles takes such a set
// as absent unless its files still fit together. It refuses to write
// where a file is a symbolic link.
func (d *Demo) WriteFiles(dir string, a *Authority) error {
	return d.writeFiles(dir, a, safefile.WriteSet)
}

// writeSet is how writeFiles writes files into a folder as a unit:
// safefile.WriteSet, but in a test that fills the disk.
type writeSet func(dir string, files []safefile.File, opts ...safefile.Option) error

func (d *Demo) writeFiles(dir string, a *Authority, write writeSet) error {
	if d.LegacyP12 == nil {
		legacy, err := d.Cert.LegacyP12(DemoP12Password)
		if err != nil {
			return err
		}
		d.LegacyP12 = legacy
	}
	files, err := d.setFiles(a)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	manifestPath := filepath.Join(dir, FileManifest)
	if fi, err := os.Lstat(manifestPath); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%s is a symbolic link: refusing to write through it (remove it, or choose another directory)", manifestPath)
	}
	if err := os.Remove(manifestPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	syncDir(dir) // the manifest is gone before any file changes
	m := manifest{Written: time.Now().UTC(), Files: make(map[string]string, len(files))}
	for _, f := range files {
		sum := sha256.Sum256(f.Data)
		m.Files[f.Name] = hex.EncodeToString(sum[:])
	}
	if err := write(dir, files, safefile.WithNoSymlink()); err != nil {
		return err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return write(dir, []safefile.File{{Name: FileManifest, Data: append(b, '\n'), Perm: 0o644}}, safefile.WithNoSymlink())
}

// syncDir makes the removal of the manifest durable before any file of
// the set changes, where the system allows (best effort, as in safefile:
// some file systems cannot sync a folder).
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

// ErrIncompleteSet is wrapped by ReadFiles' error for a directory that
// holds some of the files but no manifest, in which they don't fit
// together: a write cut short. It also wraps fs.ErrNotExist: such a set
// counts as absent, to be made again.
var ErrIncompleteSet error = incompleteSet{}

type incompleteSet struct{}

func (incompleteSet) Error() string {
	return "an incomplete set of simulator credentials (a write was cut short)"
}

func (incompleteSet) Is(target error) bool { return target == fs.ErrNotExist }

// Files is what ReadFiles found in a directory.
type Files struct {
	Authority *Authority
	Demo      *Demo
	// Notices say what ReadFiles changed or will have written: a private
	// key's mode tightened, a set of an older version to complete.
	Notices []string
	// Stale is set when the set must be written again (WriteFiles) to be
	// whole: it lacks the manifest or demo-legacy.p12 (an older version
	// wrote it). The credentials are the same, so clients keep trusting it.
	Stale bool
}

// LoadFiles reads the CA and demo credentials WriteFiles wrote to dir:
// ReadFiles without its notices.
func LoadFiles(dir string) (*Authority, *Demo, error) {
	f, err := ReadFiles(dir)
	if err != nil {
		return nil, nil, err
	}
	return f.Authority, f.Demo, nil
}

// ReadFiles reads the CA and demo credentials WriteFiles wrote to dir, so
// that a restarted simulator keeps the trust of every client configured
// with them. The demo certificate may have expired: see RenewCert.
//
// When dir holds none of the files, or some but no manifest and they
// don't fit together (ErrIncompleteSet), the error wraps fs.ErrNotExist.
// A set with a manifest must match it: a file missing or changed since is
// an error naming it. A set without a manifest whose files fit together
// (an older version wrote it) is read, and marked Stale. A private key
// readable by others is made 0600, with a notice; if it can't be, that
// is an error naming the fix. Symbolic links are refused.
func ReadFiles(dir string) (*Files, error) {
	m, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	out := &Files{Stale: m == nil}
	data := make(map[string][]byte, len(setFileNames))
	var missing []string
	for _, n := range setFileNames {
		path := filepath.Join(dir, n)
		b, err := readSetFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			missing = append(missing, n)
			continue
		case err != nil:
			return nil, err
		}
		if m != nil {
			sum := sha256.Sum256(b)
			if want, listed := m.Files[n]; listed && hex.EncodeToString(sum[:]) != want {
				return nil, fmt.Errorf("%s was changed since serve wrote it (its SHA-256 is not the one in %s)", path, FileManifest)
			}
		}
		data[n] = b
	}
	if m == nil && len(missing) == len(setFileNames) {
		return nil, fmt.Errorf("no simulator credentials in %s: %w", dir, fs.ErrNotExist)
	}
	for _, n := range missing {
		listed := false
		if m != nil {
			_, listed = m.Files[n]
		}
		switch {
		case m != nil && listed:
			return nil, fmt.Errorf("%s lacks %s, which %s lists (removed?)", dir, n, FileManifest)
		case n == FileDemoLegacyP12:
			out.Stale = true // an older version's set: made from the certificate below
		case m != nil:
			return nil, fmt.Errorf("%s lacks %s (written by an older version?)", dir, n)
		default:
			return nil, fmt.Errorf("%s lacks %s, and %s: %w", dir, n, FileManifest, ErrIncompleteSet)
		}
	}
	a, d, err := parseSet(dir, data)
	if err != nil {
		if m == nil {
			return nil, fmt.Errorf("%v, and %s lacks %s: %w", err, dir, FileManifest, ErrIncompleteSet)
		}
		return nil, err
	}
	if d.LegacyP12 == nil {
		if d.LegacyP12, err = d.Cert.LegacyP12(DemoP12Password); err != nil {
			return nil, err
		}
	}
	if out.Notices, err = tightenModes(dir); err != nil {
		return nil, err
	}
	if out.Stale {
		out.Notices = append(out.Notices, fmt.Sprintf("%s was written by an older version (no %s): the same credentials are written again with it", dir, FileManifest))
	}
	out.Authority, out.Demo = a, d
	return out, nil
}

// readManifest reads dir's manifest; nil when there is none.
func readManifest(dir string) (*manifest, error) {
	path := filepath.Join(dir, FileManifest)
	b, err := readSetFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil || m.Files == nil {
		return nil, fmt.Errorf("%s is not a manifest serve wrote (remove it to have the set checked again, or run with --fresh)", path)
	}
	return &m, nil
}

// readSetFile reads one file of the set: a regular file (not a link) of
// at most maxSetFile bytes.
func readSetFile(path string) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		return nil, fmt.Errorf("%s is a symbolic link: refusing to read through it (remove it, or choose another directory)", path)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file: remove it, or choose another directory", path)
	case fi.Size() > maxSetFile:
		return nil, fmt.Errorf("%s is %d bytes, more than any credential of the set (1 MiB): remove it, or run with --fresh", path, fi.Size())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSetFile+1))
	if err == nil && len(b) > maxSetFile {
		err = fmt.Errorf("%s grew past 1 MiB while read", path)
	}
	return b, err
}

// chmod is os.Chmod but in a test that can't make it fail otherwise (the
// tests may run as root).
var chmod = os.Chmod

// tightenModes makes each private key file of dir readable by its owner
// only, and says which it changed. One it cannot change is an error
// naming the fix.
func tightenModes(dir string) ([]string, error) {
	if runtime.GOOS == "windows" {
		return nil, nil // modes don't carry Windows' access rules
	}
	var notices []string
	for _, n := range privateFiles {
		path := filepath.Join(dir, n)
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		perm := fi.Mode().Perm()
		if perm&0o077 == 0 {
			continue
		}
		if err := chmod(path, 0o600); err != nil {
			return nil, fmt.Errorf("%s holds a private key and is readable by others (%04o), and cannot be made private: %v: run chmod 600 %s (as its owner), or --fresh", path, perm, err, path)
		}
		notices = append(notices, fmt.Sprintf("%s holds a private key and was readable by others (%04o): made 0600", path, perm))
	}
	return notices, nil
}

// parseSet checks that the files fit together and makes the authority and
// demo credentials of them.
func parseSet(dir string, data map[string][]byte) (*Authority, *Demo, error) {
	bad := func(name string, err error) error { return fmt.Errorf("%s: %v", filepath.Join(dir, name), err) }
	caCert, err := parseCertPEM(data[FileCA])
	if err != nil {
		return nil, nil, bad(FileCA, err)
	}
	caKey, err := parseKeyPEM(data[FileCAKey])
	if err != nil {
		return nil, nil, bad(FileCAKey, err)
	}
	ecKey, ok := caKey.(*ecdsa.PrivateKey)
	if !ok || !ecKey.PublicKey.Equal(caCert.PublicKey) {
		return nil, nil, bad(FileCAKey, errors.New("not the key of "+FileCA))
	}
	a := &Authority{Cert: caCert, Key: ecKey, CertPEM: data[FileCA]}

	cert, err := parseCertPEM(data[FileDemoCert])
	if err != nil {
		return nil, nil, bad(FileDemoCert, err)
	}
	if err := cert.CheckSignatureFrom(caCert); err != nil {
		return nil, nil, bad(FileDemoCert, errors.New("not issued by "+FileCA))
	}
	certKey, err := parseKeyPEM(data[FileDemoKey])
	if err != nil {
		return nil, nil, bad(FileDemoKey, err)
	}
	rsaKey, ok := certKey.(*rsa.PrivateKey)
	if !ok || !rsaKey.PublicKey.Equal(cert.PublicKey) {
		return nil, nil, bad(FileDemoKey, errors.New("not the key of "+FileDemoCert))
	}
	for _, n := range []string{FileDemoP12, FileDemoLegacyP12} {
		if data[n] == nil {
			continue
		}
		_, c, _, err := pkcs12.DecodeChain(data[n], DemoP12Password)
		if err != nil {
			return nil, nil, bad(n, fmt.Errorf("not a .p12 with the password %q: %v", DemoP12Password, err))
		}
		if !c.Equal(cert) {
			return nil, nil, bad(n, errors.New("not the certificate of "+FileDemoCert))
		}
	}
	p8, err := parseKeyPEM(data[FileDemoP8])
	if err != nil {
		return nil, nil, bad(FileDemoP8, err)
	}
	p8Key, ok := p8.(*ecdsa.PrivateKey)
	if !ok {
		return nil, nil, bad(FileDemoP8, errors.New("not a P-256 key"))
	}
	d := &Demo{
		Cert:      &PushCert{Cert: cert, Key: rsaKey, CertPEM: data[FileDemoCert], KeyPEM: data[FileDemoKey]},
		P12:       data[FileDemoP12],
		LegacyP12: data[FileDemoLegacyP12],
		Key:       &SigningKey{KeyID: DemoKeyID, TeamID: DemoTeamID, Key: p8Key, P8: data[FileDemoP8]},
	}
	return a, d, nil
}

func parseCertPEM(b []byte) (*x509.Certificate, error) {
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM certificate")
	}
	return x509.ParseCertificate(blk.Bytes)
}

func parseKeyPEM(b []byte) (any, error) {
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, errors.New("no PEM private key")
	}
	return x509.ParsePKCS8PrivateKey(blk.Bytes)
}
