package credential

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/tls"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"apnsconsole/internal/userfile"
)

// Credential errors. The errors the loaders return wrap one of these (or,
// for files that cannot be read, the *fs.PathError) and say what to do.
var (
	ErrWrongPassword          = errors.New("wrong password")
	ErrNoPrivateKey           = errors.New("no private key")
	ErrNoCertificate          = errors.New("no certificate")
	ErrKeyMismatch            = errors.New("private key does not match the certificate")
	ErrCertificateExpired     = errors.New("certificate expired")
	ErrCertificateNotYetValid = errors.New("certificate not yet valid")
	ErrNotP256                = errors.New("not a P-256 key")
	ErrKeyPasswordNeeded      = errors.New("private key is encrypted")
	ErrMissingKeyID           = errors.New("missing or malformed Key ID")
	ErrMissingTeamID          = errors.New("missing or malformed Team ID")
	ErrNotTokenKey            = errors.New("not a token key")
)

// Kind tells how a credential authenticates to APNs.
type Kind int

const (
	KindP12 Kind = iota + 1 // certificate and key from a PKCS#12 (.p12) file
	KindPEM                 // certificate and key from PEM files
	KindP8                  // token-auth signing key (.p8) with Key ID and Team ID
)

func (k Kind) String() string {
	switch k {
	case KindP12:
		return "certificate (.p12)"
	case KindPEM:
		return "certificate (PEM)"
	case KindP8:
		return "token key (.p8)"
	case KindKeychain:
		return "certificate (Keychain)"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Credential is what the console authenticates with: a push certificate and
// its key (KindP12, KindPEM) or a token signing key (KindP8).
type Credential struct {
	Kind        Kind
	Source      string            // file name(s) for display (base names)
	Certificate tls.Certificate   // certificate kinds only; Leaf is set
	Info        *CertInfo         // certificate kinds only
	KeyID       string            // KindP8 only
	TeamID      string            // KindP8 only
	SigningKey  *ecdsa.PrivateKey // KindP8 only
}

// IsCertificate reports whether c authenticates with a TLS client
// certificate (as opposed to a token key).
func (c *Credential) IsCertificate() bool {
	return c != nil && c.Kind != KindP8 && c.Info != nil
}

// DefaultTopic is the certificate's bundle id (its UID), "" for a token key.
func (c *Credential) DefaultTopic() string {
	if !c.IsCertificate() {
		return ""
	}
	return c.Info.BundleID
}

// Topics lists the topics the certificate may push to; nil for a token key
// (which covers every app of its team).
func (c *Credential) Topics() []Topic {
	if !c.IsCertificate() || len(c.Info.Topics) == 0 {
		return nil
	}
	return append([]Topic(nil), c.Info.Topics...)
}

// Environments reports which APNs environments the credential may be used
// with, from the certificate's development (sandbox) and production
// markers. Token keys allow both, and so does a certificate without
// markers: it is not refused here (APNs will say BadCertificate if it is
// not a push certificate).
func (c *Credential) Environments() (sandbox, production bool) {
	if !c.IsCertificate() || !c.Info.Sandbox && !c.Info.Production {
		return true, true
	}
	return c.Info.Sandbox, c.Info.Production
}

// ProductionOnly reports a certificate that carries the production marker
// and not the development one: such a certificate is for production, while
// everything else is best tried with sandbox first (development builds are
// what people test with).
func (c *Credential) ProductionOnly() bool {
	return c.IsCertificate() && c.Info.Production && !c.Info.Sandbox
}

// CheckValidity returns an error wrapping ErrCertificateExpired or
// ErrCertificateNotYetValid when the certificate cannot be used at now; nil
// for token keys.
func (c *Credential) CheckValidity(now time.Time) error {
	if !c.IsCertificate() {
		return nil
	}
	i := c.Info
	switch {
	case now.Before(i.NotBefore):
		return &credentialError{
			problem:  fmt.Sprintf("the certificate %s is not valid until %s", i.displayName(), formatMoment(i.NotBefore)),
			fix:      "check this computer's clock and time zone, or create a new certificate in the developer portal",
			sentinel: ErrCertificateNotYetValid,
		}
	case now.After(i.NotAfter):
		return &credentialError{
			problem:  fmt.Sprintf("the certificate %s expired on %s", i.displayName(), formatDay(i.NotAfter)),
			fix:      "create a new one in the developer portal (Certificates, Identifiers & Profiles → Certificates), then export it with its key from Keychain Access",
			sentinel: ErrCertificateExpired,
		}
	}
	return nil
}

// expiryWarningDays is how close to its end a certificate gets a warning.
const expiryWarningDays = 30

// ExpiryWarning is "" for a token key or a certificate valid for more than
// 30 days, else e.g. "expired on 2025-01-31", "not valid until 2026-03-01
// 12:00 UTC", "expires in 12 days, on 2026-02-11" or "expires today".
func (c *Credential) ExpiryWarning(now time.Time) string {
	if !c.IsCertificate() {
		return ""
	}
	return c.Info.ExpiryWarning(now)
}

// ExpiryWarning is the certificate's part of Credential.ExpiryWarning.
func (i *CertInfo) ExpiryWarning(now time.Time) string {
	switch {
	case now.Before(i.NotBefore):
		return "not valid until " + formatMoment(i.NotBefore)
	case now.After(i.NotAfter):
		return "expired on " + formatDay(i.NotAfter)
	}
	// Days on the calendar (UTC, as the dates are shown): 23 hours from
	// the evening is tomorrow, not today.
	y1, m1, d1 := now.UTC().Date()
	y2, m2, d2 := i.NotAfter.UTC().Date()
	days := int(time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC).Sub(time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC)) / (24 * time.Hour))
	switch {
	case days > expiryWarningDays:
		return ""
	case days == 0:
		return "expires today, at " + formatMoment(i.NotAfter)
	case days == 1:
		return "expires tomorrow, at " + formatMoment(i.NotAfter)
	}
	return fmt.Sprintf("expires in %d days, on %s", days, formatDay(i.NotAfter))
}

