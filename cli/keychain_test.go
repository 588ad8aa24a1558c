package cli

import (
	"os"
	"strings"
	"testing"

	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential/keychaintest"
)

func TestMain(m *testing.M) {
	keychaintest.RunIfStandIn() // inspect --keychain's tests run this binary as macOS's security tool
	os.Exit(m.Run())
}

func TestInspectKeychainListsPushIdentities(t *testing.T) {
	a, err := apnstest.NewAuthority()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := a.IssuePushCert(apnstest.PushCertSpec{BundleID: "com.example.app", Sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	keychaintest.Install(t, keychaintest.Identity{Cert: cert.Cert, Key: cert.Key}, keychaintest.Identity{Cert: a.Cert})

	code, out, errOut := cli(t, "", "inspect", "--keychain")
	want := keychaintest.SHA1(cert.Cert) + "  Apple Push Services: com.example.app · sandbox · expires "
	if code != exitOK || !strings.HasPrefix(out, want) || !strings.HasSuffix(out, " · bundle com.example.app\n") || strings.Count(out, "\n") != 1 {
		t.Fatalf("exit %d\n%q\nwant one line starting %q\n%s", code, out, want, errOut)
	}

	keychaintest.Hide(t)
	if code, _, errOut := cli(t, "", "inspect", "--keychain"); code != exitFailure || !strings.Contains(errOut, "needs macOS's security tool") {
		t.Errorf("without security: exit %d %s", code, errOut)
	}
}
