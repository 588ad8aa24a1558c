package credential_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
	"apnsconsole/sender/credential/keychaintest"
)

func TestMain(m *testing.M) {
	keychaintest.RunIfStandIn() // the Keychain tests run this binary as macOS's security tool
	os.Exit(m.Run())
}

// fakeKeychain is a keychain served by the stand-in.
type fakeKeychain struct {
	*keychaintest.Security
	authority *apnstest.Authority
	a, b, c   *apnstest.PushCert // a and b have keys in the keychain, c not
	dev       *apnstest.PushCert // a development (non-push) identity
}

var sha1Of = keychaintest.SHA1

// installKeychain puts a `security` stand-in on PATH serving a keychain
// with two push identities, a push certificate without its key and a
// developer identity; its export holds identity a, with the others'
// certificates.
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
	k := &fakeKeychain{authority: auth,
		a:   issue(apnstest.PushCertSpec{BundleID: apnstest.DemoBundleID, Sandbox: true, Production: true}),
		b:   issue(apnstest.PushCertSpec{BundleID: "com.example.old", CommonName: "Apple Development IOS Push Services: com.example.old", Sandbox: true, NotAfter: time.Now().AddDate(0, -1, 0), NotBefore: time.Now().AddDate(-1, 0, 0)}),
		c:   issue(apnstest.PushCertSpec{BundleID: "com.example.nokey", Production: true}),
		dev: issue(apnstest.PushCertSpec{BundleID: "com.example.dev", CommonName: "Apple Development: Jane Appleseed (ABCDE12345)", Topics: []credential.Topic{}}),
	}
	k.Security = keychaintest.Install(t,
		keychaintest.Identity{Cert: k.b.Cert, Key: k.b.Key},
		keychaintest.Identity{Cert: k.a.Cert, Key: k.a.Key},
		keychaintest.Identity{Cert: k.c.Cert},
		keychaintest.Identity{Cert: k.dev.Cert, Key: k.dev.Key},
		keychaintest.Identity{Cert: auth.Cert})
	k.Exports(t, keychaintest.Identity{Cert: k.a.Cert, Key: k.a.Key}, keychaintest.Identity{Cert: auth.Cert}, keychaintest.Identity{Cert: k.b.Cert})
	return k
}

func (k *fakeKeychain) runs(t *testing.T) []string {
	var runs []string
	for _, r := range k.Runs(t) {
		runs = append(runs, strings.Join(r, " "))
	}
	return runs
}

func TestKeychainListsPushIdentities(t *testing.T) {
	k := installKeychain(t)
	// What security prints on a Mac: every identity, then the valid ones again.
	realistic := fmt.Sprintf(`Policy: X.509 Basic
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
	if err := os.WriteFile(filepath.Join(k.Dir, "identities.txt"), []byte(realistic), 0o600); err != nil {
		t.Fatal(err)
	}
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
	k.Fail(t, "security: SecKeychainItemExport: User interaction is not allowed.")
	_, err := kc.Export(context.Background(), sha1Of(k.a.Cert))
	if !errors.Is(err, credential.ErrKeychain) || !strings.Contains(err.Error(), "User interaction is not allowed") || !strings.Contains(err.Error(), "allow the export") {
		t.Errorf("refused export: %v", err)
	}
	if _, err := kc.PushIdentities(context.Background()); !errors.Is(err, credential.ErrKeychain) || !strings.Contains(err.Error(), "unlocked") {
		t.Errorf("failing list: %v", err)
	}
}

func TestKeychainWithoutTheSecurityTool(t *testing.T) {
	keychaintest.Hide(t)
	kc := &credential.Keychain{}
	if err := kc.Available(); !errors.Is(err, credential.ErrNoSecurityTool) {
		t.Errorf("Available: %v", err)
	}
	if _, err := kc.PushIdentities(context.Background()); !errors.Is(err, credential.ErrNoSecurityTool) || !strings.Contains(err.Error(), "export the certificate as .p12") {
		t.Errorf("PushIdentities: %v", err)
	}
}
