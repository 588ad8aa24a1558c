package cli

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"apnsconsole/sender/apnstest"
)

// TestInspectKeychainListsPushIdentities uses a stand-in security tool
// that answers the two read-only commands with a push identity.
func TestInspectKeychainListsPushIdentities(t *testing.T) {
	a, err := apnstest.NewAuthority()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := a.IssuePushCert(apnstest.PushCertSpec{BundleID: "com.example.app", Sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(cert.Cert.Raw)
	fp := strings.ToUpper(hex.EncodeToString(sum[:]))
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ids"), []byte(fmt.Sprintf("  1) %s \"Apple Push Services: com.example.app\"\n     1 identities found\n", fp)), 0o644)
	os.WriteFile(filepath.Join(dir, "certs"), cert.CertPEM, 0o644)
	script := fmt.Sprintf("#!/bin/sh\ncase \"$1\" in find-identity) cat %q/ids;; find-certificate) cat %q/certs;; *) exit 9;; esac\n", dir, dir)
	os.WriteFile(filepath.Join(dir, "security"), []byte(script), 0o755)
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))

	code, out, errOut := cli(t, "", "inspect", "--keychain")
	want := fp + "  Apple Push Services: com.example.app · sandbox · expires "
	if code != exitOK || !strings.HasPrefix(out, want) || !strings.HasSuffix(out, " · bundle com.example.app\n") {
		t.Fatalf("exit %d\n%q\nwant prefix %q\n%s", code, out, want, errOut)
	}

	t.Setenv("PATH", t.TempDir())
	if code, _, errOut := cli(t, "", "inspect", "--keychain"); code != exitFailure || !strings.Contains(errOut, "needs macOS's security tool") {
		t.Errorf("without security: exit %d %s", code, errOut)
	}
}