// Summary is one line for the window, e.g. "Apple Push Services:
// com.example.demo · 3 topics · sandbox + production · expires 2027-11-26",
// with the expiry warning in place of the date when there is one; for a
// token key "Token key ABC123DEFG · team DEF123GHIJ · all environments".
func (c *Credential) Summary(now time.Time) string {
	if c == nil {
		return "no credential"
	}
	if !c.IsCertificate() {
		return fmt.Sprintf("Token key %s · team %s · all environments", orMissing(c.KeyID, "(Key ID missing)"), orMissing(c.TeamID, "(missing)"))
	}
	i := c.Info
	parts := []string{i.displayName()}
	switch n := len(i.Topics); n {
	case 0:
	case 1:
		parts = append(parts, "1 topic")
	default:
		parts = append(parts, fmt.Sprintf("%d topics", n))
	}
	parts = append(parts, i.Environments())
	if w := c.ExpiryWarning(now); w != "" {
		parts = append(parts, w)
	} else {
		parts = append(parts, "expires "+formatDay(i.NotAfter))
	}
	return strings.Join(parts, " · ")
}

// Describe is the report of `apns-console inspect`: one fact a line. It
// never includes key material.
func (c *Credential) Describe(now time.Time) []string {
	if c == nil {
		return []string{"no credential"}
	}
	lines := []string{"Kind: " + c.Kind.String()}
	if c.Source != "" {
		lines = append(lines, "File: "+c.Source)
	}
	if !c.IsCertificate() {
		lines = append(lines,
			"Key ID: "+orMissing(c.KeyID, "missing (it is in the file name AuthKey_<Key ID>.p8 and in the developer portal under Keys)"),
			"Team ID: "+orMissing(c.TeamID, "missing (see Membership details in the developer portal)"),
			"Key: "+describeKey(c.SigningKey),
			"Environments: all (a token key works with sandbox and production)",
			"Topics: every app of the team")
		return lines
	}
	lines = append(lines, c.Info.describe(now)...)
	lines = append(lines, "Key: "+describeKey(c.Certificate.PrivateKey))
	if n := len(c.Certificate.Certificate) - 1; n > 0 {
		lines = append(lines, fmt.Sprintf("Chain: %d more certificate(s) sent with it", n))
	}
	if w := c.ExpiryWarning(now); w != "" {
		lines = append(lines, "Warning: the certificate "+w)
	}
	return lines
}

