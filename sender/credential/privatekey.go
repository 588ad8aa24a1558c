package credential

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/youmark/pkcs8"
)

// isPrivateKeyBlock reports whether a PEM block holds a private key of a
// kind this package reads.
func isPrivateKeyBlock(b *pem.Block) bool {
	switch b.Type {
	case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
		return true
	}
	return false
}

// isEncryptedKeyBlock reports whether the key in b needs a password: an
// encrypted PKCS#8 key, or a legacy OpenSSL key with Proc-Type and DEK-Info
// headers.
func isEncryptedKeyBlock(b *pem.Block) bool {
	//lint:ignore SA1019 legacy PEM encryption is insecure, but the 2009-era openssl recipes produce it and people still have such keys.
	return b.Type == "ENCRYPTED PRIVATE KEY" || x509.IsEncryptedPEMBlock(b)
}

// decodePrivateKeyBlock reads the private key in a PEM block: PKCS#8
// ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY"), SEC 1 ("EC PRIVATE KEY"),
// encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY") and legacy OpenSSL encryption
// (Proc-Type: 4,ENCRYPTED) with password. where names the key in messages,
// e.g. "the private key in demo-key.pem".
func decodePrivateKeyBlock(b *pem.Block, password, where string) (crypto.Signer, error) {
	der := b.Bytes
	encrypted := isEncryptedKeyBlock(b)
	if encrypted && password == "" {
		return nil, &credentialError{
			problem:  where + " is encrypted",
			fix:      "type its password (the pass phrase chosen when it was exported or converted with openssl)",
			sentinel: ErrKeyPasswordNeeded,
		}
	}
	wrongPassword := &credentialError{
		problem:  "the password for " + where + " is wrong",
		fix:      "type the pass phrase chosen when the key was exported or converted with openssl",
		sentinel: ErrWrongPassword,
	}
	var key any
	var err error
	switch {
	case b.Type == "ENCRYPTED PRIVATE KEY":
		key, err = decryptPKCS8(der, password)
		if err != nil {
			if strings.Contains(err.Error(), "incorrect password") {
				return nil, wrongPassword
			}
			return nil, &credentialError{
				problem: where + " is encrypted in a way this program cannot read (" + err.Error() + ")",
				fix:     "convert it to a modern encrypted key with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.pem -out new.pem",
			}
		}
	case encrypted:
		//lint:ignore SA1019 DecryptPEMBlock is deprecated because RFC 1423 encryption is weak, but keys made with the classic openssl recipes use it and must still open.
		der, err = x509.DecryptPEMBlock(b, []byte(password))
		if errors.Is(err, x509.IncorrectPasswordError) {
			return nil, wrongPassword
		}
		if err != nil {
			return nil, &credentialError{
				problem: where + " cannot be decrypted (" + err.Error() + ")",
				fix:     "decrypt it with openssl (openssl pkey -in key.pem -out key-decrypted.pem) and load that",
			}
		}
		fallthrough
	default:
		key, err = parsePrivateKeyDER(b.Type, der)
		if err != nil && encrypted {
			// Legacy decryption only checks the padding: a wrong password
			// passes it one time in 256 and leaves garbage.
			return nil, wrongPassword
		}
		if err != nil {
			return nil, &credentialError{
				problem: where + " is not a readable " + b.Type + " (" + err.Error() + ")",
				fix:     "export the key again (openssl pkcs12 -in cert.p12 -nocerts -nodes -out key.pem), or use the .p12",
			}
		}
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, &credentialError{
			problem: fmt.Sprintf("%s is a %T, which cannot sign", where, key),
			fix:     "use the RSA or EC key that belongs to the push certificate",
		}
	}
	return signer, nil
}

// parsePrivateKeyDER reads an unencrypted key of the given PEM type.
func parsePrivateKeyDER(blockType string, der []byte) (any, error) {
	switch blockType {
	case "RSA PRIVATE KEY":
		return x509.ParsePKCS1PrivateKey(der)
	case "EC PRIVATE KEY":
		return x509.ParseECPrivateKey(der)
	case "PRIVATE KEY":
		return x509.ParsePKCS8PrivateKey(der)
	}
	return nil, fmt.Errorf("unknown key type %q", blockType)
}

// decryptPKCS8 opens an encrypted PKCS#8 key. The library decrypts CBC
// without checking lengths, so malformed input can panic; that is turned
// into an error.
func decryptPKCS8(der []byte, password string) (key any, err error) {
	defer func() {
		if r := recover(); r != nil {
			key, err = nil, fmt.Errorf("malformed encrypted key")
		}
	}()
	return pkcs8.ParsePKCS8PrivateKey(der, []byte(password))
}

// keyFromDER reads a private key stored as DER instead of PEM (openssl
// -outform der): PKCS#8, PKCS#1 or SEC 1. It returns the PEM block it
// would have been.
func keyFromDER(der []byte) (*pem.Block, bool) {
	for _, typ := range []string{"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"} {
		if _, err := parsePrivateKeyDER(typ, der); err == nil {
			return &pem.Block{Type: typ, Bytes: der}, true
		}
	}
	return nil, false
}

// keyMatchesCertificate reports whether key is the private half of cert's
// public key.
func keyMatchesCertificate(key crypto.Signer, cert *x509.Certificate) bool {
	pub, ok := cert.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(key.Public())
}

// describeKey names a key's algorithm and size, e.g. "RSA 2048-bit" or
// "ECDSA P-256", never its value.
func describeKey(key any) string {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return fmt.Sprintf("RSA %d-bit", k.N.BitLen())
	case *ecdsa.PrivateKey:
		if k == nil {
			return "none"
		}
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PrivateKey:
		return "Ed25519"
	case nil:
		return "none"
	}
	return fmt.Sprintf("%T", key)
}

// keyAlgorithmPhrase names a key's kind for messages: "an RSA key (2048-bit)",
// "a P-384 key".
func keyAlgorithmPhrase(key any) string {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return fmt.Sprintf("an RSA key (%d-bit)", k.N.BitLen())
	case *ecdsa.PrivateKey:
		return "a " + k.Curve.Params().Name + " key"
	case ed25519.PrivateKey:
		return "an Ed25519 key"
	}
	return fmt.Sprintf("a %T", key)
}
