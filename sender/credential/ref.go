package credential

import (
	"context"
	"fmt"
	"strings"
)

// Ref names a credential by its files and ids, without any secret: what a
// console document saves and what Copy as cURL puts on the command line.
// A password is asked for (or read from the environment) when the files
// are loaded; it is never part of a Ref.
type Ref struct {
	Kind    Kind
	Path    string // the .p12, the PEM certificate (possibly with its key), the .p8, or a Keychain identity's SHA-1 fingerprint
	KeyPath string // KindPEM only: the PEM key when it is a separate file
	KeyID   string // KindP8 only
	TeamID  string // KindP8 only
}

// IsZero reports a Ref that names no credential.
func (r Ref) IsZero() bool { return r.Kind == 0 && r.Path == "" }

// IsFile reports whether Path (and KeyPath) name files: true for every
// kind but KindKeychain.
func (r Ref) IsFile() bool { return r.Kind != KindKeychain }

// Load reads the credential r names. password is the .p12's password, or
// the PEM key's when it is encrypted; it is ignored for a .p8. A Keychain
// identity is exported from the login keychain (Keychain.Export).
func (r Ref) Load(password string) (*Credential, error) {
	switch r.Kind {
	case KindKeychain:
		return (&Keychain{}).Export(context.Background(), r.Path)
	case KindP12:
		return LoadP12(r.Path, password)
	case KindPEM:
		return LoadPEM(r.Path, r.KeyPath, password)
	case KindP8:
		return LoadP8(r.Path, r.KeyID, r.TeamID)
	}
	return nil, fmt.Errorf("no credential kind: choose a .p12 certificate, a PEM certificate and key, or a .p8 key")
}

// KindName is the short name of a kind used in files and on the command
// line: "p12", "pem", "p8" or "keychain" ("" for none).
func (k Kind) KindName() string {
	switch k {
	case KindP12:
		return "p12"
	case KindPEM:
		return "pem"
	case KindP8:
		return "p8"
	case KindKeychain:
		return "keychain"
	}
	return ""
}

// ParseKindName reads "p12", "pem", "p8" or "keychain" (any case; also
// "pfx", "cert" and "token"), the names KindName gives.
func ParseKindName(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "p12", "pfx":
		return KindP12, nil
	case "pem", "cert":
		return KindPEM, nil
	case "p8", "token":
		return KindP8, nil
	case "keychain":
		return KindKeychain, nil
	}
	return 0, fmt.Errorf("unknown credential kind %q: use p12 (a certificate exported with its key), pem (certificate and key files), p8 (a token key) or keychain (a macOS Keychain identity)", s)
}
