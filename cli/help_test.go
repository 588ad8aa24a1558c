package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender/apnstest"
)

// TestEveryCommandsHelpIsOnStdoutWithExitZero: -h, -help and --help of
// every command (and of channels' actions) print its help on stdout and
// exit 0, as gh and curl do; `help CMD` prints the same.
func TestEveryCommandsHelpIsOnStdoutWithExitZero(t *testing.T) {
	var lines [][]string
	for _, c := range commands() {
		lines = append(lines, []string{c.name})
	}
	for _, a := range channelActions {
		lines = append(lines, []string{"channels", a})
	}
	for _, line := range lines {
		for _, h := range []string{"-h", "-help", "--help"} {
			code, out, errOut := cli(t, "", append(line, h)...)
			if code != exitOK || errOut != "" || out == "" {
				t.Errorf("%s %s: exit %d, stdout %d bytes, stderr %q; want 0, the help on stdout, nothing on stderr", strings.Join(line, " "), h, code, len(out), errOut)
			}
			if line[0] != "help" && !strings.HasPrefix(out, "Usage: apns-console "+line[0]) {
				t.Errorf("%s %s: the help does not start with its usage line:\n%s", strings.Join(line, " "), h, out)
			}
		}
		_, want, _ := cli(t, "", append(line, "--help")...)
		code, out, errOut := cli(t, "", append([]string{"help"}, line...)...)
		if line[0] == "help" {
			_, want, _ = cli(t, "")
		}
		if code != exitOK || out != want || errOut != "" {
			t.Errorf("help %s: exit %d, stderr %q, and a help unlike %s --help's:\n%s", strings.Join(line, " "), code, errOut, line[0], out)
		}
	}
	// The flags are listed, on stdout.
	if _, out, _ := cli(t, "", "send", "--help"); !strings.Contains(out, "-token TOKEN") || !strings.Contains(out, "-p8 FILE") {
		t.Errorf("send --help lacks its flags:\n%s", out)
	}
}

func TestTopLevelHelpVersionAndUnknownCommands(t *testing.T) {
	for _, args := range [][]string{nil, {"help"}, {"-h"}, {"--help"}} {
		code, out, errOut := cli(t, "", args...)
		if code != exitOK || errOut != "" || !strings.Contains(out, "Commands:") || !strings.Contains(out, "completion") {
			t.Errorf("%q: exit %d, stderr %q, stdout:\n%s", args, code, errOut, out)
		}
	}
	old := Version
	Version = "1.2.3-4-gabcdef0"
	defer func() { Version = old }()
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}, {"-v"}} {
		code, out, errOut := cli(t, "", args...)
		if code != exitOK || errOut != "" || !strings.HasPrefix(out, "apns-console 1.2.3-4-gabcdef0\n") {
			t.Errorf("%q: exit %d, stderr %q, stdout %q; want the version's line", args, code, errOut, out)
		}
	}
	for _, args := range [][]string{{"sned"}, {"--bogus"}, {"help", "sned"}, {"version", "extra"}, {"completion", "tcsh"}, {"completion"}} {
		code, out, errOut := cli(t, "", args...)
		if code != exitFailure || out != "" || errOut == "" || strings.Contains(errOut, "Commands:") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2, nothing on stdout, a short error on stderr", args, code, out, errOut)
		}
	}
}

// TestErrorsOnlyOnStderr: a command that fails prints nothing on stdout,
// and a bad flag is one error and a pointer to --help, not the whole help.
func TestErrorsOnlyOnStderr(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.p12")
	for _, args := range [][]string{
		{"send", "--bogus"},
		{"send", "--env", "local", "--alert", "hi"}, // no token
		{"send", "--priority", "x"},
		{"serve", "--env", "local"},
		{"inspect"},
		{"inspect", missing},
		{"inspect", "--keychain", "--json"},
		{"jwt"},
		{"jwt", "--p8", missing},
		{"channels"},
		{"channels", "--bogus"},
		{"channels", "create", "--bogus"},
		{"feedback", "--bogus"},
		{"simulators", "extra"},
		{"man", "extra"},
	} {
		code, out, errOut := cli(t, "", args...)
		if code != exitFailure || out != "" || errOut == "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 with the error on stderr only", args, code, out, errOut)
		}
		if strings.Contains(errOut, "Flags:") || strings.Count(errOut, "\n") > 3 {
			t.Errorf("%q: the error is buried in the help:\n%s", args, errOut)
		}
	}
	_, _, errOut := cli(t, "", "send", "--bogus")
	if !strings.Contains(errOut, "flag provided but not defined: -bogus") || !strings.Contains(errOut, "apns-console send --help") {
		t.Errorf("send --bogus: %q", errOut)
	}
}

