package cli

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"apnsconsole/sender/simctl/simctltest"
)

var standInDevices = []simctltest.Device{
	{Runtime: "com.apple.CoreSimulator.SimRuntime.iOS-17-4", UDID: "5A1B2C3D-0000-4000-8000-000000000001", Name: "iPhone 15", State: "Booted"},
	{Runtime: "com.apple.CoreSimulator.SimRuntime.iOS-18-0", UDID: "5A1B2C3D-0000-4000-8000-000000000002", Name: "iPhone 16", State: "Shutdown"},
}

func TestSimulatorsListsTheBootedOnes(t *testing.T) {
	simctltest.Install(t, standInDevices...)
	code, out, errOut := cli(t, "", "simulators")
	if code != exitOK || out != "5A1B2C3D-0000-4000-8000-000000000001  iPhone 15 (iOS 17.4)\n" {
		t.Fatalf("exit %d\n%q\n%s", code, out, errOut)
	}
	code, out, _ = cli(t, "", "simulators", "--json")
	if code != exitOK || !strings.Contains(out, `"runtime":"iOS 17.4"`) || strings.Contains(out, "iPhone 16") {
		t.Fatalf("--json: exit %d\n%s", code, out)
	}
	simctltest.Install(t)
	if code, out, errOut := cli(t, "", "simulators"); code != exitOK || out != "" || !strings.Contains(errOut, "No simulator is booted") {
		t.Errorf("none booted: exit %d %q %q", code, out, errOut)
	}
}

func TestSendToTheIOSSimulator(t *testing.T) {
	x := simctltest.Install(t, standInDevices...)
	path := filepath.Join(t.TempDir(), "hello.apns")
	os.WriteFile(path, []byte(`{"Simulator Target Bundle":"com.example.MyApp","aps":{"alert":{"title":"Hi","body":"There"},"badge":1}}`), 0o644)
	code, out, errOut := cli(t, "", "send", "--env", "simulator", "--file", path, "-v")
	if code != exitOK || !strings.Contains(out, "✓ iOS Simulator booted  com.example.MyApp  delivered") || !strings.Contains(out, "Notification sent to 'com.example.MyApp'") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "xcrun simctl push booted com.example.MyApp -") {
		t.Errorf("-v lacks the command:\n%s", errOut)
	}
	runs := x.Runs(t)
	if len(runs) != 1 || !reflect.DeepEqual(runs[0].Args, []string{"simctl", "push", "booted", "com.example.MyApp", "-"}) ||
		string(runs[0].Stdin) != `{"aps":{"alert":{"title":"Hi","body":"There"},"badge":1}}` {
		t.Fatalf("runs %+v", runs)
	}

	code, out, errOut = cli(t, "", "send", "--env", "simulator", "--device", "5A1B2C3D-0000-4000-8000-000000000001", "--topic", "com.example.other", "--alert", "typed", "--json")
	if code != exitOK || !strings.Contains(out, `"delivered":true`) {
		t.Fatalf("--device --json: exit %d\n%s\n%s", code, out, errOut)
	}
	if r := x.Runs(t)[1]; r.Args[2] != "5A1B2C3D-0000-4000-8000-000000000001" || r.Args[3] != "com.example.other" || string(r.Stdin) != `{"aps":{"alert":"typed"}}` {
		t.Errorf("second run %+v", r)
	}

	x.Fail(t, "An error was encountered processing the command (domain=FBSOpenApplicationServiceErrorDomain, code=4):\nThe request to open \"com.example.other\" failed.")
	code, out, _ = cli(t, "", "send", "--env", "simulator", "--topic", "com.example.other", "--alert", "x")
	if code != exitRejected || !strings.Contains(out, "✗ iOS Simulator booted") || !strings.Contains(out, "An error was encountered") {
		t.Errorf("simctl failing: exit %d\n%s", code, out)
	}
}

func TestSendToTheIOSSimulatorRefusesWhatItCannotDo(t *testing.T) {
	x := simctltest.Install(t, standInDevices...)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--alert", "hi"}, "needs the app's bundle id: give --topic"},
		{[]string{"--topic", "a.b", "--curl", "--alert", "hi"}, "the iOS Simulator is not reached through APNs"},
		{[]string{"--topic", "a.b", "--host", "127.0.0.1:1", "--alert", "hi"}, "--host and --ca choose an APNs endpoint"},
	} {
		code, _, errOut := cli(t, "", append([]string{"send", "--env", "simulator"}, c.args...)...)
		if code != exitFailure || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, want 2 with %q:\n%s", c.args, code, c.want, errOut)
		}
	}
	if code, _, errOut := cli(t, "", "send", "--device", "booted", "--alert", "hi", "--token", pastedToken); code != exitFailure || !strings.Contains(errOut, "add --env simulator") {
		t.Errorf("--device without --env simulator: exit %d %s", code, errOut)
	}
	if runs := x.Runs(t); len(runs) != 0 {
		t.Errorf("xcrun ran: %+v", runs)
	}
	simctltest.Hide(t)
	for _, args := range [][]string{{"simulators"}, {"send", "--env", "simulator", "--topic", "a.b", "--alert", "hi"}} {
		code, _, errOut := cli(t, "", args...)
		if code != exitFailure || !strings.Contains(errOut, "needs Xcode's command-line tools on macOS") {
			t.Errorf("%v without xcrun: exit %d\n%s", args, code, errOut)
		}
	}
}
