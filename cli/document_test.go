package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
	"apnsconsole/sender/document"
)

// docServer starts a simulator with its files in a folder.
func docServer(t *testing.T) (*apnstest.Server, string) {
	t.Helper()
	s := apnstest.NewServer()
	t.Cleanup(s.Close)
	dir := t.TempDir()
	if err := s.Demo.WriteFiles(dir, s.Authority); err != nil {
		t.Fatal(err)
	}
	return s, dir
}

func TestSendFileSendsAConsoleDocumentWithFlagsOverriding(t *testing.T) {
	s, dir := docServer(t)
	path := filepath.Join(dir, "team.apnsconsole")
	err := document.WriteConsole(path, &document.Document{
		Target:     document.Target{Environment: document.TargetCustom, Host: s.Addr, CA: filepath.Join(dir, apnstest.FileCA)},
		Credential: credential.Ref{Kind: credential.KindP8, Path: filepath.Join(dir, apnstest.FileDemoP8), KeyID: apnstest.DemoKeyID, TeamID: apnstest.DemoTeamID},
		Topic:      apnstest.DemoBundleID,
		PushType:   sender.PushAlert,
		Priority:   10,
		CollapseID: "news",
		Tokens:     []string{pastedToken, "00fc13adff785122b4ad28809a3420982341241421348097878e577c991de8f0"},
		Payload:    json.RawMessage(`{"aps":{"alert":{"title":"Saved","body":"text"},"category":"NEWS"},"id":7}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cli(t, "", "send", "--file", path)
	if code != exitOK || strings.Count(out, "200 OK") != 2 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	acc := s.Accepted()
	if len(acc) != 2 || string(acc[0].Payload) != `{"aps":{"alert":{"title":"Saved","body":"text"},"category":"NEWS"},"id":7}` ||
		acc[0].Priority != 10 || acc[0].CollapseID != "news" || acc[0].Auth != apnstest.AuthToken {
		t.Fatalf("accepted %+v", acc)
	}

	// Flags override the document's fields; the rest stays.
	s.Reset()
	code, out, errOut = cli(t, "", "send", "--file", path, "--priority", "5", "--alert", "typed", "--token", apnstest.DemoToken)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	acc = s.Accepted()
	if len(acc) != 1 || acc[0].Priority != 5 || acc[0].CollapseID != "news" ||
		string(acc[0].Payload) != `{"aps":{"alert":"typed","category":"NEWS"},"id":7}` {
		t.Fatalf("accepted %+v", acc)
	}
}

func TestSendFileTakesAnAPNsFileBundleAsTopic(t *testing.T) {
	s, dir := docServer(t)
	path := filepath.Join(dir, "hello.apns")
	os.WriteFile(path, []byte(`{"Simulator Target Bundle":"com.example.demo","aps":{"alert":"from file","sound":"default"}}`), 0o644)
	code, out, errOut := cli(t, "", "send", "--file", path, "--host", s.Addr, "--ca", filepath.Join(dir, apnstest.FileCA),
		"--p8", filepath.Join(dir, apnstest.FileDemoP8), "--team-id", apnstest.DemoTeamID, "--token", pastedToken, "--push-type", "voip")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	acc := s.Accepted()
	if len(acc) != 1 || acc[0].Topic != "com.example.demo.voip" || string(acc[0].Payload) != `{"aps":{"alert":"from file","sound":"default"}}` {
		t.Fatalf("accepted %+v", acc)
	}
}

func TestSendFileExplainsBadAndStaleDocuments(t *testing.T) {
	s, dir := docServer(t)
	p8 := filepath.Join(t.TempDir(), "AuthKey_"+apnstest.DemoKeyID+".p8")
	data, _ := os.ReadFile(filepath.Join(dir, apnstest.FileDemoP8))
	os.WriteFile(p8, data, 0o600)
	path := filepath.Join(dir, "stale.apnsconsole")
	if err := document.WriteConsole(path, &document.Document{
		Target:     document.Target{Environment: document.TargetCustom, Host: s.Addr, CA: filepath.Join(dir, apnstest.FileCA)},
		Credential: credential.Ref{Kind: credential.KindP8, Path: p8, KeyID: apnstest.DemoKeyID, TeamID: apnstest.DemoTeamID},
		Topic:      apnstest.DemoBundleID, Tokens: []string{pastedToken}, Payload: json.RawMessage(`{"aps":{"alert":"hi"}}`),
	}); err != nil {
		t.Fatal(err)
	}
	os.Remove(p8)
	code, out, errOut := cli(t, "", "send", "--file", path)
	if code != exitFailure || !strings.Contains(errOut, "no longer exists") || !strings.Contains(errOut, "give the credential with --p12, --cert or --p8") {
		t.Fatalf("missing credential: exit %d\n%s\n%s", code, out, errOut)
	}
	// Giving the credential on the command line sends it.
	code, out, errOut = cli(t, "", "send", "--file", path, "--p8", filepath.Join(dir, apnstest.FileDemoP8), "--team-id", apnstest.DemoTeamID)
	if code != exitOK {
		t.Fatalf("with --p8: exit %d\n%s\n%s", code, out, errOut)
	}

	for name, c := range map[string]struct{ file, data, want string }{
		"not JSON":   {"a.apnsconsole", "{oops", "not JSON"},
		"newer":      {"b.apnsconsole", `{"format":"apns-console","version":9,"payload":{}}`, "version 9"},
		"list .apns": {"c.apns", `[{"aps":{}}]`, "not a JSON object"},
		"missing":    {"", "", "cannot open the file"},
	} {
		f := filepath.Join(dir, "nope.apns")
		if c.file != "" {
			f = filepath.Join(dir, c.file)
			os.WriteFile(f, []byte(c.data), 0o644)
		}
		code, _, errOut := cli(t, "", "send", "--file", f, "--env", "local", "--token", pastedToken)
		if code != exitFailure || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, want 2 with %q:\n%s", name, code, c.want, errOut)
		}
	}
}
