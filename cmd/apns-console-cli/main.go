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

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0"

func main() {
	cli.Version = version
	os.Exit(cli.Main(os.Args[1:]))
}