// TestChannelsCreateRejectionIsNotCapturedAsAnID: id=$(apns-console
// channels create …) must never take the rejection for the id.
func TestChannelsCreateRejectionIsNotCapturedAsAnID(t *testing.T) {
	code, out, errOut := cli(t, "", "channels", "create", "--env", "local", "--bundle", "com.other.app", "--storage-policy", "0")
	if code != exitRejected || out != "" || !strings.Contains(errOut, "✗ 403 TopicMismatch") {
		t.Errorf("a rejected create: exit %d, stdout %q, stderr %q; want 1, nothing on stdout, the reason on stderr", code, out, errOut)
	}
	code, out, _ = cli(t, "", "channels", "create", "--env", "local", "--bundle", "com.other.app", "--storage-policy", "0", "--json")
	var j channelJSON
	if err := json.Unmarshal([]byte(out), &j); code != exitRejected || err != nil || j.Reason != "TopicMismatch" || j.ChannelID != "" {
		t.Errorf("--json: exit %d, %q (%v)", code, out, err)
	}
}

func TestInspectJSON(t *testing.T) {
	dir := writeDemoFiles(t)
	code, out, errOut := cli(t, "", "inspect", filepath.Join(dir, apnstest.FileDemoP12), "--password", apnstest.DemoP12Password, "--json")
	var j inspectJSON
	if err := json.Unmarshal([]byte(out), &j); code != exitOK || err != nil {
		t.Fatalf("exit %d, %v\n%s\n%s", code, err, out, errOut)
	}
	c := j.Certificate
	if j.Kind != "p12" || !j.HasPrivateKey || j.Key == "" || c == nil || c.BundleID != apnstest.DemoBundleID ||
		strings.Join(c.Environments, ",") != "sandbox,production" || len(c.Topics) == 0 || c.DaysLeft <= 0 {
		t.Errorf("inspect --json of the demo .p12: %s", out)
	}
	if _, err := time.Parse(time.RFC3339, c.NotAfter); err != nil {
		t.Errorf("not_after %q: %v", c.NotAfter, err)
	}
	if strings.Contains(out, "password") {
		t.Errorf("the output mentions the password: %s", out)
	}

	code, out, _ = cli(t, "", "inspect", filepath.Join(dir, apnstest.FileDemoCert), "--json")
	j = inspectJSON{}
	if err := json.Unmarshal([]byte(out), &j); code != exitOK || err != nil || j.Kind != "certificate" || j.HasPrivateKey || j.Key != "none" || j.Certificate == nil {
		t.Errorf("a certificate alone: exit %d %s", code, out)
	}
	code, out, _ = cli(t, "", "inspect", "--json", filepath.Join(dir, apnstest.FileDemoP8))
	j = inspectJSON{}
	if err := json.Unmarshal([]byte(out), &j); code != exitOK || err != nil || j.Kind != "p8" || j.KeyID != apnstest.DemoKeyID || j.Certificate != nil || !strings.Contains(j.Key, "P-256") {
		t.Errorf("a .p8: exit %d %s", code, out)
	}
}

func TestJWTJSON(t *testing.T) {
	dir := writeDemoFiles(t)
	before := time.Now().Add(-time.Second)
	code, out, errOut := cli(t, "", "jwt", "--p8", filepath.Join(dir, apnstest.FileDemoP8), "--key-id", apnstest.DemoKeyID, "--team-id", apnstest.DemoTeamID, "--json")
	var j jwtJSON
	if err := json.Unmarshal([]byte(out), &j); code != exitOK || err != nil || errOut != "" {
		t.Fatalf("exit %d, %v\n%s\n%s", code, err, out, errOut)
	}
	iat, err1 := time.Parse(time.RFC3339, j.IssuedAt)
	exp, err2 := time.Parse(time.RFC3339, j.ExpiresAt)
	if err1 != nil || err2 != nil || iat.Before(before.Truncate(time.Second)) || exp.Sub(iat) != time.Hour {
		t.Errorf("issued_at %q, expires_at %q", j.IssuedAt, j.ExpiresAt)
	}
	if strings.Count(j.Token, ".") != 2 || j.KeyID != apnstest.DemoKeyID || j.TeamID != apnstest.DemoTeamID {
		t.Errorf("jwt --json: %s", out)
	}
}

