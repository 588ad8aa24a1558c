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
	curl bool
}

func (w *workflowFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&w.curl, "curl", false, "print a curl --http2 command that sends the same request, and send nothing (secrets stay in $APNS_JWT, $APNS_P12_PASSWORD)")
}

// workflow runs the parts of send that the workflow flags take over. done
// reports that it handled the command (code is then its exit code);
// otherwise send carries on with f as the workflows left it.
func (f *sendFlags) workflow(ctx context.Context, fs *flag.FlagSet, stdin io.Reader, stdout, stderr io.Writer) (code int, done bool) {
	if !f.curl {
		return 0, false
	}
	out := newPrinter(stdout, stderr, f.json, f.verbose)
	if binary, err := f.binaryChosen(fs); err != nil || binary {
		if err == nil {
			err = errors.New("--curl prints an HTTP/2 request: leave out --protocol binary (curl cannot speak Apple's binary protocol)")
		}
		return out.fail(inputError{err}), true
	}
	return f.printCurl(stdin, stdout, out), true
}
