package simctl_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/simctl"
	"apnsconsole/sender/simctl/simctltest"
)

var devices = []simctltest.Device{
	{Runtime: "com.apple.CoreSimulator.SimRuntime.iOS-17-4", UDID: "B2", Name: "iPhone 15", State: "Booted"},
	{Runtime: "com.apple.CoreSimulator.SimRuntime.iOS-17-4", UDID: "A1", Name: "iPad Air", State: "Booted"},
	{Runtime: "com.apple.CoreSimulator.SimRuntime.iOS-18-0", UDID: "C3", Name: "iPhone 16", State: "Shutdown"},
	{Runtime: "com.apple.CoreSimulator.SimRuntime.xrOS-1-0", UDID: "D4", Name: "Apple Vision Pro", State: "Booted"},
}

func TestBootedDevicesListsBootedSimulatorsByNameAndOS(t *testing.T) {
	x := simctltest.Install(t, devices...)
	got, err := (&simctl.Tool{}).BootedDevices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range got {
		names = append(names, d.UDID+" "+d.String())
	}
	want := []string{"A1 iPad Air (iOS 17.4)", "B2 iPhone 15 (iOS 17.4)", "D4 Apple Vision Pro (visionOS 1.0)"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("got %q\nwant %q", names, want)
	}
	runs := x.Runs(t)
	if len(runs) != 1 || strings.Join(runs[0].Args, " ") != "simctl list devices booted -j" {
		t.Errorf("runs %+v", runs)
	}
}

func TestPushRunsSimctlWithThePayloadOnStdin(t *testing.T) {
	x := simctltest.Install(t, devices...)
	var events []sender.Event
	tool := &simctl.Tool{OnEvent: func(e sender.Event) { events = append(events, e) }}
	payload := []byte(`{"aps":{"alert":"it's $HOME"}}`)
	p, err := tool.Push(context.Background(), "", "com.example.app", payload)
	if err != nil {
		t.Fatal(err)
	}
	runs := x.Runs(t)
	if len(runs) != 1 || !reflect.DeepEqual(runs[0].Args, []string{"simctl", "push", "booted", "com.example.app", "-"}) || string(runs[0].Stdin) != string(payload) {
		t.Fatalf("runs %+v", runs)
	}
	if strings.Join(p.Command, " ") != "xcrun simctl push booted com.example.app -" || p.Output != "Notification sent to 'com.example.app'" {
		t.Errorf("push %+v", p)
	}
	if len(events) != 2 || events[0].Kind != sender.EventRequest || events[0].Text != "xcrun simctl push booted com.example.app -" ||
		!strings.Contains(events[0].Detail[0], string(payload)) ||
		events[1].Kind != sender.EventResponse || events[1].Detail[0] != "Notification sent to 'com.example.app'" {
		t.Errorf("events %+v", events)
	}
	if _, err := tool.Push(context.Background(), "B2", "com.example.app", payload); err != nil || x.Runs(t)[1].Args[2] != "B2" {
		t.Errorf("push to a UDID: %v %+v", err, x.Runs(t))
	}
}

func TestPushRefusesBadInputWithoutRunningSimctl(t *testing.T) {
	x := simctltest.Install(t)
	tool := &simctl.Tool{}
	for _, c := range []struct {
		device, bundle, payload, want string
	}{
		{"booted", "", `{"aps":{}}`, "needs the app's bundle id"},
		{"booted", "com.example.app", `{"alert":"hi"}`, `no "aps"`},
		{"booted", "com.example.app", `{"aps":{"alert":"` + strings.Repeat("x", 4100) + `"}}`, "over the 4096-byte limit"},
		{"--help", "com.example.app", `{"aps":{}}`, "starts with a dash"},
	} {
		if _, err := tool.Push(context.Background(), c.device, c.bundle, []byte(c.payload)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v", c, err)
		}
	}
	if runs := x.Runs(t); len(runs) != 0 {
		t.Errorf("simctl ran: %+v", runs)
	}
}

func TestSimctlFailuresAreExplained(t *testing.T) {
	x := simctltest.Install(t)
	x.Fail(t, "An error was encountered processing the command (domain=com.apple.CoreSimulator.SimError, code=405):\nUnable to lookup in current state: Shutdown")
	_, err := (&simctl.Tool{}).Push(context.Background(), "booted", "com.example.app", []byte(`{"aps":{}}`))
	if !errors.Is(err, simctl.ErrSimctl) || !strings.Contains(err.Error(), "An error was encountered") {
		t.Errorf("failing simctl: %v", err)
	}
	x.Fail(t, "No devices are booted.")
	_, err = (&simctl.Tool{}).BootedDevices(context.Background())
	if !errors.Is(err, simctl.ErrSimctl) || !strings.Contains(err.Error(), "boot a simulator") {
		t.Errorf("no devices: %v", err)
	}
}

func TestSimctlThatHangsIsStopped(t *testing.T) {
	x := simctltest.Install(t)
	x.Hang(t)
	start := time.Now()
	_, err := (&simctl.Tool{Timeout: 300 * time.Millisecond}).Push(context.Background(), "booted", "com.example.app", []byte(`{"aps":{}}`))
	if !errors.Is(err, simctl.ErrSimctl) || !strings.Contains(err.Error(), "did not finish within 300ms") {
		t.Errorf("hanging simctl: %v", err)
	}
	if time.Since(start) > 20*time.Second {
		t.Errorf("the hung xcrun was waited for")
	}
}

func TestWithoutXcrunTheTargetSaysWhatItNeeds(t *testing.T) {
	simctltest.Hide(t)
	tool := &simctl.Tool{}
	for _, err := range []error{tool.Available(), func() error { _, err := tool.BootedDevices(context.Background()); return err }(),
		func() error {
			_, err := tool.Push(context.Background(), "", "com.example.app", []byte(`{"aps":{}}`))
			return err
		}()} {
		if !errors.Is(err, simctl.ErrNoXcrun) || !strings.Contains(err.Error(), "needs Xcode's command-line tools on macOS") {
			t.Errorf("without xcrun: %v", err)
		}
	}
}

func TestRuntimeName(t *testing.T) {
	for in, want := range map[string]string{
		"com.apple.CoreSimulator.SimRuntime.iOS-17-4":     "iOS 17.4",
		"com.apple.CoreSimulator.SimRuntime.watchOS-10-5": "watchOS 10.5",
		"com.apple.CoreSimulator.SimRuntime.iOS":          "iOS",
		"iOS 17.4":                                        "iOS 17.4",
	} {
		if got := simctl.RuntimeName(in); got != want {
			t.Errorf("RuntimeName(%q) = %q, want %q", in, got, want)
		}
	}
}
