package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"apnsconsole/sender/apnstest"
)

// The 2009 article's packing of this notification, worked out with Python:
// struct.pack("!cH32sH%ds" % len(p), b'\x00', 32, token, len(p), p) with
// p = b'{"aps":{"alert":"Hello from 2009","badge":1,"sound":"default"}}'.
const articleSimpleHex = "000020740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad003f7b22617073223a7b22616c657274223a2248656c6c6f2066726f6d2032303039222c226261646765223a312c22736f756e64223a2264656661756c74227d7d"

func TestBinaryDryRunPrintsTheArticlesBytes(t *testing.T) {
	code, out, errOut := cli(t, "", "send", "--protocol", "binary", "--format", "simple", "--env", "local", "--token", pastedToken,
		"--alert", "Hello from 2009", "--badge", "1", "--sound", "default", "--dry-run")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"# simple format (command 0)", "hex " + articleSimpleHex, "00000000  00 00 20 74 0f 47 07 be",
		"token length 32", `payload {"aps":{"alert":"Hello from 2009","badge":1,"sound":"default"}}`} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
}

func TestBinarySendLocalInEachFormat(t *testing.T) {
	for _, format := range []string{"simple", "enhanced", "frame"} {
		code, out, errOut := cli(t, "", "send", "--protocol", "binary", "--format", format, "--env", "local", "--token", pastedToken, "--alert", "hi", "-v")
		if code != exitOK {
			t.Fatalf("%s: exit %d\n%s\n%s", format, code, out, errOut)
		}
		if !strings.Contains(out, "✓ 740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad  sent, no error response") {
			t.Errorf("%s: stdout\n%s", format, out)
		}
		for _, want := range []string{"Started the local binary gateway", "TLS 1.2 handshake with 127.0.0.1", "Frame: ", "No error response within"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("%s: -v lacks %q:\n%s", format, want, errOut)
			}
		}
	}
}

func TestBinaryRefusalExitsOne(t *testing.T) {
	simulatorToken := strings.Repeat("01", 80) // the enhanced format took 32-byte tokens only
	code, out, errOut := cli(t, "", "send", "--protocol", "binary", "--format", "enhanced", "--env", "local",
		"--token", pastedToken, "--token", simulatorToken, "--token", pastedToken, "--alert", "hi", "--json")
	if code != exitRejected {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitRejected, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d result lines, want 3:\n%s", len(lines), out)
	}
	var got []binaryJSON
	for _, l := range lines {
		var j binaryJSON
		if err := json.Unmarshal([]byte(l), &j); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		got = append(got, j)
	}
	if got[0].Status != 200 || got[2].Status != 200 || got[1].Status != 5 || got[1].Reason != "InvalidTokenSize" || got[1].Token != simulatorToken || got[1].Protocol != "binary" || got[1].Format != "enhanced" {
		t.Errorf("results %+v", got)
	}
	if !strings.Contains(errOut, "send this 80-byte token with the frame format") {
		t.Errorf("no warning about the token size:\n%s", errOut)
	}
}

func TestBinaryRefusesWhatItCannotSend(t *testing.T) {
	dir := t.TempDir()
	a, err := apnstest.NewAuthority()
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.NewDemo()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WriteFiles(dir, a); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--format", "simple"}, "add --protocol binary"},
		{[]string{"--protocol", "carrier-pigeon"}, "unknown --protocol"},
		{[]string{"--protocol", "binary", "--format", "json"}, "unknown binary format"},
		{[]string{"--protocol", "binary", "--format", "enhanced", "--payload", `{"aps":{},"x":"` + strings.Repeat("x", 300) + `"}`}, "256-byte limit"},
		{[]string{"--protocol", "binary", "--p8", filepath.Join(dir, apnstest.FileDemoP8), "--key-id", apnstest.DemoKeyID, "--team-id", apnstest.DemoTeamID}, "cannot sign in to the binary gateway"},
	}
	for _, c := range cases {
		args := append([]string{"send", "--env", "local", "--token", pastedToken, "--alert", "hi"}, c.args...)
		code, out, errOut := cli(t, "", args...)
		if code != exitFailure || !strings.Contains(out+errOut, c.want) {
			t.Errorf("%q: exit %d, want %d with %q\n%s%s", c.args, code, exitFailure, c.want, out, errOut)
		}
	}
}

func TestFeedbackLocalListsTheUnregistered(t *testing.T) {
	code, out, errOut := cli(t, "", "feedback", "--env", "local", "--unregistered", pastedToken, "--json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	var j feedbackJSON
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &j); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if j.Token != "740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad" || j.Timestamp == 0 || !strings.HasSuffix(j.Time, "Z") {
		t.Errorf("feedback %+v", j)
	}
	code, out, errOut = cli(t, "", "feedback", "--env", "local")
	if code != exitOK || out != "" || !strings.Contains(errOut, "listed no tokens") {
		t.Errorf("empty feedback: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, _ := cli(t, "", "feedback", "--env", "sandbox", "--unregistered", pastedToken); code != exitFailure {
		t.Errorf("--unregistered without --env local: exit %d", code)
	}
}
