package credential

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"path/filepath"
	"strings"
)

// LoadPEM reads a push certificate and its private key from PEM files, as
// the classic openssl recipes make them: the certificate in certPath and the
// key in keyPath, or both in certPath when keyPath is "". The certificate
// may also be a DER .cer. Keys may be PKCS#8, PKCS#1 or SEC 1, unencrypted,
// encrypted PKCS#8 or legacy OpenSSL-encrypted (Proc-Type/DEK-Info); the
// encrypted ones need keyPassword. Blocks are pooled from both files, so
// swapped files and extra chain certificates are fine.
func LoadPEM(certPath, keyPath, keyPassword string) (*Credential, error) {
	certData, err := readCredentialFile(certPath)
	if err != nil {
		return nil, err
	}
	var keyData []byte
	var keyName string
	if keyPath != "" && filepath.Clean(keyPath) != filepath.Clean(certPath) {
		if keyData, err = readCredentialFile(keyPath); err != nil {
			return nil, err
		}
		keyName = filepath.Base(keyPath)
	}
	return parsePEM(certData, keyData, keyPassword, filepath.Base(certPath), keyName)
}

// ParsePEM is LoadPEM for data already read; keyPEM nil or empty means the
// key is in certPEM.
func ParsePEM(certPEM, keyPEM []byte, keyPassword string) (*Credential, error) {
	return parsePEM(certPEM, keyPEM, keyPassword, "", "")
}

// pemKeyBlock is a private key block and where it came from.
type pemKeyBlock struct {
	block *pem.Block
	from  string // file label
}

func parsePEM(certData, keyData []byte, password, certName, keyName string) (*Credential, error) {
	certLabel := orMissing(certName, "the certificate PEM")
	keyLabel := certLabel
	if len(keyData) > 0 {
		keyLabel = orMissing(keyName, "the key PEM")
	}
	var certs []*x509.Certificate
	var keys []pemKeyBlock
	var others []string
	for _, f := range []struct {
		data  []byte
		label string
	}{{certData, certLabel}, {keyData, keyLabel}} {
		if len(f.data) == 0 {
			continue
		}
		c, k, o, err := readPEMBlocks(f.data, f.label)
		if err != nil {
			return nil, err
		}
		certs, keys, others = append(certs, c...), append(keys, k...), append(others, o...)
	}
	if len(certs) == 0 {
		return nil, missingCertificateError(certLabel, keyLabel, keys, others, password)
	}
	if len(keys) == 0 {
		return nil, &credentialError{
			problem:  bothFiles(certLabel, keyLabel) + " a certificate but no private key",
			fix:      "choose the key file too (openssl pkcs12 -in cert.p12 -nocerts -out key.pem makes it), or load the .p12 exported from Keychain Access with its key",
			sentinel: ErrNoPrivateKey,
		}
	}
	var firstErr error
	var signers []crypto.Signer
	for _, k := range keys {
		s, err := decodePrivateKeyBlock(k.block, password, "the private key in "+k.from)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		signers = append(signers, s)
	}
	for _, s := range signers {
		for i, c := range certs {
			if keyMatchesCertificate(s, c) {
				source := certName
				if keyName != "" {
					source += " + " + keyName
				}
				return newCertificateCredential(KindPEM, source, s, certs, i), nil
			}
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return nil, &credentialError{
		problem:  "the private key in " + keyLabel + " does not belong to the certificate in " + certLabel,
		fix:      "choose the key that was exported together with this certificate (or use the .p12 holding both)",
		sentinel: ErrKeyMismatch,
	}
}

// readPEMBlocks sorts the blocks of one file into certificates, private
// keys and other block types. A file without PEM blocks may be a DER
// certificate or key; a .p12 is refused with a hint.
func readPEMBlocks(data []byte, label string) (certs []*x509.Certificate, keys []pemKeyBlock, others []string, err error) {
	switch sniffCredential(data) {
	case sniffP12:
		return nil, nil, nil, &credentialError{
			problem: label + " is a .p12 file, not PEM",
			fix:     "load it as .p12 with its password instead",
		}
	case sniffDERCertificate:
		c, err := parseDERCertificate(data)
		return []*x509.Certificate{c}, nil, nil, err
	case sniffUnknown:
		if b, ok := keyFromDER(data); ok {
			return nil, []pemKeyBlock{{b, label}}, nil, nil
		}
		return nil, nil, nil, &credentialError{
			problem: label + " is not a PEM file (it has no -----BEGIN … ----- line) nor a DER certificate or key",
			fix:     "choose the certificate .pem (or the .cer from the developer portal) and its key .pem, or load the .p12 instead",
		}
	}
	for rest := data; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			return certs, keys, others, nil
		}
		switch {
		case b.Type == "CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, nil, nil, &credentialError{
					problem: "a certificate in " + label + " is damaged (" + err.Error() + ")",
					fix:     "export it again (openssl pkcs12 -in cert.p12 -clcerts -nokeys -out cert.pem), or download it again from the developer portal",
					cause:   err,
				}
			}
			certs = append(certs, c)
		case isPrivateKeyBlock(b):
			keys = append(keys, pemKeyBlock{b, label})
		case b.Type == "EC PARAMETERS": // openssl ecparam writes it before EC keys
		default:
			others = append(others, b.Type)
		}
	}
}