// Load reads a credential of any kind, guessing it from the content:
// a PKCS#12 file, PEM with a certificate (and its key, possibly encrypted
// with password), or a token key. A token key's Key ID is taken from its
// file name (AuthKey_<Key ID>.p8) when it has one; its Team ID is left
// empty. It is meant for `inspect` and drag-and-drop; sending with a token
// key needs both ids (see ParseP8).
func Load(path, password string) (*Credential, error) {
	data, err := readCredentialFile(path)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(path)
	switch sniffCredential(data) {
	case sniffP12:
		return parseP12(data, password, name)
	case sniffPEMCertificate, sniffDERCertificate, sniffPEMOther:
		return parsePEM(data, nil, password, name, "")
	case sniffPEMKey:
		if key, err := parseP8Key(data, name); err == nil {
			return newP8Credential(key, keyIDFromFileName(name), "", name), nil
		}
		return parsePEM(data, nil, password, name, "")
	}
	return nil, &credentialError{
		problem: name + " is not a certificate or key file this program knows (it is neither PEM, a .p12 nor a DER certificate)",
		fix:     "choose the .p12 exported from Keychain Access, PEM files (certificate and key), or the AuthKey_<Key ID>.p8 from the developer portal",
	}
}

// credentialError is the error the loaders return: problem and fix for
// people, the sentinel and the underlying cause for errors.Is.
type credentialError struct {
	problem, fix string
	sentinel     error // one of the Err… above, or nil
	cause        error // e.g. an *fs.PathError, or nil
}

func (e *credentialError) Error() string { return e.problem + ": " + e.fix }

func (e *credentialError) Unwrap() []error {
	var errs []error
	for _, err := range []error{e.sentinel, e.cause} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// credentialFile is the limit on a credential file: 1 MiB is far larger
// than any certificate, key or .p12 people use (a few KB), so a larger
// file is the wrong one.
var credentialFile = userfile.Limit{Max: 1 << 20, What: "a certificate or key file",
	Fix: "choose the .p12, .pem or .p8 file"}

// readCredentialFile reads path, with errors that say what to do. A folder,
// named pipe, socket or device (/dev/zero) is refused before it is opened,
// and no more than the limit is read.
func readCredentialFile(path string) ([]byte, error) {
	name := filepath.Base(path)
	_, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &credentialError{problem: fmt.Sprintf("%s was not found (looked for %s)", name, path),
			fix: "check the file name and folder, or drag the file onto the window", cause: err}
	case errors.Is(err, fs.ErrPermission):
		return nil, &credentialError{problem: "no permission to read " + path,
			fix: "make the file readable for your user (chmod u+r), or copy it somewhere you can read it", cause: err}
	}
	data, err := credentialFile.Read(path)
	var fe *userfile.Error
	if errors.As(err, &fe) {
		return nil, &credentialError{problem: fe.Path + " " + fe.Problem, fix: fe.Fix, cause: fe}
	}
	return data, err
}

// credentialSniff is what a file looks like.
type credentialSniff int

const (
	sniffUnknown        credentialSniff = iota
	sniffP12                            // DER PKCS#12 (PFX)
	sniffDERCertificate                 // a DER certificate (.cer from the developer portal)
	sniffPEMCertificate                 // PEM holding at least one certificate
	sniffPEMKey                         // PEM holding keys but no certificate
	sniffPEMOther                       // PEM holding neither
)

// sniffCredential tells the format of data without decrypting anything.
func sniffCredential(data []byte) credentialSniff {
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		kind := sniffPEMOther
		for rest := data; ; {
			var b *pem.Block
			if b, rest = pem.Decode(rest); b == nil {
				return kind
			}
			switch {
			case b.Type == "CERTIFICATE":
				return sniffPEMCertificate
			case strings.HasSuffix(b.Type, "PRIVATE KEY"):
				kind = sniffPEMKey
			}
		}
	}
	var pfx struct {
		Version  int
		AuthSafe asn1.RawValue
		MacData  asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(data, &pfx); err == nil && pfx.Version == 3 {
		return sniffP12
	}
	if _, err := parseDERCertificate(data); err == nil {
		return sniffDERCertificate
	}
	return sniffUnknown
}

// appleIDPattern is the shape of Apple's Key IDs and Team IDs.
var appleIDPattern = regexp.MustCompile(`^[A-Z0-9]{10}$`)

// keyIDFileName matches the name Apple gives .p8 downloads.
var keyIDFileName = regexp.MustCompile(`^AuthKey_([A-Z0-9]{10})\.p8$`)

// keyIDFromFileName is the Key ID in AuthKey_<Key ID>.p8, or "".
func keyIDFromFileName(name string) string {
	if m := keyIDFileName.FindStringSubmatch(name); m != nil {
		return m[1]
	}
	return ""
}

func orMissing(s, missing string) string {
	if s == "" {
		return missing
	}
	return s
}

// formatDay is a date for people: 2026-11-26.
func formatDay(t time.Time) string { return t.UTC().Format("2006-01-02") }

// formatMoment is a date and time for people: 2026-11-26 14:03 UTC.
func formatMoment(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") }
