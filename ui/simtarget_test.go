package ui

import (
	"strings"
	"testing"

	"apnsconsole/sender/simctl/simctltest"
)

// The iOS Simulator target: the booted simulators by name and OS, a push
// with simctl (no credential, no token), the command and its output in
// the row's story.
func TestIOSSimulatorTargetPushesWithSimctl(t *testing.T) {
	x := simctltest.Install(t,
		simctltest.Device{Runtime: "com.apple.CoreSimulator.SimRuntime.iOS-17-4", UDID: "5A1B2C3D-0000-4000-8000-000000000001", Name: "iPhone 15 Pro", State: "Booted"},
		simctltest.Device{Runtime: "com.apple.CoreSimulator.SimRuntime.iOS-18-0", UDID: "5A1B2C3D-0000-4000-8000-000000000002", Name: "iPad Air", State: "Booted"},
		simctltest.Device{Runtime: "com.apple.CoreSimulator.SimRuntime.iOS-18-0", UDID: "5A1B2C3D-0000-4000-8000-000000000003", Name: "iPhone SE", State: "Shutdown"})
	h := newHarness(t)
	c := h.c
	c.dev.tokens.SetText("") // no token needed
	c.note.topic.SetText("com.example.app")
	c.bar.env.SetSelected(envSimulator)
	h.waitFor("the booted simulators", func() bool { return len(c.simT.devices) == 2 })
	if got := strings.Join(c.simT.device.Options, " | "); got != "Any booted simulator | iPhone 15 Pro (iOS 17.4) | iPad Air (iOS 18.0)" {
		t.Errorf("devices offered: %s", got)
	}
	c.simT.device.SetSelectedIndex(2)
	if c.bar.sendBtn.Disabled() {
		t.Fatalf("Send is off: %s", c.bar.problem.Text)
	}
	assertObjectMarkup(t, "simulator_target.xml", c.bar.content, 200)

	h.sendAndWait()
	row := h.lastRow()
	story := strings.Join(row.Story, "\n")
	if row.Status != "delivered" || !strings.Contains(story, "xcrun simctl push 5A1B2C3D-0000-4000-8000-000000000002 com.example.app -") ||
		!strings.Contains(story, "Notification sent to") {
		t.Errorf("row %q, story:\n%s", row.Status, story)
	}
	runs := x.Runs(t)
	last := runs[len(runs)-1]
	if strings.Join(last.Args, " ") != "simctl push 5A1B2C3D-0000-4000-8000-000000000002 com.example.app -" || !strings.Contains(string(last.Stdin), `"Hello from APNs Console"`) {
		t.Errorf("simctl ran %q with %s", last.Args, last.Stdin)
	}

	// simctl refuses: the row says why.
	x.Fail(t, "An error was encountered processing the command (domain=com.apple.CoreSimulator.SimError, code=405): Invalid device")
	h.sendAndWait()
	if row := h.lastRow(); row.Status != "error" || !strings.Contains(strings.Join(row.Story, "\n"), "Invalid device") {
		t.Errorf("refused push: %q %q", row.Status, row.Story)
	}
}

// Without xcrun the target says why and Send is off.
func TestIOSSimulatorTargetWithoutXcrunSaysWhy(t *testing.T) {
	simctltest.Hide(t)
	h := newHarness(t)
	c := h.c
	c.bar.env.SetSelected(envSimulator)
	if !c.bar.sendBtn.Disabled() || !strings.Contains(c.bar.problem.Text, "needs Xcode's command-line tools on macOS") {
		t.Errorf("Send disabled %v, problem %q", c.bar.sendBtn.Disabled(), c.bar.problem.Text)
	}
	assertObjectMarkup(t, "simulator_no_xcrun.xml", c.bar.content, 220)
}
