// Package simctltest puts a stand-in `xcrun` on PATH for tests of the iOS
// Simulator target, on any system: it answers `xcrun simctl list devices
// booted -j` with a list of devices and `xcrun simctl push` like simctl
// does, and records every run's arguments and standard input.
package simctltest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"al.essio.dev/pkg/shellescape"
)

// Device is a simulator the stand-in lists.
type Device struct {
	Runtime string // e.g. com.apple.CoreSimulator.SimRuntime.iOS-17-4
	UDID    string
	Name    string
	State   string // "Booted" or "Shutdown"
}

// Xcrun is an installed stand-in.
type Xcrun struct {
	Dir string // its folder, first on PATH
}

// script answers like xcrun simctl and records each run in $dir/runs/N.
const script = `#!/bin/sh
dir=%DIR%
n=$(ls "$dir/runs" | wc -l | tr -d ' ')
mkdir "$dir/runs/$n"
for a in "$@"; do printf '%s\n' "$a"; done > "$dir/runs/$n/args"
if [ "$2" = push ]; then cat > "$dir/runs/$n/stdin"; fi
if [ -f "$dir/hang" ]; then sleep 30; fi
if [ -f "$dir/fail" ]; then cat "$dir/fail" >&2; exit 1; fi
case "$2" in
list) cat "$dir/devices.json" ;;
push) printf '%s\n' "Notification sent to '$4'" ;;
*) echo "stand-in xcrun: unexpected $*" >&2; exit 64 ;;
esac
`

// Install writes the stand-in into a temporary folder, lists devices,
// and puts it first on PATH for the rest of the test (t.Setenv: the test
// must not be parallel).
func Install(t testing.TB, devices ...Device) *Xcrun {
	t.Helper()
	dir := t.TempDir()
	x := &Xcrun{Dir: dir}
	if err := os.Mkdir(filepath.Join(dir, "runs"), 0o755); err != nil {
		t.Fatal(err)
	}
	body := strings.ReplaceAll(script, "%DIR%", shellescape.Quote(dir))
	if err := os.WriteFile(filepath.Join(dir, "xcrun"), []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	list := map[string][]map[string]any{}
	for _, d := range devices {
		list[d.Runtime] = append(list[d.Runtime], map[string]any{
			"udid": d.UDID, "name": d.Name, "state": d.State, "isAvailable": true,
			"deviceTypeIdentifier": "com.apple.CoreSimulator.SimDeviceType.iPhone-15",
		})
	}
	data, _ := json.MarshalIndent(map[string]any{"devices": list}, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "devices.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return x
}

// Hide makes xcrun impossible to find: PATH holds only an empty folder.
func Hide(t testing.TB) {
	t.Setenv("PATH", t.TempDir())
}

// Fail makes every later run print message on standard error and exit 1.
func (x *Xcrun) Fail(t testing.TB, message string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(x.Dir, "fail"), []byte(message+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Hang makes every later run sleep 30 seconds first.
func (x *Xcrun) Hang(t testing.TB) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(x.Dir, "hang"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Run is one run of the stand-in.
type Run struct {
	Args  []string // after "xcrun"
	Stdin []byte   // for push
}

// Runs returns the runs so far, in order.
func (x *Xcrun) Runs(t testing.TB) []Run {
	t.Helper()
	var runs []Run
	for i := 0; ; i++ {
		d := filepath.Join(x.Dir, "runs", strconv.Itoa(i))
		args, err := os.ReadFile(filepath.Join(d, "args"))
		if err != nil {
			return runs
		}
		stdin, _ := os.ReadFile(filepath.Join(d, "stdin"))
		runs = append(runs, Run{Args: strings.Split(strings.TrimSuffix(string(args), "\n"), "\n"), Stdin: stdin})
	}
}
