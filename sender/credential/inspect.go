package credential

import (
	"errors"
	"path/filepath"
	"time"
)

// InspectFile is the report of `apns-console inspect`: what a credential
// file holds, one fact a line. Unlike Load it also describes a file
// holding only a certificate, such as the aps_development.cer the
// developer portal hands out, and says what is missing to send with it.
func InspectFile(path, password string, now time.Time) ([]string, error) {
	cred, err := Load(path, password)
	if err == nil {
		return cred.Describe(now), nil
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
	lines := []string{"Kind: certificate only (no private key)", "File: " + filepath.Base(path)}
	lines = append(lines, info.describe(now)...)
	lines = append(lines, "Key: none in this file; to send, export the certificate with its key from Keychain Access as .p12, or give the key file beside it (--key)")
	if w := info.ExpiryWarning(now); w != "" {
		lines = append(lines, "Warning: the certificate "+w)
	}
	return lines, nil
}