// parseDERCertificate reads a DER certificate such as the .cer the
// developer portal hands out.
func parseDERCertificate(der []byte) (*x509.Certificate, error) {
	return x509.ParseCertificate(der)
}

// missingCertificateError explains PEM input without a certificate,
// recognising a token key given in its place.
func missingCertificateError(certLabel, keyLabel string, keys []pemKeyBlock, others []string, password string) error {
	if len(keys) > 0 {
		if len(keys) == 1 && !isEncryptedKeyBlock(keys[0].block) {
			if s, err := decodePrivateKeyBlock(keys[0].block, password, keys[0].from); err == nil {
				if k, ok := s.(*ecdsa.PrivateKey); ok && k.Curve.Params().Name == "P-256" {
					return &credentialError{
						problem:  keys[0].from + " holds a P-256 private key and no certificate, so it looks like a token key (.p8)",
						fix:      "load it as a .p8 with its Key ID and Team ID, or choose the push certificate (.pem or .cer) and its key",
						sentinel: ErrNoCertificate,
					}
				}
			}
		}
		return &credentialError{
			problem:  bothFiles(certLabel, keyLabel) + " a private key but no certificate",
			fix:      "choose the certificate too (openssl pkcs12 -in cert.p12 -clcerts -nokeys -out cert.pem makes it, or use the .cer from the developer portal)",
			sentinel: ErrNoCertificate,
		}
	}
	if len(others) > 0 {
		fix := "choose the push certificate (.pem or .cer) and its key, or the .p12 exported from Keychain Access"
		if strings.Contains(strings.Join(others, " "), "CERTIFICATE REQUEST") {
			fix = "a certificate request is what you upload to the developer portal; download the certificate it issues, add it to Keychain Access and export it with its key as .p12"
		}
		return &credentialError{
			problem:  certLabel + " holds " + strings.Join(others, ", ") + ", not a certificate",
			fix:      fix,
			sentinel: ErrNoCertificate,
		}
	}
	return &credentialError{
		problem:  certLabel + " holds no certificate",
		fix:      "choose the push certificate (.pem or .cer) and its key, or the .p12 exported from Keychain Access",
		sentinel: ErrNoCertificate,
	}
}

// bothFiles is the subject of a sentence about one or two files:
// "a.pem holds" or "a.pem and b.pem hold".
func bothFiles(certLabel, keyLabel string) string {
	if keyLabel == certLabel {
		return certLabel + " holds"
	}
	return certLabel + " and " + keyLabel + " hold"
}
