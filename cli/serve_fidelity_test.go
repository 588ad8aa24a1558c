package cli

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"apnsconsole/sender/apnstest"
)

// handshake dials addr as a client that resolved name to it (the hosts
// file recipe), trusting only the CA in dir.
func handshake(t *testing.T, addr, dir, name string) error {
	t.Helper()
	ca, err := os.ReadFile(filepath.Join(dir, apnstest.FileCA))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, ServerName: name, NextProtos: []string{"h2"}})
	if err == nil {
		c.Close()
	}
	return err
}

// TestServeSANCoversTheHostsFileName: with --san the server certificate
// verifies as api.sandbox.push.apple.com; without, it does not.
func TestServeSANCoversTheHostsFileName(t *testing.T) {
	dir := t.TempDir()
	const apple = "api.sandbox.push.apple.com"
	plain := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir)
	if err := handshake(t, plain.addr, dir, apple); err == nil {
		t.Errorf("without --san the certificate verified as %s", apple)
	}
	plain.wait()
	s := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir, "--san", apple, "--san", "push.test")
	defer s.wait()
	for _, name := range []string{apple, "push.test", "localhost"} {
		if err := handshake(t, s.addr, dir, name); err != nil {
			t.Errorf("--san: the certificate does not verify as %s: %v", name, err)
		}
	}
	if !strings.Contains(s.out.String(), "also names "+apple+", push.test") {
		t.Errorf("serve did not say which names it added:\n%s", s.out)
	}
	if code, _, errOut := cli(t, "", "serve", "--dir", dir, "--san", "https://x/"); code != exitFailure || !strings.Contains(errOut, "--san") {
		t.Errorf("--san with a URL: exit %d\n%s", code, errOut)
	}
	s.wait()

	// A CI service container sets the environment, not arguments.
	t.Setenv("APNS_SIM_SAN", "apns, api.push.apple.com")
	e := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir)
	defer e.wait()
	for _, name := range []string{"apns", "api.push.apple.com"} {
		if err := handshake(t, e.addr, dir, name); err != nil {
			t.Errorf("APNS_SIM_SAN: the certificate does not verify as %s: %v", name, err)
		}
	}
}

// TestServeDemoKeyCoversEveryTopicUnlessRestricted: the README's
// com.example.app works with the demo .p8 as with a real team key;
// --topics restricts it.
func TestServeDemoKeyCoversEveryTopicUnlessRestricted(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir)
	if code, out, errOut := sendVia(t, s.addr, dir, "--topic", "com.example.app"); code != exitOK {
		t.Errorf("demo key to com.example.app: exit %d\n%s\n%s", code, out, errOut)
	}
	s.wait()
	t.Setenv("APNS_SIM_TOPICS", "org.not.this") // the flag wins over its environment twin
	r := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir, "--topics", "com.example.demo, com.example.other")
	defer r.wait()
	if !strings.Contains(r.out.String(), "for com.example.demo, com.example.other") {
		t.Errorf("serve did not list the restricted bundles:\n%s", r.out)
	}
	if code, out, errOut := sendVia(t, r.addr, dir, "--topic", "com.example.app"); code == exitOK || !strings.Contains(out+errOut, "TopicDisallowed") {
		t.Errorf("restricted demo key to com.example.app: exit %d, want TopicDisallowed\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := sendVia(t, r.addr, dir, "--topic", "com.example.other"); code != exitOK {
		t.Errorf("restricted demo key to a listed bundle: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestServeReuseTightensKeysAndCompletesASet: a reused set's loose key is
// made 0600 with a notice; an older version's set (no manifest, no legacy
// .p12) is completed with the same CA; a half-written set (no manifest,
// files that don't fit) is made again instead of refusing every start.
func TestServeReuseTightensKeysAndCompletesASet(t *testing.T) {
	dir := t.TempDir()
	first := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir)
	first.wait()
	ca, _ := os.ReadFile(filepath.Join(dir, apnstest.FileCA))
	os.Chmod(filepath.Join(dir, apnstest.FileCAKey), 0o644)
	os.Remove(filepath.Join(dir, apnstest.FileManifest))
	os.Remove(filepath.Join(dir, apnstest.FileDemoLegacy))

	second := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir)
	out := second.out.String()
	if !strings.Contains(out, "Notice: "+filepath.Join(dir, apnstest.FileCAKey)) || !strings.Contains(out, "(0644): made 0600") {
		t.Errorf("no notice of the tightened key:\n%s", out)
	}
	if !strings.Contains(out, "written again whole") {
		t.Errorf("an older set was not said to be completed:\n%s", out)
	}
	if fi, err := os.Stat(filepath.Join(dir, apnstest.FileCAKey)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s after reuse: %v", apnstest.FileCAKey, err)
	}
	for _, n := range []string{apnstest.FileManifest, apnstest.FileDemoLegacy} {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("the completed set lacks %s: %v", n, err)
		}
	}
	if now, _ := os.ReadFile(filepath.Join(dir, apnstest.FileCA)); string(now) != string(ca) {
		t.Error("completing the set changed the CA")
	}
	if code, o, e := sendVia(t, second.addr, dir); code != exitOK {
		t.Errorf("send after the set was completed: exit %d\n%s\n%s", code, o, e)
	}
	second.wait()

	// A write cut short: a CA key of another set and no manifest.
	other := t.TempDir()
	startServe(t, "--addr", "127.0.0.1:0", "--dir", other).wait()
	key, _ := os.ReadFile(filepath.Join(other, apnstest.FileCAKey))
	os.WriteFile(filepath.Join(dir, apnstest.FileCAKey), key, 0o600)
	os.Remove(filepath.Join(dir, apnstest.FileManifest))
	third := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir)
	defer third.wait()
	if out := third.out.String(); !strings.Contains(out, "incomplete set") || !strings.Contains(out, "New CA") {
		t.Errorf("a half-written set was not made again:\n%s", out)
	}
	if code, o, e := sendVia(t, third.addr, dir); code != exitOK {
		t.Errorf("send after the set was made again: exit %d\n%s\n%s", code, o, e)
	}
}
