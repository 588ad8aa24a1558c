package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"apnsconsole/sender"
	"apnsconsole/sender/simctl"
)

// envSimulator is --env simulator: the iOS Simulator, through xcrun simctl.
const envSimulator = "simulator"

// sendToSimulator is `send --env simulator [--device UDID|booted] --topic
// BUNDLE`: the payload goes to the app on a simulator through `xcrun
// simctl push`, without APNs, credential or token.
func (f *sendFlags) sendToSimulator(ctx context.Context, fs *flag.FlagSet, out *printer) int {
	set := given(fs)
	if set["token"] || set["tokens"] {
		out.warn("the iOS Simulator needs no device token: --token is ignored")
	}
	if set["host"] || set["ca"] {
		return out.fail(inputError{errors.New("--host and --ca choose an APNs endpoint, and the iOS Simulator is reached through xcrun simctl: leave them out, or choose --env sandbox/production")})
	}
	payload, err := f.buildPayload()
	if err != nil {
		return out.fail(err)
	}
	bundle := f.topic
	if bundle == "" {
		return out.fail(inputError{errors.New("the iOS Simulator needs the app's bundle id: give --topic com.example.app (or --file an .apns file with a \"Simulator Target Bundle\")")})
	}
	device := f.device
	if device == "" {
		device = simctl.Booted
	}
	if f.dryRun {
		fmt.Fprintf(out.stdout, "xcrun simctl push %s %s - (payload on standard input, %d bytes)\n%s\n", device, bundle, len(payload), payload)
		return exitOK
	}
	tool := &simctl.Tool{OnEvent: out.event}
	if err := tool.Available(); err != nil {
		return out.fail(err)
	}
	p, err := tool.Push(ctx, device, bundle, payload)
	code := exitOK
	switch {
	case errors.Is(err, simctl.ErrSimctl):
		code = exitRejected
	case err != nil:
		code = exitFailure
	}
	out.simulatorResult(device, bundle, p, err)
	return code
}

// simulatorJSON is send --env simulator --json's line.
type simulatorJSON struct {
	Device     string `json:"device"`
	Bundle     string `json:"bundle"`
	Delivered  bool   `json:"delivered"`
	Command    string `json:"command,omitempty"`
	Output     string `json:"output,omitempty"`
	DurationMS int64  `json:"duration_ms"`
	Error      string `json:"error,omitempty"`
}

// simulatorResult prints a push to the iOS Simulator.
func (p *printer) simulatorResult(device, bundle string, push *simctl.Push, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.json {
		j := simulatorJSON{Device: device, Bundle: bundle, Delivered: err == nil}
		if push != nil {
			j.Command, j.Output, j.DurationMS = strings.Join(push.Command, " "), push.Output, push.Duration.Milliseconds()
		}
		if err != nil {
			j.Error = err.Error()
		}
		fmt.Fprintln(p.stdout, marshalJSON(j))
		return
	}
	if err != nil {
		fmt.Fprintf(p.stdout, "✗ iOS Simulator %s  %s  %v\n", device, bundle, err)
		return
	}
	fmt.Fprintf(p.stdout, "✓ iOS Simulator %s  %s  delivered by xcrun simctl push (%s)\n", device, bundle, sender.FormatDuration(push.Duration))
	if push.Output != "" {
		fmt.Fprintf(p.stdout, "  %s\n", strings.ReplaceAll(push.Output, "\n", "\n  "))
	}
}

// runSimulators is `apns-console simulators [--json]`: the booted iOS
// simulators, for send --env simulator --device.
func runSimulators(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("simulators", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the list as JSON: udid, name, state, runtime")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: apns-console simulators [--json]\n\nLists the booted iOS simulators (xcrun simctl list devices booted -j), for\nsend --env simulator --device UDID. Needs Xcode's command-line tools on macOS.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "apns-console simulators: unexpected argument %q\n", fs.Arg(0))
		return exitFailure
	}
	devices, err := (&simctl.Tool{}).BootedDevices(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitFailure
	}
	if *asJSON {
		if devices == nil {
			devices = []simctl.Device{}
		}
		fmt.Fprintln(stdout, marshalJSON(devices))
		return exitOK
	}
	if len(devices) == 0 {
		fmt.Fprintln(stderr, "No simulator is booted: open Simulator.app (or xcrun simctl boot <UDID>), then list again.")
		return exitOK
	}
	for _, d := range devices {
		fmt.Fprintf(stdout, "%s  %s\n", d.UDID, d)
	}
	return exitOK
}
