package credential

import (
	"errors"
	"path/filepath"
	"time"
)

// Inspection is what a credential file holds, as `apns-console inspect`
// reports it: Lines for people, the fields for `inspect --json`. Nothing
// secret is in it.
type Inspection struct {
	Kind        Kind      // 0 for a certificate without its private key
	File        string    // the file's base name
	HasKey      bool      // the file holds the private key
	Key         string    // the key's algorithm and size, e.g. "ECDSA P-256" ("none" without one)
	KeyID       string    // token keys: the Key ID from the file name ("" when it has none)
	TeamID      string    // token keys: always "" (a .p8 does not hold it)
	Certificate *CertInfo // certificate kinds and a certificate alone; nil for a token key
	Chain       int       // certificates sent with it besides its own
	Warning     string    // the certificate is expired, not yet valid or expiring soon
	Lines       []string  // the report, one fact a line
}

// Inspect reads what a credential file holds. Unlike Load it also
// describes a file holding only a certificate, such as the
// aps_development.cer the developer portal hands out, and says what is
// missing to send with it.
func Inspect(path, password string, now time.Time) (*Inspection, error) {
	cred, err := Load(path, password)
	if err == nil {
		in := &Inspection{Kind: cred.Kind, File: cred.Source, HasKey: true, Lines: cred.Describe(now)}
		if cred.IsCertificate() {
			in.Key = describeKey(cred.Certificate.PrivateKey)
			in.Certificate = cred.Info
			in.Chain = len(cred.Certificate.Certificate) - 1
			in.Warning = cred.ExpiryWarning(now)
		} else {
			in.Key, in.KeyID, in.TeamID = describeKey(cred.SigningKey), cred.KeyID, cred.TeamID
		}
		return in, nil
	}
	if !errors.Is(err, ErrNoPrivateKey) {
		return nil, err
	}
	data, rerr := readCredentialFile(path)
	if rerr != nil {
		return nil, err
	}
	certs, _, _, perr := readPEMBlocks(data, filepath.Base(path))
	if perr != nil || len(certs) == 0 {
		return nil, err
	}
	info := InspectCertificate(certs[0])
	in := &Inspection{File: filepath.Base(path), Key: "none", Certificate: info, Chain: len(certs) - 1, Warning: info.ExpiryWarning(now)}
	in.Lines = []string{"Kind: certificate only (no private key)", "File: " + in.File}
	in.Lines = append(in.Lines, info.describe(now)...)
	in.Lines = append(in.Lines, "Key: none in this file; to send, export the certificate with its key from Keychain Access as .p12, or give the key file beside it (--key)")
	if in.Warning != "" {
		in.Lines = append(in.Lines, "Warning: the certificate "+in.Warning)
	}
	return in, nil
}

// InspectFile is Inspect's report, one fact a line.
func InspectFile(path, password string, now time.Time) ([]string, error) {
	in, err := Inspect(path, password, now)
	if err != nil {
		return nil, err
	}
	return in.Lines, nil
}
