package credential_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// standInEnv makes the test binary act as macOS's security tool (see
// TestSecurityStandIn); its value is the folder holding the keychain's
// contents.
const standInEnv = "APNS_TEST_SECURITY_STANDIN"

// TestSecurityStandIn is not a test: run by the stand-in script with
// standInEnv set, it answers like `security` from the files in that
// folder, records its arguments, and exits.
func TestSecurityStandIn(t *testing.T) {
	dir := os.Getenv(standInEnv)
	if dir == "" {
		t.Skip("the stand-in for macOS's security tool; runs only when a keychain test calls it")
	}
	var args []string
	for i, a := range os.Args {
		if a == "--" {
			args = os.Args[i+1:]
			break
		}
	}
	f, _ := os.OpenFile(filepath.Join(dir, "runs"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	fmt.Fprintln(f, strings.Join(args, " "))
	f.Close()
	if msg, err := os.ReadFile(filepath.Join(dir, "fail")); err == nil {
		os.Stderr.Write(msg)
		os.Exit(1)
	}
	switch args[0] {
	case "find-identity":
		data, _ := os.ReadFile(filepath.Join(dir, "identities.txt"))
		os.Stdout.Write(data)
	case "find-certificate":
		data, _ := os.ReadFile(filepath.Join(dir, "certificates.pem"))
		os.Stdout.Write(data)
	case "export":
		pass := ""
		for i, a := range args {
			if a == "-P" {
				pass = args[i+1]
			}
		}
		pemData, _ := os.ReadFile(filepath.Join(dir, "export.pem"))
		var key *rsa.PrivateKey
		var certs []*x509.Certificate
		for rest := pemData; ; {
			var b *pem.Block
			if b, rest = pem.Decode(rest); b == nil {
				break
			}
			if b.Type == "CERTIFICATE" {
				c, _ := x509.ParseCertificate(b.Bytes)
				certs = append(certs, c)
			} else {
				k, _ := x509.ParsePKCS8PrivateKey(b.Bytes)
				key = k.(*rsa.PrivateKey)
			}
		}
		// Keychain Access exports with the legacy RC2/3DES encoding.
		p12, err := pkcs12.LegacyRC2.Encode(key, certs[0], certs[1:], pass)
		if err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(1)
		}
		os.Stdout.Write(p12)
	default:
		fmt.Fprintf(os.Stderr, "security: unknown command %q\n", args[0])
		os.Exit(2)
	}
	os.Exit(0)
}

// fakeKeychain is a keychain served by the stand-in.
type fakeKeychain struct {
	dir       string
	authority *apnstest.Authority
	a, b, c   *apnstest.PushCert // a and b have keys in the keychain, c not
	dev       *apnstest.PushCert // a development (non-push) identity
}

func sha1Of(c *x509.Certificate) string {
	s := sha1.Sum(c.Raw)
	return strings.ToUpper(hex.EncodeToString(s[:]))
}

// installKeychain puts a `security` stand-in on PATH serving a keychain
// with two push identities, a push certificate without its key and a
// developer identity; its export holds identity a, with b's certificate.
func installKeychain(t *testing.T) *fakeKeychain {
	t.Helper()
	auth, err := apnstest.NewAuthority()
	if err != nil {
		t.Fatal(err)
	}
	issue := func(spec apnstest.PushCertSpec) *apnstest.PushCert {
		c, err := auth.IssuePushCert(spec)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	k := &fakeKeychain{dir: t.TempDir(), authority: auth,
		a:   issue(apnstest.PushCertSpec{BundleID: apnstest.DemoBundleID, Sandbox: true, Production: true}),
		b:   issue(apnstest.PushCertSpec{BundleID: "com.example.old", CommonName: "Apple Development IOS Push Services: com.example.old", Sandbox: true, NotAfter: time.Now().AddDate(0, -1, 0), NotBefore: time.Now().AddDate(-1, 0, 0)}),
		c:   issue(apnstest.PushCertSpec{BundleID: "com.example.nokey", Production: true}),
		dev: issue(apnstest.PushCertSpec{BundleID: "com.example.dev", CommonName: "Apple Development: Jane Appleseed (ABCDE12345)", Topics: []credential.Topic{}}),
	}
	ids := fmt.Sprintf(`Policy: X.509 Basic
  Matching identities
  1) %s "Apple Push Services: com.example.demo"
  2) %s "Apple Development IOS Push Services: com.example.old" (CSSMERR_TP_CERT_EXPIRED)
  3) %s "Apple Development: Jane Appleseed (ABCDE12345)"
     3 identities found

  Valid identities only
  1) %s "Apple Push Services: com.example.demo"
  2) %s "Apple Development: Jane Appleseed (ABCDE12345)"
     2 valid identities found
`, sha1Of(k.a.Cert), sha1Of(k.b.Cert), sha1Of(k.dev.Cert), sha1Of(k.a.Cert), sha1Of(k.dev.Cert))
	var certs, export bytes.Buffer
	for _, c := range []*apnstest.PushCert{k.b, k.a, k.c, k.dev} {
		certs.Write(c.CertPEM)
	}
	certs.Write(auth.CertPEM)
	export.Write(k.a.CertPEM)
	export.Write(auth.CertPEM)
	export.Write(k.b.CertPEM)
	export.Write(k.a.KeyPEM)
	for name, data := range map[string][]byte{"identities.txt": []byte(ids), "certificates.pem": certs.Bytes(), "export.pem": export.Bytes()} {
		if err := os.WriteFile(filepath.Join(k.dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	script := fmt.Sprintf("#!/bin/sh\n%s=%q exec %q -test.run='^TestSecurityStandIn$' -- \"$@\"\n", standInEnv, k.dir, exe)
	if err := os.WriteFile(filepath.Join(bin, "security"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return k
}

func (k *fakeKeychain) runs(t *testing.T) []string {
	data, _ := os.ReadFile(filepath.Join(k.dir, "runs"))
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

func TestKeychainListsPushIdentities(t *testing.T) {
	k := installKeychain(t)
	ids, err := (&credential.Keychain{}).PushIdentities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 {
		t.Fatalf("got %d identities, want the 2 push identities: %+v", len(ids), ids)
	}
	now := time.Now()
	old, demo := ids[0], ids[1]
	if demo.SHA1 != sha1Of(k.a.Cert) || demo.BundleID() != apnstest.DemoBundleID || demo.Environments() != "sandbox + production" ||
		!demo.Expires().Equal(k.a.Cert.NotAfter) || !strings.HasPrefix(demo.Summary(now), "Apple Push Services: com.example.demo · sandbox + production · expires ") {
		t.Errorf("demo identity %+v: %s", demo, demo.Summary(now))
	}
	if old.BundleID() != "com.example.old" || old.Environments() != "sandbox" || !strings.Contains(old.Summary(now), "expired on") {
		t.Errorf("expired identity: %s", old.Summary(now))
	}
	runs := k.runs(t)
	if len(runs) != 2 || runs[0] != "find-identity login.keychain" || runs[1] != "find-certificate -a -p login.keychain" {
		t.Errorf("security runs %q", runs)
	}
}

func TestKeychainExportLoadsTheIdentityInMemory(t *testing.T) {
	k := installKeychain(t)
	kc := &credential.Keychain{}
	cred, err := kc.Export(context.Background(), strings.ToLower(sha1Of(k.a.Cert)))
	if err != nil {
		t.Fatal(err)
	}
	if cred.Kind != credential.KindKeychain || cred.Info.BundleID != apnstest.DemoBundleID || len(cred.Certificate.Certificate) != 2 ||
		!cred.Certificate.Leaf.Equal(k.a.Cert) || cred.Kind.String() != "certificate (Keychain)" {
		t.Fatalf("credential %+v", cred)
	}
	runs := k.runs(t)
	last := strings.Fields(runs[len(runs)-1])
	if len(last) != 9 || strings.Join(last[:8], " ") != "export -k login.keychain -t identities -f pkcs12 -P" || len(last[8]) < 32 {
		t.Errorf("export run %q: want a one-time passphrase of 32+ hex digits", last)
	}

	// The exported identity sends: the simulator trusts its authority.
	s := apnstest.NewUnstartedServer()
	s.Authority = k.authority
	if s.Demo, err = k.authority.NewDemo(); err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer s.Close()
	client := &sender.Client{Credential: cred, Host: s.Addr, RootCAs: s.Authority.Pool()}
	defer client.Close()
	n := &sender.Notification{Token: apnstest.DemoToken, Payload: []byte(`{"aps":{"alert":"from the keychain"}}`)}
	if resp, err := client.Send(context.Background(), n); err != nil || !resp.Accepted() {
		t.Fatalf("send with the Keychain identity: %v %+v", err, resp)
	}

	// A Ref to it loads the same way.
	ref := credential.Ref{Kind: credential.KindKeychain, Path: sha1Of(k.a.Cert)}
	if c, err := ref.Load(""); err != nil || !c.Certificate.Leaf.Equal(k.a.Cert) || ref.IsFile() {
		t.Errorf("Ref.Load: %v", err)
	}
}

func TestKeychainExportExplainsFailures(t *testing.T) {
	k := installKeychain(t)
	kc := &credential.Keychain{}
	for _, c := range []struct {
		sha1, want string
	}{
		{sha1Of(k.b.Cert), "did not export the private key"},
		{sha1Of(k.c.Cert), "no longer in the keychain"},
		{"12", "not a certificate's SHA-1 fingerprint"},
	} {
		if _, err := kc.Export(context.Background(), c.sha1); !errors.Is(err, credential.ErrKeychain) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.sha1, err, c.want)
		}
	}
	os.WriteFile(filepath.Join(k.dir, "fail"), []byte("security: SecKeychainItemExport: User interaction is not allowed.\n"), 0o600)
	_, err := kc.Export(context.Background(), sha1Of(k.a.Cert))
	if !errors.Is(err, credential.ErrKeychain) || !strings.Contains(err.Error(), "User interaction is not allowed") || !strings.Contains(err.Error(), "allow the export") {
		t.Errorf("refused export: %v", err)
	}
	if _, err := kc.PushIdentities(context.Background()); !errors.Is(err, credential.ErrKeychain) || !strings.Contains(err.Error(), "unlocked") {
		t.Errorf("failing list: %v", err)
	}
}

func TestKeychainWithoutTheSecurityTool(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	kc := &credential.Keychain{}
	if err := kc.Available(); !errors.Is(err, credential.ErrNoSecurityTool) {
		t.Errorf("Available: %v", err)
	}
	if _, err := kc.PushIdentities(context.Background()); !errors.Is(err, credential.ErrNoSecurityTool) || !strings.Contains(err.Error(), "export the certificate as .p12") {
		t.Errorf("PushIdentities: %v", err)
	}
}
