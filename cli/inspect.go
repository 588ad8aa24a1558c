package cli

import (
	"flag"
	"fmt"
	"io"
	"time"

	"apnsconsole/sender/credential"
)

// runInspect prints what a credential file holds: `inspect FILE [--password P]`.
func runInspect(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	password := fs.String("password", "", "the password of a .p12 or of an encrypted key (also read from $APNS_P12_PASSWORD)")
	keychain := fs.Bool("keychain", false, "list the push identities in the macOS login keychain instead")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: apns-console inspect FILE [--password P]\n       apns-console inspect --keychain\n\nShows a .p12/.pfx, .pem/.crt/.cer or .p8 file's subject, bundle id, topics, environments and validity.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	// Accept the file before or after the flags.
	var file string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return exitFailure
	}
	if *keychain && file == "" && fs.NArg() == 0 {
		return listKeychain(stdout, stderr)
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	if file == "" {
		fs.Usage()
		return exitFailure
	}
	lines, err := credential.InspectFile(file, orEnv(*password, "APNS_P12_PASSWORD"), time.Now())
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitFailure
	}
	for _, line := range lines {
		fmt.Fprintln(stdout, line)
	}
	return exitOK
}
