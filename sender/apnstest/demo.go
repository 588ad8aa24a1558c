package apnstest

import (
	"fmt"
	"os"
	"path/filepath"
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
	FileDemoP12  = "demo.p12"
	FileDemoCert = "demo-cert.pem"
	FileDemoKey  = "demo-key.pem"
	FileDemoP8   = "AuthKey_" + DemoKeyID + ".p8"
)

// WriteFiles writes the CA certificate and the demo credentials into dir
// (created if missing); private keys are written readable by the owner only.
func (d *Demo) WriteFiles(dir string, a *Authority) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{FileCA, a.CertPEM, 0o644},
		{FileDemoP12, d.P12, 0o600},
		{FileDemoCert, d.Cert.CertPEM, 0o644},
		{FileDemoKey, d.Cert.KeyPEM, 0o600},
		{FileDemoP8, d.Key.P8, 0o600},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, f.mode); err != nil {
			return err
		}
	}
	return nil
}

// fillIdentity makes the authority and demo credentials a server was not
// given.
func fillIdentity(a **Authority, d **Demo) error {
	if *a == nil {
		auth, err := NewAuthority()
		if err != nil {
			return fmt.Errorf("apnstest: making the certificate authority: %w", err)
		}
		*a = auth
	}
	if *d == nil {
		demo, err := (*a).NewDemo()
		if err != nil {
			return fmt.Errorf("apnstest: making the demo credentials: %w", err)
		}
		*d = demo
	}
	return nil
}
