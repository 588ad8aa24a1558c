package credential

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"path/filepath"
	"strings"

	"software.sslmate.com/src/go-pkcs12"
)

// LoadP12 reads a PKCS#12 (.p12) file holding a push certificate and its
// private key, as Keychain Access exports them. The password may be empty.
func LoadP12(path, password string) (*Credential, error) {
	data, err := readCredentialFile(path)
	if err != nil {
		return nil, err
	}
	return parseP12(data, password, filepath.Base(path))
}

// ParseP12 is LoadP12 for data already read. It reads modern (OpenSSL 3:
// AES-256, PBKDF2, SHA-256 MAC) and legacy (RC2/3DES, SHA-1 MAC) files.
func ParseP12(data []byte, password string) (*Credential, error) {
	return parseP12(data, password, "")
}

// keychainExportFix is how to make a proper .p12.
const keychainExportFix = "in Keychain Access select the push certificate and its private key, then File → Export 2 items… as Personal Information Exchange (.p12)"

func parseP12(data []byte, password, name string) (*Credential, error) {
	label := name
	if label == "" {
		label = "this .p12"
	}
	if kind := sniffCredential(data); kind != sniffP12 {
		return nil, notP12Error(kind, label)
	}
	key, first, more, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return nil, p12DecodeError(err, password, label)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, &credentialError{problem: "the private key in " + label + " is a kind that cannot sign", fix: keychainExportFix}
	}
	certs := append([]*x509.Certificate{first}, more...)
	leaf := -1
	for i, c := range certs {
		if keyMatchesCertificate(signer, c) {
			leaf = i
			break
		}
	}
	if leaf < 0 {
		return nil, &credentialError{
			problem:  "the private key in " + label + " does not belong to its certificate",
			fix:      "export the certificate together with its own key: " + keychainExportFix,
			sentinel: ErrKeyMismatch,
		}
	}
	return newCertificateCredential(KindP12, name, signer, certs, leaf), nil
}

// newCertificateCredential makes a certificate credential whose chain is
// certs[leaf] followed by the other certificates in order.
func newCertificateCredential(kind Kind, source string, key crypto.Signer, certs []*x509.Certificate, leaf int) *Credential {
	chain := [][]byte{certs[leaf].Raw}
	for i, c := range certs {
		if i != leaf {
			chain = append(chain, c.Raw)
		}
	}
	return &Credential{
		Kind:        kind,
		Source:      source,
		Certificate: tls.Certificate{Certificate: chain, PrivateKey: key, Leaf: certs[leaf]},
		Info:        InspectCertificate(certs[leaf]),
	}
}

// p12DecodeError explains a go-pkcs12 error. It never includes the password.
func p12DecodeError(err error, password, label string) error {
	msg := err.Error()
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption) || strings.Contains(msg, "decryption"):
		if password == "" {
			return &credentialError{
				problem:  label + " is protected by a password",
				fix:      "type the password you chose when exporting from Keychain Access",
				sentinel: ErrWrongPassword,
			}
		}
		return &credentialError{
			problem:  "the password for " + label + " is wrong",
			fix:      "type the password you chose when exporting from Keychain Access",
			sentinel: ErrWrongPassword,
		}
	case strings.Contains(msg, "UCS-2"):
		return &credentialError{
			problem:  "the password has characters a .p12 password cannot hold (such as emoji), so it cannot be the right one",
			fix:      "type the password you chose when exporting from Keychain Access",
			sentinel: ErrWrongPassword,
		}
	case strings.Contains(msg, "private key missing"):
		return &credentialError{
			problem:  label + " holds no private key",
			fix:      "export the certificate *with* its key from Keychain Access (select both, then Export 2 items)",
			sentinel: ErrNoPrivateKey,
		}
	case strings.Contains(msg, "certificate missing"):
		return &credentialError{
			problem:  label + " holds a private key but no certificate",
			fix:      "export the certificate together with its key: " + keychainExportFix,
			sentinel: ErrNoCertificate,
		}
	case strings.Contains(msg, "exactly one key bag"):
		return &credentialError{
			problem: label + " holds more than one private key",
			fix:     "export only the push certificate and its own key: " + keychainExportFix,
		}
	}
	var notImplemented pkcs12.NotImplementedError
	if errors.As(err, &notImplemented) {
		return &credentialError{
			problem: label + " uses an encoding this program cannot read (" + strings.TrimPrefix(msg, "pkcs12: ") + ")",
			fix:     "export it again from Keychain Access, or re-encode it with: openssl pkcs12 -in old.p12 -export -out new.p12",
			cause:   err,
		}
	}
	return &credentialError{
		problem: label + " is damaged or not a .p12 (" + strings.TrimPrefix(msg, "pkcs12: ") + ")",
		fix:     "export it again: " + keychainExportFix,
		cause:   err,
	}
}

// notP12Error explains a file given as .p12 that is something else.
func notP12Error(kind credentialSniff, label string) error {
	switch kind {
	case sniffPEMCertificate:
		return &credentialError{
			problem: label + " is a PEM file, not a .p12",
			fix:     "load it as PEM (certificate and key) instead",
		}
	case sniffPEMKey:
		return &credentialError{
			problem:  label + " holds a private key in PEM, not a .p12 certificate",
			fix:      "if it is a token key (AuthKey_<Key ID>.p8) load it as a .p8 with its Key ID and Team ID; if it is a certificate's key, load it as PEM together with the certificate",
			sentinel: ErrNoCertificate,
		}
	case sniffDERCertificate:
		return &credentialError{
			problem:  label + " is a certificate without its private key (a .cer as downloaded from the developer portal)",
			fix:      "double-click it to add it to Keychain Access, then " + keychainExportFix,
			sentinel: ErrNoPrivateKey,
		}
	}
	return &credentialError{
		problem: label + " is not a .p12 (PKCS#12) file",
		fix:     keychainExportFix,
	}
}
