// Package keychaintest puts a stand-in for macOS's `security` tool on PATH,
// so that code reading the Keychain (credential.Keychain) can be tested on
// any system. The stand-in is the test binary itself: call RunIfStandIn
// first thing in the package's TestMain,
//
//	func TestMain(m *testing.M) {
//		keychaintest.RunIfStandIn()
//		os.Exit(m.Run())
//	}
//
// then Install a keychain's identities in a test. The stand-in answers
// `security find-identity`, `security find-certificate -a -p` and
// `security export -t identities -f pkcs12 -P <passphrase>` (a PKCS#12
// encrypted with that passphrase, in the legacy encoding Keychain Access
// uses), and records every run.
package keychaintest

import (
	"bytes"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"al.essio.dev/pkg/shellescape"
	"software.sslmate.com/src/go-pkcs12"
)

// envDir names the folder of an installed keychain; set, the test binary
// is the stand-in.
const envDir = "APNSCONSOLE_KEYCHAINTEST_DIR"

// Identity is a certificate in the stand-in's keychain, with its private
// key or without (Key nil: not an identity, only a certificate).
type Identity struct {
	Cert *x509.Certificate
	Key  any // *rsa.PrivateKey or *ecdsa.PrivateKey; nil for a certificate alone
}

// Security is an installed stand-in.
type Security struct {
	Dir string
}

// Install writes the keychain's contents to a temporary folder and puts a
// `security` that runs this test binary as the stand-in first on PATH for
// the rest of the test (t.Setenv: the test must not be parallel). The
// export carries the first identity with a key; see Exports.
func Install(t testing.TB, ids ...Identity) *Security {
	t.Helper()
	s := &Security{Dir: t.TempDir()}
	var found strings.Builder
	fmt.Fprintf(&found, "Policy: X.509 Basic\n  Matching identities\n")
	var certs bytes.Buffer
	n := 0
	for _, id := range ids {
		certs.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: id.Cert.Raw}))
		if id.Key != nil {
			n++
			fmt.Fprintf(&found, "  %d) %s %q\n", n, SHA1(id.Cert), id.Cert.Subject.CommonName)
		}
	}
	fmt.Fprintf(&found, "     %d identities found\n", n)
	s.write(t, "identities.txt", []byte(found.String()))
	s.write(t, "certificates.pem", certs.Bytes())
	for _, id := range ids {
		if id.Key != nil {
			s.Exports(t, id, ids...)
			break
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	script := fmt.Sprintf("#!/bin/sh\n%s=%s exec %s -test.run='^$' -- \"$@\"\n", envDir, shellescape.Quote(s.Dir), shellescape.Quote(exe))
	if err := os.WriteFile(filepath.Join(bin, "security"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return s
}

// Exports sets what `security export` gives: id's certificate and key,
// with the certificates of others (go-pkcs12 writes one key to a file, so
// the other identities' keys are missing, as non-exportable keys are).
func (s *Security) Exports(t testing.TB, id Identity, others ...Identity) {
	t.Helper()
	key, err := x509.MarshalPKCS8PrivateKey(id.Key)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.Write(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}))
	b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: id.Cert.Raw}))
	for _, o := range others {
		if !o.Cert.Equal(id.Cert) {
			b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: o.Cert.Raw}))
		}
	}
	s.write(t, "export.pem", b.Bytes())
}

// Fail makes every later run print message on standard error and exit 1.
func (s *Security) Fail(t testing.TB, message string) {
	t.Helper()
	s.write(t, "fail", []byte(message+"\n"))
}

// Runs returns the arguments of each run so far, in order.
func (s *Security) Runs(t testing.TB) [][]string {
	t.Helper()
	data, _ := os.ReadFile(filepath.Join(s.Dir, "runs"))
	var runs [][]string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line != "" {
			runs = append(runs, strings.Split(line, "\x1f"))
		}
	}
	return runs
}

// Hide makes the security tool impossible to find: PATH holds only an
// empty folder.
func Hide(t testing.TB) { t.Setenv("PATH", t.TempDir()) }

// SHA1 is a certificate's fingerprint as security prints it.
func SHA1(c *x509.Certificate) string {
	sum := sha1.Sum(c.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func (s *Security) write(t testing.TB, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(s.Dir, name), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// RunIfStandIn acts as the security tool and exits when this process was
// started as the stand-in; otherwise it returns at once. Call it first in
// TestMain.
func RunIfStandIn() {
	dir := os.Getenv(envDir)
	if dir == "" {
		return
	}
	var args []string
	for i, a := range os.Args {
		if a == "--" {
			args = os.Args[i+1:]
			break
		}
	}
	os.Exit(standIn(dir, args))
}

func standIn(dir string, args []string) int {
	if f, err := os.OpenFile(filepath.Join(dir, "runs"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); err == nil {
		fmt.Fprintln(f, strings.Join(args, "\x1f"))
		f.Close()
	}
	if msg, err := os.ReadFile(filepath.Join(dir, "fail")); err == nil {
		os.Stderr.Write(msg)
		return 1
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "security: no command")
		return 2
	}
	switch args[0] {
	case "find-identity":
		return cat(filepath.Join(dir, "identities.txt"))
	case "find-certificate":
		return cat(filepath.Join(dir, "certificates.pem"))
	case "export":
		pass := ""
		for i, a := range args[:len(args)-1] {
			if a == "-P" {
				pass = args[i+1]
			}
		}
		return export(filepath.Join(dir, "export.pem"), pass)
	}
	fmt.Fprintf(os.Stderr, "security: unknown command %q\n", args[0])
	return 2
}

func cat(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "security:", err)
		return 1
	}
	os.Stdout.Write(data)
	return 0
}

// export writes the PKCS#12 of the key and certificates in path.
func export(path, pass string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "security: SecKeychainItemExport: The specified item could not be found in the keychain.")
		return 1
	}
	var key any
	var certs []*x509.Certificate
	for rest := data; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		switch b.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err == nil {
				certs = append(certs, c)
			}
		case "PRIVATE KEY":
			key, _ = x509.ParsePKCS8PrivateKey(b.Bytes)
		}
	}
	if key == nil || len(certs) == 0 {
		fmt.Fprintln(os.Stderr, "security: nothing to export")
		return 1
	}
	p12, err := pkcs12.LegacyRC2.Encode(key, certs[0], certs[1:], pass)
	if err != nil {
		fmt.Fprintln(os.Stderr, "security:", err)
		return 1
	}
	os.Stdout.Write(p12)
	return 0
}
