// Package cli is APNs Console's command line: send, serve, inspect,
// feedback and the rest, for scripts and QA pipelines. It drives the same
// core (package sender) as the window.
package cli

import (
	"context"
	"fmt"
	"io"
)

// Version is printed by `apns-console version`; main sets it from its
// build-time version.
var Version = "dev"

// Exit codes of the subcommands, for scripts.
const (
	exitOK       = 0 // every notification was accepted
	exitRejected = 1 // APNs (or the simulator) rejected at least one
	exitFailure  = 2 // bad input, a bad credential, or no connection
)

// Run executes one subcommand (args[0], with its flags after it) and
// returns its exit code; ctx ends when the user interrupts.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "send":
		return runSend(ctx, rest, stdin, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "inspect":
		return runInspect(rest, stdout, stderr)
	case "feedback": // the binary protocol's feedback service (feedback.go)
		return runFeedback(ctx, rest, stdout, stderr)
	case "simulators": // the booted iOS simulators (simulators.go)
		return runSimulators(ctx, rest, stdout, stderr)
	case "jwt": // a provider token for curl (jwt.go)
		return runJWT(rest, stdout, stderr)
	case "channels": // broadcast channel management (channels.go)
		return runChannels(ctx, rest, stdout, stderr)
	case "health": // a running serve's readiness, for HEALTHCHECK (health.go)
		return runHealth(ctx, rest, stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "apns-console", Version)
		return exitOK
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "apns-console: unknown command %q\n\n%s", cmd, usage)
	return exitFailure
}

const usage = `APNs Console: send Apple push notifications.

Usage:
  apns-console                      open the console window
  apns-console send [flags]         send a notification (apns-console send -h for flags)
  apns-console serve [flags]        run the local APNs simulator for other programs
  apns-console inspect FILE [flags] show what a .p12, .pem or .p8 file holds
  apns-console feedback [flags]     read the retired binary protocol's feedback service (removed apps' tokens)
  apns-console simulators [--json]  list the booted iOS simulators (send --env simulator --device UDID)
  apns-console jwt --p8 F --key-id K --team-id T
                                    print a fresh provider token (a secret, valid for an hour), e.g. for send --curl
  apns-console channels ACTION      create, list, get or delete broadcast channels (apns-console channels -h)
  apns-console health [--addr A]    exit 0 when a serve's control API is ready (for a container's HEALTHCHECK)
  apns-console version              print the version

Try it without Apple:
  apns-console send --env local --token '<740f4707 bebcf74f 9b7c25d4 8e335894 5f6aa01d a5ddb387 462c7eaf 61bb78ad>' --alert hi -v
  apns-console send --env local --token 740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad --live-activity update --content-state '{"progress":0.5}'
  apns-console send --protocol binary --format simple --env local --token 740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad --alert hi --dry-run

Exit codes (every command):
  0  done: every notification accepted, the file inspected, serve stopped by Ctrl+C
  1  APNs (or the simulator, simctl) rejected at least one notification or request
  2  bad input (a flag, a file, no device token at all), a bad credential, no
     connection, a notification not sent, or stopped by Ctrl+C, SIGTERM or --timeout
  3  send: a notification unconfirmed (it may have been delivered)
     (apns-console send -h says more)
Ctrl+C or SIGTERM ends any command within a second (serve: after the requests
in flight, up to 5 s; a second Ctrl+C at once), with the results so far printed.
`
