// Command apns-console sends Apple push notifications. With no arguments it
// opens the console window; with a subcommand it runs headless for scripts
// and QA pipelines (package cli). cmd/apns-console-cli is the same command
// line without the window, for machines with no display.
package main

import (
	"fmt"
	"os"
	"runtime"

	"apnsconsole/cli"
	_ "apnsconsole/internal/fynecache" // before Fyne's init: how long it keeps textures off screen
	"apnsconsole/ui"
)

// version and date are set at build time (make build, make dist) with
// -ldflags "-X main.version=$(git describe …) -X main.date=<commit date>";
// see cli.BuildVersion for a plain go build.
var version, date string

func main() {
	if len(os.Args) < 2 {
		if msg := noDisplay(); msg != "" {
			fmt.Fprintln(os.Stderr, "apns-console:", msg)
			os.Exit(2)
		}
		ui.Run(cli.BuildVersion(version))
		return
	}
	cli.Version, cli.Date, cli.Window = cli.BuildVersion(version), date, true
	os.Exit(cli.Main(os.Args[1:]))
}

// noDisplay says why the window cannot open, or "" when it can: on Linux
// and the BSDs a window needs an X11 or Wayland display.
func noDisplay() string {
	switch runtime.GOOS {
	case "darwin", "windows", "android", "ios", "js":
		return ""
	}
	if os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "" {
		return ""
	}
	return "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset); run a command instead, such as 'apns-console serve' or 'apns-console send --help', or use apns-console-cli"
}
