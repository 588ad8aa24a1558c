package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"apnsconsole/sender/apnstest"
)

// writeDemoFiles writes a fresh authority's CA and demo credentials.
func writeDemoFiles(t *testing.T) (dir string) {
	t.Helper()
	dir = t.TempDir()
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
	return dir
}

func TestLiveActivityDryRunPrintsTheExactRequest(t *testing.T) {
	dir := writeDemoFiles(t)
	state := filepath.Join(dir, "state.json")
	if err := os.WriteFile(state, []byte("{\n  \"progress\": 0,\n  \"eta\": \"12:30\"\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cli(t, "", "send", "--dry-run", "--p8", filepath.Join(dir, apnstest.FileDemoP8), "--key-id", apnstest.DemoKeyID, "--team-id", apnstest.DemoTeamID,
		"--topic", "com.example.app", "--token", pastedToken, "--live-activity", "start", "--content-state", "@"+state,
		"--attributes-type", "DeliveryAttributes", "--attributes", `{"order": "42"}`, "--title", "On its way", "--alert", "Order 42", "--sound", "default",
		"--timestamp", "1800000000", "--stale-date", "4102444800", "--relevance-score", "75", "--input-push-token")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	body := `{"aps":{"timestamp":1800000000,"event":"start","content-state":{"progress":0,"eta":"12:30"},"stale-date":4102444800,"relevance-score":75,` +
		`"attributes-type":"DeliveryAttributes","attributes":{"order":"42"},"input-push-token":1,"alert":{"title":"On its way","body":"Order 42","sound":"default"}}}`
	want := "POST https://api.sandbox.push.apple.com:443/3/device/740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad HTTP/2\n" +
		"apns-topic: com.example.app.push-type.liveactivity\napns-push-type: liveactivity\napns-priority: 10\ncontent-type: application/json\n" +
		"authorization: bearer <ES256 JWT, kid ABC123DEFG, iss DEF123GHIJ, signed when sent>\ncontent-length: " + strconv.Itoa(len(body)) + "\n\n" + body + "\n"
	if out != want {
		t.Errorf("dry run printed:\n%s\nwant:\n%s", out, want)
	}
	if !strings.Contains(errOut, "note: stale-date ") || !strings.Contains(errOut, "(4102444800, in ") {
		t.Errorf("the stale date is not shown back:\n%s", errOut)
	}
}

func TestLiveActivityStartUpdateEndAgainstTheLocalSimulator(t *testing.T) {
	for _, args := range [][]string{
		{"start", "--content-state", `{"progress":0}`, "--attributes-type", "DeliveryAttributes", "--attributes", `{"order":"42"}`, "--alert", "Order 42"},
		{"update", "--content-state", `{"progress":0.5}`, "--stale-date", "in 2h", "--priority", "5"},
		{"end", "--content-state", `{"progress":1}`, "--dismissal-date", "in 1h"},
	} {
		code, out, errOut := cli(t, "", append([]string{"send", "--env", "local", "--token", pastedToken, "--live-activity"}, args...)...)
		if code != exitOK || !strings.Contains(out, "200 OK") {
			t.Errorf("%s: exit %d\n%s\n%s", args[0], code, out, errOut)
		}
	}
}

func TestLiveActivityBadInputIsExplained(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--live-activity", "begin", "--content-state", "{}"}, `--live-activity "begin": use start, update or end`},
		{[]string{"--live-activity", "start", "--content-state", "{}", "--attributes", "{}", "--alert", "x"}, "a start needs attributes-type: give the name of your ActivityAttributes struct"},
		{[]string{"--live-activity", "start", "--content-state", "{}", "--attributes-type", "A", "--attributes", "{}"}, "a start needs an alert"},
		{[]string{"--live-activity", "update", "--content-state", "[1,2]"}, "the content-state is an array, not a JSON object"},
		{[]string{"--live-activity", "update", "--content-state", "{}", "--stale-date", "1000"}, "is in the past: give a later date"},
		{[]string{"--live-activity", "update", "--content-state", "{}", "--stale-date", "tomorrow"}, `--stale-date bad date: "tomorrow": write "in 2h"`},
		{[]string{"--live-activity", "update", "--content-state", "@/nonexistent/state.json"}, "cannot read the --content-state file"},
		{[]string{"--live-activity", "update", "--content-state", "{}", "--priority", "1"}, "--priority 1 is not allowed for Live Activity pushes"},
		{[]string{"--live-activity", "update", "--content-state", "{}", "--payload", "{}"}, "don't go into a Live Activity push"},
		{[]string{"--live-activity", "update", "--content-state", "{}", "--push-type", "background"}, "does not go with --live-activity"},
		{[]string{"--live-activity", "update", "--content-state", "{}", "--protocol", "binary"}, "Live Activities need the HTTP/2 API"},
		{[]string{"--content-state", "{}", "--alert", "x"}, "--content-state belongs to a Live Activity push: add --live-activity"},
		{[]string{"--live-activity", "update", "--content-state", "{}", "--relevance-score", "high"}, `--relevance-score "high" is not a number`},
	}
	for _, tt := range tests {
		code, out, errOut := cli(t, "", append([]string{"send", "--env", "local", "--token", pastedToken}, tt.args...)...)
		if code != exitFailure || !strings.Contains(errOut, tt.want) {
			t.Errorf("%q: exit %d, want 2 with %q\nstdout: %s\nstderr: %s", tt.args, code, tt.want, out, errOut)
		}
	}
}

func TestLiveActivityWithACertificateWarnsButSends(t *testing.T) {
	dir := writeDemoFiles(t)
	code, _, errOut := cli(t, "", "send", "--dry-run", "--p12", filepath.Join(dir, apnstest.FileDemoP12), "--password", apnstest.DemoP12Password,
		"--token", pastedToken, "--live-activity", "update", "--content-state", "{}")
	if code != exitOK || !strings.Contains(errOut, "warning: Live Activity pushes with a certificate") || !strings.Contains(errOut, "secondary source") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
}
