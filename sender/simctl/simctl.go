// Package simctl sends notifications to the iOS Simulator through Xcode's
// `xcrun simctl` (APNS-REFERENCE §8): it lists the booted simulators and
// runs `xcrun simctl push <device> <bundle> -` with the payload on
// standard input. It bypasses APNs: no credential, token or headers.
//
// xcrun is looked up on PATH when used, so tests (and machines without
// Xcode) can put a stand-in script there.
package simctl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"time"

	"apnsconsole/sender"
)

// ErrNoXcrun is wrapped by the error of every call when xcrun is not on
// PATH (any system but a Mac with Xcode's command-line tools).
var ErrNoXcrun = errors.New("xcrun not found")

// ErrSimctl is wrapped when xcrun simctl ran but failed.
var ErrSimctl = errors.New("xcrun simctl failed")

// Booted is the device name simctl takes for "the booted simulator".
const Booted = "booted"

// DefaultTimeout bounds one xcrun run when the Tool has no Timeout.
const DefaultTimeout = 30 * time.Second

// maxOutput bounds what is kept of xcrun's output.
const maxOutput = 1 << 20

// Tool runs xcrun simctl. Its zero value is ready to use.
type Tool struct {
	// Xcrun is the xcrun to run; "" = "xcrun" looked up on PATH.
	Xcrun string
	// OnEvent receives the command run and its output; may be nil.
	OnEvent sender.EventFunc
	// Timeout bounds each run; 0 = DefaultTimeout.
	Timeout time.Duration
}

// Available returns nil when xcrun can be run, else an error wrapping
// ErrNoXcrun that says what to install ("needs Xcode's command-line tools
// on macOS"), for showing the iOS Simulator target disabled.
func (t *Tool) Available() error {
	_, err := t.xcrun()
	return err
}

func (t *Tool) xcrun() (string, error) {
	name := t.Xcrun
	if name == "" {
		name = "xcrun"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%w: the iOS Simulator target needs Xcode's command-line tools on macOS (xcrun was not found on PATH): on a Mac install Xcode and run xcode-select --install; elsewhere choose another target", ErrNoXcrun)
	}
	return path, nil
}

// Device is a simulator.
type Device struct {
	UDID    string `json:"udid"`
	Name    string `json:"name"`    // e.g. "iPhone 15 Pro"
	State   string `json:"state"`   // "Booted"
	Runtime string `json:"runtime"` // e.g. "iOS 17.4"
}

// String is e.g. "iPhone 15 Pro (iOS 17.4)".
func (d Device) String() string {
	if d.Runtime == "" {
		return d.Name
	}
	return d.Name + " (" + d.Runtime + ")"
}