// TestCompletionScriptsComplete: the scripts are valid in their shells,
// name every command and flag, and bash's (and fish's, where installed)
// complete as a user would see.
func TestCompletionScriptsComplete(t *testing.T) {
	specs := describeAll()
	scripts := map[string]string{}
	for _, sh := range completionShells {
		code, out, errOut := cli(t, "", "completion", sh)
		if code != exitOK || errOut != "" {
			t.Fatalf("completion %s: exit %d %s", sh, code, errOut)
		}
		scripts[sh] = out
		for _, s := range specs {
			if !strings.Contains(out, s.name) {
				t.Errorf("%s: no command %s", sh, s.name)
			}
			for _, f := range s.flags {
				if !strings.Contains(out, f.Name) {
					t.Errorf("%s: no %s %s", sh, s.name, dashName(f))
				}
			}
		}
	}
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	os.WriteFile(filepath.Join(dir, "AuthKey_X.p8"), nil, 0o644)
	if _, err := exec.LookPath("bash"); err == nil {
		script := write("c.bash", scripts["bash"])
		probe := `source "$1"; shift
try() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); _apns_console; echo "${COMPREPLY[*]}"; }
try apns-console se
try apns-console send --to
try apns-console send --env ""
try apns-console channels ""
try apns-console help chan
try apns-console send --p8 "$DIR/Auth"
try apns-console serve --env ""
`
		cmd := exec.Command("bash", "-c", probe, "bash", script)
		cmd.Env = append(os.Environ(), "DIR="+dir)
		got, err := cmd.CombinedOutput()
		want := "send serve\n--token --tokens --topic\nsandbox production local simulator\ncreate list get delete\nchannels\n" +
			filepath.Join(dir, "AuthKey_X.p8") + "\nsandbox production\n"
		if err != nil || string(got) != want {
			t.Errorf("bash completion: %v\ngot:\n%s\nwant:\n%s", err, got, want)
		}
	} else {
		t.Log("no bash: its completion is not run")
	}
	if _, err := exec.LookPath("zsh"); err == nil {
		if out, err := exec.Command("zsh", "-n", write("_apns-console", scripts["zsh"])).CombinedOutput(); err != nil {
			t.Errorf("zsh -n: %v\n%s", err, out)
		}
	} else {
		t.Log("no zsh: its script is not checked")
	}
	if _, err := exec.LookPath("fish"); err == nil {
		script := write("c.fish", scripts["fish"])
		out, err := exec.Command("fish", "--no-config", "-c", `source $argv[1]; complete -C"apns-console send --pu"; complete -C"apns-console-cli channels "`, script).CombinedOutput()
		if err != nil || !strings.HasPrefix(string(out), "--push-type\t") || !strings.Contains(string(out), "\ncreate\n") {
			t.Errorf("fish completion: %v\n%s", err, out)
		}
	} else {
		t.Log("no fish: its script is not run")
	}
}

// TestManPageListsEveryFlag: the page is made from the FlagSets, and
// groff (where installed) reads it without a warning.
func TestManPageListsEveryFlag(t *testing.T) {
	code, page, errOut := cli(t, "", "man")
	if code != exitOK || errOut != "" || !strings.HasPrefix(page, `.\" `) || !strings.Contains(page, "\n.TH APNS\\-CONSOLE 1 ") {
		t.Fatalf("man: exit %d %s\n%.300s", code, errOut, page)
	}
	for _, s := range describeAll() {
		if !strings.Contains(page, "\n.SS "+roff("apns-console "+s.name)) {
			t.Errorf("no section for %s", s.name)
		}
		for _, f := range s.flags {
			if !strings.Contains(page, "\n.B "+roff(dashName(f))+"\n") && !strings.Contains(page, "\n.BI "+roff(dashName(f))+` "`) {
				t.Errorf("no %s %s", s.name, dashName(f))
			}
		}
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" && home != "/" && strings.Contains(page, roff(home)) {
		t.Errorf("the page names the builder's home folder %s", home)
	}
	if _, err := exec.LookPath("groff"); err != nil {
		t.Skip("no groff: the page is not formatted")
	}
	cmd := exec.Command("groff", "-man", "-Tutf8", "-ww", "-z")
	cmd.Stdin = strings.NewReader(page)
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("groff: %v\n%s", err, out)
	}
}
