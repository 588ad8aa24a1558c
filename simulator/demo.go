package simulator

import (
	"fmt"
	"time"
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
	P12  []byte // Cert as a modern .p12 (AES-256, SHA-256) protected by DemoP12Password
	// LegacyP12 is Cert as a legacy .p12 (3DES, SHA-1 MAC), the encoding
	// golang.org/x/crypto/pkcs12 (and so sideshow/apns2) and older
	// OpenSSL read, protected by DemoP12Password.
	LegacyP12 []byte
	Key       *SigningKey
}

// NewDemo issues the demo credentials from a.
func (a *Authority) NewDemo() (*Demo, error) {
	cert, err := a.IssuePushCert(PushCertSpec{BundleID: DemoBundleID, Sandbox: true, Production: true})
	if err != nil {
		return nil, err
	}
	d := &Demo{Cert: cert}
	if err := d.encodeP12s(); err != nil {
		return nil, err
	}
	if d.Key, err = NewSigningKey(DemoKeyID, DemoTeamID); err != nil {
		return nil, err
	}
	return d, nil
}

// encodeP12s encodes d.Cert as the modern and the legacy .p12.
func (d *Demo) encodeP12s() error {
	p12, err := d.Cert.P12(DemoP12Password, true)
	if err != nil {
		return err
	}
	legacy, err := d.Cert.LegacyP12(DemoP12Password)
	if err != nil {
		return err
	}
	d.P12, d.LegacyP12 = p12, legacy
	return nil
}

// RenewCert issues the demo push certificate (and its .p12) again from a
// when it expires within a day, keeping the .p8 key; it reports whether it
// did (both .p12 files are encoded again). Clients keep trusting the
// simulator: the CA is the same.
func (d *Demo) RenewCert(a *Authority) (bool, error) {
	if time.Until(d.Cert.Cert.NotAfter) > 24*time.Hour {
		return false, nil
	}
	cert, err := a.IssuePushCert(PushCertSpec{BundleID: DemoBundleID, Sandbox: true, Production: true})
	if err != nil {
		return false, err
	}
	d.Cert = cert
	if err := d.encodeP12s(); err != nil {
		return false, err
	}
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