// BootedDevices lists the booted simulators (`xcrun simctl list devices
// booted -j`), sorted by runtime and name.
func (t *Tool) BootedDevices(ctx context.Context) ([]Device, error) {
	out, _, err := t.run(ctx, nil, "simctl", "list", "devices", "booted", "-j")
	if err != nil {
		return nil, err
	}
	var list struct {
		Devices map[string][]struct {
			UDID        string `json:"udid"`
			Name        string `json:"name"`
			State       string `json:"state"`
			IsAvailable *bool  `json:"isAvailable"`
		} `json:"devices"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		return nil, fmt.Errorf("%w: cannot read the list of simulators (%v): is Xcode's command-line tools installation complete? (xcrun simctl list devices booted -j should print JSON)", ErrSimctl, err)
	}
	var devices []Device
	for runtime, ds := range list.Devices {
		for _, d := range ds {
			if d.State != "Booted" || d.IsAvailable != nil && !*d.IsAvailable {
				continue
			}
			devices = append(devices, Device{UDID: d.UDID, Name: d.Name, State: d.State, Runtime: RuntimeName(runtime)})
		}
	}
	sort.Slice(devices, func(i, j int) bool {
		a, b := devices[i], devices[j]
		if a.Runtime != b.Runtime {
			return a.Runtime < b.Runtime
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.UDID < b.UDID
	})
	return devices, nil
}

// RuntimeName turns simctl's runtime identifier
// ("com.apple.CoreSimulator.SimRuntime.iOS-17-4") into "iOS 17.4".
func RuntimeName(id string) string {
	const prefix = "com.apple.CoreSimulator.SimRuntime."
	if !strings.HasPrefix(id, prefix) {
		return id
	}
	platform, version, _ := strings.Cut(strings.TrimPrefix(id, prefix), "-")
	if platform == "xrOS" {
		platform = "visionOS"
	}
	if version == "" {
		return platform
	}
	return platform + " " + strings.ReplaceAll(version, "-", ".")
}

// Push is what a push to the simulator did.
type Push struct {
	Command  []string // the command run, e.g. xcrun simctl push booted com.example.app -
	Output   string   // what simctl printed (standard output and error)
	Duration time.Duration
}

// Push delivers payload to bundle's app on device (a UDID, or "" or
// "booted" for the booted simulator) with `xcrun simctl push <device>
// <bundle> -`, the payload on standard input. The payload is checked as
// simctl checks it first (a JSON object with "aps", at most 4096 bytes).
// An error wrapping ErrSimctl carries simctl's own message.
func (t *Tool) Push(ctx context.Context, device, bundle string, payload []byte) (*Push, error) {
	emit := t.OnEvent
	fail := func(err error) (*Push, error) {
		emit.Emit(sender.Event{Kind: sender.EventError, Text: err.Error()})
		return nil, err
	}
	if device == "" {
		device = Booted
	}
	if strings.TrimSpace(bundle) == "" {
		return fail(fmt.Errorf("%w: the iOS Simulator needs the app's bundle id: type it as the topic (e.g. com.example.app), or open an .apns file with a \"Simulator Target Bundle\"", sender.ErrInvalidNotification))
	}
	if strings.HasPrefix(device, "-") || strings.HasPrefix(bundle, "-") {
		return fail(fmt.Errorf("%w: the device %q or bundle id %q starts with a dash: give a UDID (or booted) and a bundle id such as com.example.app", sender.ErrInvalidNotification, device, bundle))
	}
	if err := sender.ValidatePayload(payload, sender.DefaultPayloadLimit); err != nil {
		return fail(err)
	}
	args := []string{"simctl", "push", device, bundle, "-"}
	p := &Push{Command: append([]string{"xcrun"}, args...)}
	emit.Emit(sender.Event{Kind: sender.EventRequest, Text: strings.Join(p.Command, " "),
		Detail: []string{fmt.Sprintf("standard input (%d bytes): %s", len(payload), payload)}})
	start := time.Now()
	out, errOut, err := t.run(ctx, payload, args...)
	p.Duration = time.Since(start)
	p.Output = strings.TrimSpace(string(out) + string(errOut))
	if err != nil {
		return fail(err)
	}
	text := "simctl delivered the notification in " + sender.FormatDuration(p.Duration)
	emit.Emit(sender.Event{Kind: sender.EventResponse, Status: 200, Duration: p.Duration, Text: text, Detail: lines(p.Output)})
	return p, nil
}

// run runs xcrun with args and stdin, bounded by the timeout.
func (t *Tool) run(ctx context.Context, stdin []byte, args ...string) (stdout, stderr []byte, err error) {
	path, err := t.xcrun()
	if err != nil {
		return nil, nil, err
	}
	timeout := t.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.WaitDelay = time.Second // don't wait on pipes a killed xcrun's children keep open
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var o, e limitedBuffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	stdout, stderr = o.b.Bytes(), e.b.Bytes()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return stdout, stderr, fmt.Errorf("%w: xcrun %s did not finish within %s: is the simulator stuck? Restart it (Device → Restart) and try again", ErrSimctl, strings.Join(args[:2], " "), timeout)
	case ctx.Err() != nil:
		return stdout, stderr, ctx.Err()
	case err != nil:
		msg := strings.TrimSpace(string(stderr))
		if msg == "" {
			msg = strings.TrimSpace(string(stdout))
		}
		return stdout, stderr, fmt.Errorf("%w: xcrun %s: %s%s", ErrSimctl, strings.Join(args, " "), firstLine(msg, err.Error()), hint(msg))
	}
	return stdout, stderr, nil
}

// hint suggests a fix for simctl's common complaints.
func hint(msg string) string {
	lower := strings.ToLower(msg)
	switch {
	case strings.Contains(lower, "no devices are booted"), strings.Contains(lower, "invalid device"):
		return ": boot a simulator (open Simulator.app, or xcrun simctl boot <UDID>) and choose it"
	case strings.Contains(lower, "bundle"):
		return ": check the bundle id, and that the app is installed on that simulator"
	}
	return ""
}

func firstLine(s, alt string) string {
	if s == "" {
		return alt
	}
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// limitedBuffer keeps the first maxOutput bytes written and drops the rest.
type limitedBuffer struct{ b bytes.Buffer }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := maxOutput - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
