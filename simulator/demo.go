package simulator

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"apnsconsole/internal/safefile"
)

// The demo identity every simulator serves: Apple's own example Key ID and
// Team ID, a bundle id under example.com, and the token from the 2009
// article's era of <xxxxxxxx …> descriptions.
const (
	DemoBundleID    = "com.example.demo"
	DemoKeyID       = "ABC123DEFG"
	DemoTeamID      = "DEF123GHIJ"
	DemoToken       = "740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad"
	DemoP12Password = "demo"
)

// Demo holds the simulator's demo credentials: a Sandbox & Production push
// certificate for DemoBundleID (app, voip and complication topics) and a
// .p8 key.
type Demo struct {
	Cert *PushCert
	P12  []byte // Cert as a modern .p12 protected by DemoP12Password
	Key  *SigningKey
}

// NewDemo issues the demo credentials from a.
func (a *Authority) NewDemo() (*Demo, error) {
	cert, err := a.IssuePushCert(PushCertSpec{BundleID: DemoBundleID, Sandbox: true, Production: true})
	if err != nil {
		return nil, err
	}
	p12, err := cert.P12(DemoP12Password, true)
	if err != nil {
		return nil, err
	}
	key, err := NewSigningKey(DemoKeyID, DemoTeamID)
	if err != nil {
		return nil, err
	}
	return &Demo{Cert: cert, P12: p12, Key: key}, nil
}

// Demo file names written by WriteFiles.
const (
	FileCA       = "ca.pem"
	FileCAKey    = "ca-key.pem" // the CA's private key, so that a restart keeps every client's trust
	FileDemoP12  = "demo.p12"
	FileDemoCert = "demo-cert.pem"
	FileDemoKey  = "demo-key.pem"
	FileDemoP8   = "AuthKey_" + DemoKeyID + ".p8"
)

// WriteFiles writes the CA (certificate and key) and the demo credentials
// into dir (created, readable by the owner only, if missing) as a unit
// (safefile.WriteSet: all are on disk before the first replaces an old
// one), private keys readable by the owner only whatever mode an old file
// had. It refuses to write where a file is a symbolic link. LoadFiles
// reads them back.
func (d *Demo) WriteFiles(dir string, a *Authority) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	caKey, err := x509.MarshalPKCS8PrivateKey(a.Key)
	if err != nil {
		return err
	}
	files := []safefile.File{
		{Name: FileCA, Data: a.CertPEM, Perm: 0o644},
		{Name: FileCAKey, Data: pemBlock("PRIVATE KEY", caKey), Perm: 0o600},
		{Name: FileDemoP12, Data: d.P12, Perm: 0o600},
		{Name: FileDemoCert, Data: d.Cert.CertPEM, Perm: 0o644},
		{Name: FileDemoKey, Data: d.Cert.KeyPEM, Perm: 0o600},
		{Name: FileDemoP8, Data: d.Key.P8, Perm: 0o600},
	}
	return safefile.WriteSet(dir, files, safefile.WithNoSymlink())
}

// LoadFiles reads the CA and demo credentials WriteFiles wrote to dir, so
// that a restarted simulator keeps the trust of every client configured
// with them. The demo certificate may have expired: see RenewCert. When dir holds none of the files the error wraps
// fs.ErrNotExist; when it holds only some, or they don't fit together, the
// error names the file.
func LoadFiles(dir string) (*Authority, *Demo, error) {
	names := []string{FileCA, FileCAKey, FileDemoP12, FileDemoCert, FileDemoKey, FileDemoP8}
	data := make(map[string][]byte, len(names))
	var missing []string
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			missing = append(missing, n)
		case err != nil:
			return nil, nil, err
		}
		data[n] = b
	}
	if len(missing) == len(names) {
		return nil, nil, fmt.Errorf("no simulator credentials in %s: %w", dir, fs.ErrNotExist)
	}
	if len(missing) > 0 {
		return nil, nil, fmt.Errorf("%s lacks %s (written by an older version, or removed)", dir, strings.Join(missing, ", "))
	}
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
	p8, err := parseKeyPEM(data[FileDemoP8])
	if err != nil {
		return nil, nil, bad(FileDemoP8, err)
	}
	p8Key, ok := p8.(*ecdsa.PrivateKey)
	if !ok {
		return nil, nil, bad(FileDemoP8, errors.New("not a P-256 key"))
	}
	d := &Demo{
		Cert: &PushCert{Cert: cert, Key: rsaKey, CertPEM: data[FileDemoCert], KeyPEM: data[FileDemoKey]},
		P12:  data[FileDemoP12],
		Key:  &SigningKey{KeyID: DemoKeyID, TeamID: DemoTeamID, Key: p8Key, P8: data[FileDemoP8]},
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

// RenewCert issues the demo push certificate (and its .p12) again from a
// when it expires within a day, keeping the .p8 key; it reports whether it
// did. Clients keep trusting the simulator: the CA is the same.
func (d *Demo) RenewCert(a *Authority) (bool, error) {
	if time.Until(d.Cert.Cert.NotAfter) > 24*time.Hour {
		return false, nil
	}
	cert, err := a.IssuePushCert(PushCertSpec{BundleID: DemoBundleID, Sandbox: true, Production: true})
	if err != nil {
		return false, err
	}
	p12, err := cert.P12(DemoP12Password, true)
	if err != nil {
		return false, err
	}
	d.Cert, d.P12 = cert, p12
	return true, nil
}

// fillIdentity makes the authority and demo credentials a server was not
// given.
func fillIdentity(a **Authority, d **Demo) error {
	if *a == nil {
		auth, err := NewAuthority()
		if err != nil {
			return fmt.Errorf("simulator: making the certificate authority: %w", err)
		}
		*a = auth
	}
	if *d == nil {
		demo, err := (*a).NewDemo()
		if err != nil {
			return fmt.Errorf("simulator: making the demo credentials: %w", err)
		}
		*d = demo
	}
	return nil
}
