package credential

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// KindKeychain is a push certificate and key taken from the macOS
// Keychain (Keychain.Export); it is kept in memory only. In a Ref its
// Path is the certificate's SHA-1 fingerprint.
const KindKeychain Kind = KindP8 + 1

// ErrNoSecurityTool is wrapped when macOS's `security` tool is not on
// PATH (any system but macOS).
var ErrNoSecurityTool = errors.New("security tool not found")

// ErrKeychain is wrapped when the security tool ran but failed, or the
// identity asked for is not in the keychain.
var ErrKeychain = errors.New("keychain error")

// LoginKeychain is the keychain Keychain reads when given none.
const LoginKeychain = "login.keychain"

// Keychain reads push identities (push certificates with their private
// keys) from a macOS keychain through the `security` tool, found on PATH
// when used (so tests can put a stand-in there). Its zero value reads the
// login keychain.
type Keychain struct {
	Security string        // the security tool; "" = "security" on PATH
	Path     string        // the keychain; "" = LoginKeychain
	Timeout  time.Duration // bounds listing (default 30 s); exporting gets 4 times as long, as macOS may ask the user first
}

// KeychainIdentity is a push certificate in the keychain whose private key
// is there too.
type KeychainIdentity struct {
	SHA1 string    // the certificate's SHA-1 fingerprint, upper-case hex, as Keychain Access shows it
	Name string    // the certificate's common name, e.g. "Apple Push Services: com.example.app"
	Info *CertInfo // bundle id, environments, topics, validity
}

// BundleID is the certificate's bundle id (its UID).
func (i KeychainIdentity) BundleID() string { return i.Info.BundleID }

// Environments is "sandbox", "production" or "sandbox + production".
func (i KeychainIdentity) Environments() string { return i.Info.Environments() }

// Expires is when the certificate stops being valid.
func (i KeychainIdentity) Expires() time.Time { return i.Info.NotAfter }

// Ref names the identity for a document: KindKeychain and its SHA-1.
func (i KeychainIdentity) Ref() Ref { return Ref{Kind: KindKeychain, Path: i.SHA1} }

// Summary is one line for a list, e.g. "Apple Push Services:
// com.example.app · sandbox + production · expires 2027-01-31".
func (i KeychainIdentity) Summary(now time.Time) string {
	exp := "expires " + formatDay(i.Info.NotAfter)
	if w := i.Info.ExpiryWarning(now); w != "" {
		exp = w
	}
	return i.Name + " · " + i.Environments() + " · " + exp
}

// PushIdentities lists the push identities in the keychain: certificates
// that carry Apple's push markers (or are named "… Push Services: …" or
// "VoIP Services: …") and whose private key the keychain holds, sorted by
// name and then by expiry, latest first. Expired ones are listed too, so
// that their expiry can be shown. It reads with `security find-identity`
// and `security find-certificate -a -p`; no secret leaves the keychain.
func (k *Keychain) PushIdentities(ctx context.Context) ([]KeychainIdentity, error) {
	out, err := k.run(ctx, k.timeout(), "find-identity", k.keychain())
	if err != nil {
		return nil, err
	}
	withKey := map[string]bool{}
	for _, m := range identityLine.FindAllStringSubmatch(string(out), -1) {
		withKey[strings.ToUpper(m[1])] = true
	}
	if len(withKey) == 0 {
		return nil, nil
	}
	out, err = k.run(ctx, k.timeout(), "find-certificate", "-a", "-p", k.keychain())
	if err != nil {
		return nil, err
	}
	var ids []KeychainIdentity
	seen := map[string]bool{}
	for rest := out; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			continue
		}
		fp := fingerprint(cert)
		if !withKey[fp] || seen[fp] || !isPushCertificate(cert) {
			continue
		}
		seen[fp] = true
		ids = append(ids, KeychainIdentity{SHA1: fp, Name: cert.Subject.CommonName, Info: InspectCertificate(cert)})
	}
	sort.SliceStable(ids, func(a, b int) bool {
		if ids[a].Name != ids[b].Name {
			return ids[a].Name < ids[b].Name
		}
		return ids[a].Info.NotAfter.After(ids[b].Info.NotAfter)
	})
	return ids, nil
}

// identityLine is a line of `security find-identity`:
// "  1) 0F1E…34 "Apple Push Services: com.example.app"".
var identityLine = regexp.MustCompile(`(?m)^\s*\d+\)\s+([0-9A-Fa-f]{40})\s+"`)

// isPushCertificate reports an APNs certificate: Apple's development or
// production push marker, or a push common name.
func isPushCertificate(cert *x509.Certificate) bool {
	for _, e := range cert.Extensions {
		if e.Id.Equal(OIDSandbox) || e.Id.Equal(OIDProduction) {
			return true
		}
	}
	cn := cert.Subject.CommonName
	return strings.Contains(cn, "Push Services:") || strings.HasPrefix(cn, "VoIP Services:")
}

