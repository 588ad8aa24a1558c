// Package cli is APNs Console's command line: send, serve, inspect,
// feedback and the rest, for scripts and QA pipelines. It drives the same
// core (package sender) as the window.
//
// Every command parses its flags with the standard flag package through
// parseFlags (flags.go), which gives them all the same conventions: -h and
// --help print the command's help on stdout and exit 0, a bad flag is an
// error on stderr with exit 2. The help overview, `help CMD`, shell
// completion (completion.go) and the manual page (man.go) are generated
// from the same FlagSets, so they cannot drift from the flags.
package cli

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is printed by `apns-console version`; main sets it with
// BuildVersion.
var Version = "dev"

// BuildVersion is the version a binary reports: v, set at build time with
// -ldflags "-X main.version=…" from `git describe` (the Makefile does, for
// both binaries); else the version the go command stamped from the module
// or its commit (a plain `go build` in a checkout); else "dev".
func BuildVersion(v string) string {
	if v != "" {
		return strings.TrimPrefix(v, "v")
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return strings.TrimPrefix(bi.Main.Version, "v")
	}
	return "dev"
}

// Window says whether the binary also has the window (apns-console does,
// apns-console-cli does not); the overview mentions it only then.
var Window bool

// Exit codes of the subcommands, for scripts.
const (
	exitOK       = 0 // every notification was accepted
	exitRejected = 1 // APNs (or the simulator) rejected at least one
	exitFailure  = 2 // bad input, a bad credential, or no connection
)

// runFunc runs one command with the arguments after its name.
type runFunc func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int

// command is one subcommand: how the overview lists it and how it runs.
type command struct {
	name     string
	synopsis string   // what follows the name in a usage line
	summary  string   // one line for the overview
	actions  []string // the words its first argument may be (channels, completion), for completion and the man page
	run      runFunc
}

// commands lists every subcommand, in the overview's order. It is a
// function because help, completion and man read the list themselves.
func commands() []command {
	return []command{
		{name: "send", synopsis: "[flags]", summary: "send a notification, to one token or a list", run: runSend},
		{name: "serve", synopsis: "[flags]", summary: "run the local APNs simulator for other programs", run: func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
			return runServe(ctx, args, stdout, stderr)
		}},
		{name: "inspect", synopsis: "FILE [flags]", summary: "show what a .p12, .pem or .p8 file holds", run: func(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
			return runInspect(args, stdout, stderr)
		}},
		{name: "jwt", synopsis: "--p8 FILE --key-id ID --team-id ID", summary: "print a fresh provider token (a secret, valid for an hour), e.g. for send --curl", run: func(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
			return runJWT(args, stdout, stderr)
		}},
		{name: "channels", synopsis: "create|list|get|delete [flags]", summary: "manage broadcast channels (iOS 18 Live Activities)", actions: channelActions, run: func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
			return runChannels(ctx, args, stdout, stderr)
		}},
		{name: "simulators", synopsis: "[--json]", summary: "list the booted iOS simulators (send --env simulator --device UDID)", run: func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
			return runSimulators(ctx, args, stdout, stderr)
		}},
		{name: "feedback", synopsis: "[flags]", summary: "read the retired binary protocol's feedback service (removed apps' tokens)", run: func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
			return runFeedback(ctx, args, stdout, stderr)
		}},
		{name: "health", synopsis: "[--addr A]", summary: "exit 0 when a serve's control API is ready (for a container's HEALTHCHECK)", run: func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
			return runHealth(ctx, args, stdout, stderr)
		}},
		{name: "completion", synopsis: "bash|zsh|fish", summary: "print a shell completion script", actions: completionShells, run: runCompletion},
		{name: "man", synopsis: "", summary: "print the manual page (roff): apns-console man | man -l -", run: runMan},
		{name: "help", synopsis: "[COMMAND]", summary: "show the help of a command", run: runHelp},
		{name: "version", synopsis: "", summary: "print the version", run: runVersion},
	}
}

// lookup finds a command by name.
func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// Run executes one subcommand (args[0], with its flags after it) and
// returns its exit code; ctx ends when the user interrupts.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		args = []string{"help"}
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	case "-v", "-version", "--version":
		name = "version"
	}
	if c, ok := lookup(name); ok {
		return c.run(ctx, rest, stdin, stdout, stderr)
	}
	if strings.HasPrefix(name, "-") {
		fmt.Fprintf(stderr, "apns-console: unknown flag %s: flags go after the command, e.g. apns-console send --help\nRun 'apns-console help' for the commands.\n", name)
	} else {
		fmt.Fprintf(stderr, "apns-console: unknown command %q\nRun 'apns-console help' for the commands.\n", name)
	}
	return exitFailure
}

// overview is the top-level help: every command with its summary.
func overview(w io.Writer) {
	fmt.Fprint(w, "APNs Console: send Apple push notifications, and simulate APNs.\n\nUsage:\n")
	if Window {
		fmt.Fprintln(w, "  apns-console                      open the console window")
	}
	fmt.Fprint(w, "  apns-console COMMAND [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, overviewTail)
}

const overviewTail = `
Run 'apns-console COMMAND --help' (or 'apns-console help COMMAND') for a
command's flags.

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
Results go to standard output; errors, warnings and -v's events to standard error.
`

// runHelp is `help [COMMAND [ACTION]]`: the overview, or a command's help
// (the same as COMMAND --help).
func runHelp(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		args = nil
	}
	if len(args) == 0 {
		overview(stdout)
		return exitOK
	}
	c, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "apns-console help: unknown command %q\nRun 'apns-console help' for the commands.\n", args[0])
		return exitFailure
	}
	if c.name == "help" {
		overview(stdout)
		return exitOK
	}
	return c.run(ctx, append(args[1:len(args):len(args)], "--help"), stdin, stdout, stderr)
}

// runVersion is `version` (also -v and --version): the version on the
// first line, for scripts; the Go release and platform after it.
func runVersion(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("version")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: apns-console version\n\nPrints the version (the release tag, or the commit it was built from), then the Go release and platform.\n")
	}
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "apns-console version: unexpected argument %q\n", fs.Arg(0))
		return exitFailure
	}
	fmt.Fprintln(stdout, "apns-console", Version)
	fmt.Fprintf(stdout, "%s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}
