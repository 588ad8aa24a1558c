package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"apnsconsole/sender/apnstest"
)

// send -h and the command list name every exit code (send -h is not an
// error: exit 0, the help on stdout).
func TestHelpDocumentsEveryExitCode(t *testing.T) {
	code, sendHelp, _ := cli(t, "", "send", "-h")
	if code != exitOK {
		t.Errorf("send -h: exit %d", code)
	}
	_, out, _ := cli(t, "", "help")
	for name, text := range map[string]string{"send -h": sendHelp, "help": out} {
		for _, want := range []string{"Exit codes", "\n  0  ", "\n  1  ", "\n  2  ", "Ctrl+C", "no device token at all"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q:\n%s", name, want, text)
			}
		}
	}
}

// The bounds of --concurrency, --connections and --retries: the limits
// themselves are taken, one beyond is refused with exit 2 and the range.
func TestBulkFlagBoundsExitTwo(t *testing.T) {
	for _, c := range []struct {
		flag     string
		ok, over []string
		want     string
	}{
		{"--concurrency", []string{"1", "1000"}, []string{"0", "1001", "-1"}, "give 1 to 1000"},
		{"--connections", []string{"1", "64"}, []string{"0", "65"}, "give 1 to 64"},
		{"--retries", []string{"0", "20"}, []string{"-1", "21"}, "give 0 to 20"},
	} {
		for _, v := range c.ok {
			code, out, errOut := cli(t, "", "send", "--env", "local", "--dry-run", "--token", tok(1), "--alert", "x", c.flag, v)
			if code != exitOK {
				t.Errorf("%s %s: exit %d\n%s%s", c.flag, v, code, out, errOut)
			}
		}
		for _, v := range c.over {
			code, _, errOut := cli(t, "", "send", "--env", "local", "--dry-run", "--token", tok(1), "--alert", "x", c.flag, v)
			if want := c.flag + " " + v + ": " + c.want; code != exitFailure || !strings.Contains(errOut, want) {
				t.Errorf("%s %s: exit %d, want 2 and %q\n%s", c.flag, v, code, want, errOut)
			}
		}
	}
}

// --timeout ends the whole send as a deadline: each token not answered
// says the deadline passed, not that the user cancelled.
func TestTimeoutIsReportedAsADeadline(t *testing.T) {
	_, dir := simFiles(t)
	addr, ca := stallingServer(t)
	code, out, errOut := cli(t, "", "send", "--token", tok(3), "--host", addr, "--ca", ca, "--p12", filepath.Join(dir, apnstest.FileDemoP12),
		"--password", apnstest.DemoP12Password, "--token", tok(1), "--token", tok(2), "--alert", "x", "--json", "--timeout", "300ms", "--concurrency", "1")
	if code != exitUnconfirmed { // the one in flight may have been delivered
		t.Errorf("exit %d, want 3", code)
	}
	rs := jsonLines(t, out)
	if len(rs) != 3 {
		t.Fatalf("%d results\n%s", len(rs), errOut)
	}
	for _, r := range rs {
		if !strings.Contains(r.Error, "--timeout 300ms passed") || strings.Contains(r.Error, "cancel") {
			t.Errorf("%+v", r)
		}
	}
}
