package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// Main runs one command line (the arguments after the program's name)
// with the process's standard streams, ending it on Ctrl+C or SIGTERM, and
// returns its exit code. Both binaries, apns-console and the headless
// apns-console-cli, call it.
func Main(args []string) int {
	if len(args) == 0 {
		args = []string{"help"}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, args, os.Stdin, os.Stdout, os.Stderr)
}
