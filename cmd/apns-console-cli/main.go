// Command apns-console-cli is APNs Console without its window: every
// subcommand of apns-console (send, serve, inspect, jwt, …) in a static
// binary that needs no display, no OpenGL and no cgo, for containers and
// CI runners:
//
//	CGO_ENABLED=0 go build ./cmd/apns-console-cli
package main

import (
	"os"

	"apnsconsole/cli"
)

// version and date are set at build time (make build-cli, make dist) with
// -ldflags "-X main.version=$(git describe …) -X main.date=<commit date>";
// see cli.BuildVersion for a plain go build.
var version, date string

func main() {
	cli.Version, cli.Date = cli.BuildVersion(version), date
	os.Exit(cli.Main(os.Args[1:]))
}
