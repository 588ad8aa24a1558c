// Command apns-console sends Apple push notifications. With no arguments it
// opens the console window; with a subcommand it runs headless for scripts
// and QA pipelines (package cli).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"apnsconsole/cli"
	"apnsconsole/ui"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0"

func main() {
	if len(os.Args) < 2 {
		ui.Run(version)
		return
	}
	cli.Version = version
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