func fingerprint(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// Export loads the identity whose certificate has the SHA-1 fingerprint
// sha1Hex (KeychainIdentity.SHA1) as a credential, in memory: nothing is
// written to disk. It runs `security export -t identities -f pkcs12` with
// a one-time random passphrase and reads the PKCS#12 from the pipe. macOS
// may ask the user to allow the export; Export waits for that (up to 4
// times the Timeout).
func (k *Keychain) Export(ctx context.Context, sha1Hex string) (*Credential, error) {
	want := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(sha1Hex), " ", ""))
	if len(want) != 40 {
		return nil, fmt.Errorf("%w: %q is not a certificate's SHA-1 fingerprint (40 hex digits): choose the identity from the Keychain list again", ErrKeychain, sha1Hex)
	}
	pass := onePassphrase()
	out, err := k.run(ctx, 4*k.timeout(), "export", "-k", k.keychain(), "-t", "identities", "-f", "pkcs12", "-P", pass)
	if err != nil {
		return nil, err
	}
	return identityFromPKCS12(out, pass, want)
}

// identityFromPKCS12 finds the certificate with fingerprint want and its
// key in an export holding any number of identities.
func identityFromPKCS12(data []byte, pass, want string) (*Credential, error) {
	var certs []*x509.Certificate
	var keys []crypto.Signer
	//lint:ignore SA1019 ToPEM is go-pkcs12's only reader of a bag with several keys (an export of every identity); DecodeChain, below, takes one. Its PEM labels are loose: parseExportedKey tries PKCS#1, SEC 1 and PKCS#8.
	if blocks, err := pkcs12.ToPEM(data, pass); err == nil {
		for _, b := range blocks {
			switch b.Type {
			case "CERTIFICATE":
				if c, err := x509.ParseCertificate(b.Bytes); err == nil {
					certs = append(certs, c)
				}
			case "PRIVATE KEY":
				if key := parseExportedKey(b.Bytes); key != nil {
					keys = append(keys, key)
				}
			}
		}
	} else if key, leaf, more, err2 := pkcs12.DecodeChain(data, pass); err2 == nil {
		if s, ok := key.(crypto.Signer); ok {
			keys = append(keys, s)
		}
		certs = append([]*x509.Certificate{leaf}, more...)
	} else {
		return nil, fmt.Errorf("%w: the keychain's export could not be read (%v): export the identity from Keychain Access as .p12 and choose that file instead", ErrKeychain, err)
	}
	leaf := -1
	for i, c := range certs {
		if fingerprint(c) == want {
			leaf = i
		}
	}
	if leaf < 0 {
		return nil, fmt.Errorf("%w: the certificate %s is no longer in the keychain with its private key: refresh the list", ErrKeychain, want)
	}
	for _, key := range keys {
		if keyMatchesCertificate(key, certs[leaf]) {
			var chain []*x509.Certificate
			chain = append(chain, certs[leaf])
			for i, c := range certs {
				if i != leaf && c.Subject.String() == certs[leaf].Issuer.String() {
					chain = append(chain, c)
				}
			}
			cred := newCertificateCredential(KindKeychain, "Keychain: "+certs[leaf].Subject.CommonName, key, chain, 0)
			return cred, nil
		}
	}
	return nil, fmt.Errorf("%w: the keychain did not export the private key of %s (it may be marked as not exportable): in Keychain Access check that the certificate has its key under it", ErrKeychain, certs[leaf].Subject.CommonName)
}

// parseExportedKey reads a key as go-pkcs12's ToPEM gives it: PKCS#1 RSA
// or SEC 1 EC, labelled "PRIVATE KEY" (or PKCS#8).
func parseExportedKey(der []byte) crypto.Signer {
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k
	}
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		if s, ok := k.(crypto.Signer); ok {
			return s
		}
	}
	return nil
}

// onePassphrase protects one export on its way through the pipe. It is
// on security's command line, where other processes may see it; that
// gives them nothing, as the PKCS#12 it encrypts only ever travels through
// the pipe to this process.
func onePassphrase() string {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b)
}

func (k *Keychain) keychain() string {
	if k.Path != "" {
		return k.Path
	}
	return LoginKeychain
}

func (k *Keychain) timeout() time.Duration {
	if k.Timeout > 0 {
		return k.Timeout
	}
	return 30 * time.Second
}

// Available returns nil when the security tool can be run, else an error
// wrapping ErrNoSecurityTool, for hiding the Keychain list off macOS.
func (k *Keychain) Available() error {
	_, err := k.tool()
	return err
}

func (k *Keychain) tool() (string, error) {
	name := k.Security
	if name == "" {
		name = "security"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%w: reading the Keychain needs macOS's security tool, which was not found on PATH: on a Mac check PATH includes /usr/bin; elsewhere export the certificate as .p12 and choose the file", ErrNoSecurityTool)
	}
	return path, nil
}

// run runs the security tool; its output is kept off every error message
// (an export is secret).
func (k *Keychain) run(ctx context.Context, timeout time.Duration, args ...string) ([]byte, error) {
	path, err := k.tool()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.WaitDelay = time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return nil, fmt.Errorf("%w: security %s did not finish within %s: if macOS asked for permission, answer it and try again", ErrKeychain, args[0], timeout)
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		msg := strings.TrimSpace(errOut.String())
		if line, _, _ := strings.Cut(msg, "\n"); line != "" {
			msg = line
		} else {
			msg = err.Error()
		}
		fix := "check that the keychain exists and is unlocked (Keychain Access)"
		if args[0] == "export" {
			fix = "allow the export when macOS asks (Always Allow or Allow), or export the identity from Keychain Access as .p12 and choose that file"
		}
		return nil, fmt.Errorf("%w: security %s failed (%s): %s", ErrKeychain, args[0], msg, fix)
	}
	return out.Bytes(), nil
}
