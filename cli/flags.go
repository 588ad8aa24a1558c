package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// newFlagSet makes a command's FlagSet; parseFlags parses it.
func newFlagSet(name string) *flag.FlagSet {
	return flag.NewFlagSet(name, flag.ContinueOnError)
}

// parseFlags parses args into fs with the conventions of every command:
//   - -h, -help and --help print fs.Usage on stdout and exit 0;
//   - a bad flag is one error line on stderr, with where to find the
//     flags, and exit 2 (flag's own habit of printing the whole usage on
//     stderr is turned off);
//
// done reports that the command ends here, with exit code code. fs.Usage
// must write to fs.Output(). When stdout is a flagCapture (help,
// completion and the man page asking what a command's flags are), fs is
// recorded in it.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, done bool) {
	if c, ok := stdout.(*flagCapture); ok {
		c.fs = fs
	}
	usage := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.Usage = usage
	fs.SetOutput(stderr)
	switch {
	case err == nil:
		return exitOK, false
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		if usage != nil {
			usage()
		} else {
			fmt.Fprintf(stdout, "Usage: apns-console %s [flags]\n\nFlags:\n", fs.Name())
			fs.PrintDefaults()
		}
		fs.SetOutput(stderr)
		return exitOK, true
	}
	fmt.Fprintf(stderr, "apns-console %s: %v\nRun 'apns-console %s --help' for the flags.\n", fs.Name(), err, fs.Name())
	return exitFailure, true
}

// flagCapture is the stdout given to a command to learn its flags without
// running it: parseFlags records the FlagSet, and the command's help is
// written into the buffer.
type flagCapture struct {
	bytes.Buffer
	fs *flag.FlagSet
}

// commandSpec is what a command's help says, read from the command itself.
type commandSpec struct {
	command
	flags       []*flag.Flag // sorted by name
	description string       // the help's text between the usage lines and "Flags:"
	usageLines  []string     // the help's "Usage:" lines, without "Usage:"
}

// describe asks c for its help (`c --help`) and reads its flags and text.
func describe(c command) commandSpec {
	var capture flagCapture
	c.run(context.Background(), []string{"--help"}, strings.NewReader(""), &capture, io.Discard)
	spec := commandSpec{command: c}
	if capture.fs != nil {
		capture.fs.VisitAll(func(f *flag.Flag) { spec.flags = append(spec.flags, f) })
		sort.Slice(spec.flags, func(i, j int) bool { return spec.flags[i].Name < spec.flags[j].Name })
	}
	text := capture.String()
	if i := strings.Index(text, "\nFlags:\n"); i >= 0 {
		text = text[:i]
	}
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for len(lines) > 0 {
		l := strings.TrimSpace(lines[0])
		if !strings.HasPrefix(l, "Usage:") && !strings.HasPrefix(l, "apns-console ") {
			break
		}
		spec.usageLines = append(spec.usageLines, strings.TrimSpace(strings.TrimPrefix(l, "Usage:")))
		lines = lines[1:]
	}
	spec.description = strings.Trim(strings.Join(lines, "\n"), "\n")
	return spec
}

// describeAll describes every command.
func describeAll() []commandSpec {
	var specs []commandSpec
	for _, c := range commands() {
		specs = append(specs, describe(c))
	}
	return specs
}

// isBoolFlag reports whether f takes no value (--json, -v).
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// dashName is how a flag is written: -v for one letter, --name otherwise.
func dashName(f *flag.Flag) string {
	if len(f.Name) == 1 {
		return "-" + f.Name
	}
	return "--" + f.Name
}

// valueKind says what a flag's value is for completion: "file" or "dir"
// (complete names on disk) when its usage calls the value `FILE` or
// `DIR`, else "" (nothing to complete, or choices). A JSON flag that also
// takes @FILE is not a file flag: its value is usually JSON.
func valueKind(f *flag.Flag) string {
	switch name, _ := flag.UnquoteUsage(f); name {
	case "DIR":
		return "dir"
	case "FILE":
		return "file"
	}
	return ""
}

// shownDefault is a flag's default as help shows it ("" when it is the
// zero value), with the home folder written ~ so that the man page does
// not depend on who built it.
func shownDefault(f *flag.Flag) string {
	switch f.DefValue {
	case "", "0", "false", "0s", "[]":
		return ""
	}
	d := f.DefValue
	if home, err := os.UserHomeDir(); err == nil && home != "" && strings.HasPrefix(d, home+string(filepath.Separator)) {
		d = "~" + d[len(home):]
	}
	return d
}

// valueName is what a flag's value is called in help: the word its usage
// puts in backquotes (FILE, HOST:PORT), else the flag's name in capitals
// when flag would say only "string" or "int".
func valueName(f *flag.Flag) string {
	name, _ := flag.UnquoteUsage(f)
	switch name {
	case "", "string", "value", "int", "int64", "uint", "uint64", "float":
		return strings.ToUpper(f.Name)
	case "duration":
		return "DURATION"
	}
	return name
}
