package credential

import (
	"crypto/ecdsa"
	"encoding/pem"
	"fmt"
	"path/filepath"
	"strings"
)

// keysPageFix is where APNs token keys come from.
const keysPageFix = "download the APNs key (.p8) from Certificates, Identifiers & Profiles → Keys"

// LoadP8 reads a token-auth key (AuthKey_<Key ID>.p8). keyID may be empty
// when the file still has Apple's name, which carries it; teamID is
// required. Both must be 10 characters A-Z and 0-9 (lower case is
// accepted and turned to upper case).
func LoadP8(path, keyID, teamID string) (*Credential, error) {
	data, err := readCredentialFile(path)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(path)
	if strings.TrimSpace(keyID) == "" {
		keyID = keyIDFromFileName(name)
	}
	return parseP8(data, keyID, teamID, name)
}

// ParseP8 is LoadP8 for data already read; keyID and teamID are required.
func ParseP8(data []byte, keyID, teamID string) (*Credential, error) {
	return parseP8(data, keyID, teamID, "")
}

func parseP8(data []byte, keyID, teamID, name string) (*Credential, error) {
	key, err := parseP8Key(data, name)
	if err != nil {
		return nil, err
	}
	if keyID, err = checkAppleID(keyID, "Key ID", ErrMissingKeyID,
		"copy the 10-character Key ID shown next to the key in Certificates, Identifiers & Profiles → Keys (Apple's file name AuthKey_<Key ID>.p8 carries it too)"); err != nil {
		return nil, err
	}
	if teamID, err = checkAppleID(teamID, "Team ID", ErrMissingTeamID,
		"copy the 10-character Team ID from Membership details in the developer portal (it is also the OU of your push certificates)"); err != nil {
		return nil, err
	}
	return newP8Credential(key, keyID, teamID, name), nil
}

func newP8Credential(key *ecdsa.PrivateKey, keyID, teamID, name string) *Credential {
	return &Credential{Kind: KindP8, Source: name, KeyID: keyID, TeamID: teamID, SigningKey: key}
}

// checkAppleID trims and upper-cases a Key ID or Team ID and checks that it
// is 10 characters A-Z and 0-9.
func checkAppleID(id, what string, sentinel error, fix string) (string, error) {
	id = strings.ToUpper(strings.TrimSpace(id))
	switch {
	case id == "":
		return "", &credentialError{problem: "the " + what + " is missing", fix: fix, sentinel: sentinel}
	case !appleIDPattern.MatchString(id):
		return "", &credentialError{
			problem:  fmt.Sprintf("the %s %q is not 10 letters and digits (it has %d characters)", what, id, len([]rune(id))),
			fix:      fix,
			sentinel: sentinel,
		}
	}
	return id, nil
}

// parseP8Key reads the P-256 key of a .p8 file, refusing other files with a
// hint at what they are.
func parseP8Key(data []byte, name string) (*ecdsa.PrivateKey, error) {
	label := orMissing(name, "this .p8")
	switch sniffCredential(data) {
	case sniffP12:
		return nil, &credentialError{
			problem: label + " is a .p12 certificate, not a token key",
			fix:     "load it as .p12 with its password, or " + keysPageFix,
		}
	case sniffPEMCertificate, sniffDERCertificate:
		return nil, &credentialError{
			problem: label + " holds a certificate, not a token key",
			fix:     "load it as a certificate (PEM with its key, or .p12), or " + keysPageFix,
		}
	case sniffPEMKey:
	default:
		return nil, &credentialError{
			problem: label + " is not a .p8 key (it has no -----BEGIN PRIVATE KEY----- line)",
			fix:     keysPageFix,
		}
	}
	var block *pem.Block
	for rest := data; block == nil; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if isPrivateKeyBlock(b) {
			block = b
		}
	}
	if block == nil { // unreachable: sniffPEMKey saw one
		return nil, &credentialError{problem: label + " holds no private key", fix: keysPageFix}
	}
	if isEncryptedKeyBlock(block) {
		return nil, &credentialError{
			problem:  label + " is encrypted, and Apple's .p8 keys are not",
			fix:      "use the AuthKey_<Key ID>.p8 as downloaded, or decrypt it with: openssl pkcs8 -in " + label + " -out AuthKey_<Key ID>.p8",
			sentinel: ErrKeyPasswordNeeded,
		}
	}
	signer, err := decodePrivateKeyBlock(block, "", "the key in "+label)
	if err != nil {
		return nil, err
	}
	if k, ok := signer.(*ecdsa.PrivateKey); ok && k.Curve.Params().Name == "P-256" {
		return k, nil
	}
	return nil, &credentialError{
		problem:  label + " is " + keyAlgorithmPhrase(signer) + ", not the P-256 key of an APNs token key",
		fix:      keysPageFix,
		sentinel: ErrNotP256,
	}
}
