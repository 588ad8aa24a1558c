package cli

import (
	"context"
	"errors"
	"flag"
	"io"
)

// workflowFlags are send's flags for the everyday workflows: sending a
// saved document (--file, document.go), printing the request as a curl
// command (--curl, curl.go) and the iOS Simulator (--env simulator
// --device, simulators.go).
type workflowFlags struct {
	file   string
	curl   bool
	device string
}

func (w *workflowFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&w.file, "file", "", "`FILE`: send a saved .apnsconsole document, or an .apns payload file; flags given override its fields")
	fs.BoolVar(&w.curl, "curl", false, "print a curl --http2 command that sends the same request, and send nothing (secrets stay in $APNS_JWT, $APNS_P12_PASSWORD)")
	fs.StringVar(&w.device, "device", "", "with --env simulator: the simulator's `UDID`, or booted (default); see apns-console simulators")
}

// workflow runs the parts of send that the workflow flags take over. done
// reports that it handled the command (code is then its exit code);
// otherwise send carries on with f as the workflows left it (--file fills
// the flags that were not given).
func (f *sendFlags) workflow(ctx context.Context, fs *flag.FlagSet, stdin io.Reader, stdout, stderr io.Writer) (code int, done bool) {
	out := newPrinter(stdout, stderr, f.json, f.verbose)
	if f.file != "" {
		if err := f.applyFile(fs); err != nil {
			return out.fail(err), true
		}
	}
	if f.env == envSimulator {
		if f.curl {
			return out.fail(inputError{errors.New("--curl prints an APNs request, and the iOS Simulator is not reached through APNs: choose --env sandbox, production, or --host of `apns-console serve`")}), true
		}
		return f.sendToSimulator(ctx, fs, out), true
	}
	if f.device != "" {
		return out.fail(inputError{errors.New("--device chooses an iOS Simulator: add --env simulator")}), true
	}
	if !f.curl {
		return 0, false
	}
	if binary, err := f.binaryChosen(fs); err != nil || binary {
		if err == nil {
			err = errors.New("--curl prints an HTTP/2 request: leave out --protocol binary (curl cannot speak Apple's binary protocol)")
		}
		return out.fail(inputError{err}), true
	}
	return f.printCurl(ctx, stdin, stdout, out), true
}

// given lists the flags set on the command line.
func given(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	return set
}
