package cli

import (
	"bufio"
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
	"apnsconsole/sender/legacy"
)

// binaryFlags are send's flags for Apple's retired binary protocol.
type binaryFlags struct {
	protocol string
	format   string
}

func (f *binaryFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.protocol, "protocol", "http2", "http2, or binary: Apple's legacy protocol (retired 31 March 2021; for old backends and the local simulator)")
	fs.StringVar(&f.format, "format", "frame", "with --protocol binary: simple (command 0, the 2009 article's), enhanced (command 1) or frame (command 2)")
}

// binaryChosen reports whether --protocol binary was given, refusing an
// unknown protocol and --format without it.
func (f *binaryFlags) binaryChosen(fs *flag.FlagSet) (bool, error) {
	formatSet := false
	fs.Visit(func(fl *flag.Flag) { formatSet = formatSet || fl.Name == "format" })
	switch strings.ToLower(f.protocol) {
	case "binary", "legacy":
		return true, nil
	case "http2", "h2", "":
		if formatSet {
			return false, errors.New("--format chooses a format of the binary protocol: add --protocol binary, or leave --format out for HTTP/2")
		}
		return false, nil
	}
	return false, fmt.Errorf("unknown --protocol %q: use http2 (Apple's API today) or binary (the legacy protocol Apple retired in 2021)", f.protocol)
}

// runSendBinary is `send --protocol binary`: the same credential, token
// and payload flags, sent as binary frames to a gateway.
func runSendBinary(ctx context.Context, f *sendFlags, stdin io.Reader, stdout, stderr io.Writer) int {
	// The binary protocol settles its notifications together, after the
	// error wait: the results are written in one go.
	buffered := bufio.NewWriterSize(stdout, 64<<10)
	defer buffered.Flush()
	out := newPrinter(buffered, stderr, f.json, f.verbose)
	format, err := legacy.ParseFormat(f.format)
	if err != nil {
		return out.fail(inputError{err})
	}
	b, cred, err := f.readBatch(ctx, stdin, out)
	if err != nil {
		return out.fail(err)
	}
	tgt, err := f.resolveGateway(&cred, !f.dryRun, false)
	if err != nil {
		return out.fail(err)
	}
	defer tgt.close()
	if tgt.gateway != nil {
		out.info(fmt.Sprintf("Started the local binary gateway on %s (sandbox)", tgt.host))
	}

	if f.dryRun {
		addr := tgt.host
		if addr == "" {
			addr = "<local simulator's gateway>"
		}
		warned := map[string]bool{}
		for k, n := range b.ns {
			for _, w := range format.Ignored(n) {
				if !warned[w] {
					warned[w] = true
					out.warn(w)
				}
			}
			frame, err := format.Pack(n, uint32(k+1))
			if err != nil {
				return out.fail(inputError{err})
			}
			printFrame(stdout, format, frame, uint32(k+1), addr)
		}
		return b.dryRunExit(out)
	}
	if err := b.checkCredential(cred, out, "give --p12 FILE (password in $APNS_P12_PASSWORD), or --cert FILE --key FILE (the binary protocol takes no .p8 key; or try --env local)"); err != nil {
		return out.fail(err)
	}
	client := &legacy.Client{Credential: cred, Environment: tgt.env, Host: tgt.host, RootCAs: tgt.roots, Format: format, OnEvent: warningsAlways(out)}
	defer client.Close()
	b.settle(client.SendAll(ctx, b.ns))
	results := b.results
	for _, r := range results {
		printBinaryResult(out, r, format, client.ErrorWait)
	}
	return binaryExitCode(results)
}

// warningsAlways prints the client's warnings (Apple's retirement of the
// protocol, settings it cannot carry) even without -v, and the rest of
// the events with -v.
func warningsAlways(out *printer) sender.EventFunc {
	return func(e sender.Event) {
		if e.Kind == sender.EventWarning && !out.verbose {
			out.warn(e.Text)
			return
		}
		out.event(e)
	}
}

// printFrame prints one packed notification for --dry-run: one line of
// hex to compare with one's own packing, a hexdump, and the fields.
func printFrame(w io.Writer, format legacy.Format, frame []byte, id uint32, addr string) {
	ident := fmt.Sprintf(", identifier %d", id)
	if !format.HasIdentifiers() {
		ident = ", no identifier"
	}
	fmt.Fprintf(w, "# %s to %s%s, %d bytes\n", format.Describe(), addr, ident, len(frame))
	fmt.Fprintf(w, "hex %x\n", frame)
	for _, l := range legacy.HexDump(frame) {
		fmt.Fprintln(w, l)
	}
	fields, err := legacy.FrameLayout(frame)
	for _, fl := range fields {
		shown := hex.EncodeToString(fl.Bytes)
		if len(fl.Bytes) > 16 {
			shown = hex.EncodeToString(fl.Bytes[:16]) + "…"
		}
		label := fl.Label
		if label == "payload" {
			label += " " + string(fl.Bytes)
		}
		fmt.Fprintf(w, "  %04x  %-34s %s\n", fl.Offset, shown, label)
	}
	if err != nil {
		fmt.Fprintf(w, "  %v\n", err)
	}
	fmt.Fprintln(w)
}

// binaryJSON is one line of --json output for the binary protocol: the
// HTTP/2 keys, with status the binary status (200 = no error response)
// and reason its name, plus protocol and format.
type binaryJSON struct {
	Token       string `json:"token"`
	Outcome     string `json:"outcome"` // accepted, rejected, not_sent, unconfirmed
	Protocol    string `json:"protocol"`
	Format      string `json:"format"`
	Status      int    `json:"status"`
	Reason      string `json:"reason,omitempty"`
	Description string `json:"description,omitempty"`
	DurationMS  int64  `json:"duration_ms"`
	Error       string `json:"error,omitempty"`
}

// printBinaryResult prints one token's outcome.
func printBinaryResult(out *printer, r sender.Result, format legacy.Format, wait time.Duration) {
	if wait <= 0 {
		wait = legacy.DefaultErrorWait
	}
	out.mu.Lock()
	defer out.mu.Unlock()
	tok := r.Notification.Token
	if out.json {
		j := binaryJSON{Token: tok, Outcome: r.Outcome().Key(), Protocol: "binary", Format: string(format)}
		if resp := r.Response; resp != nil {
			j.Status, j.Reason, j.DurationMS = resp.Status, resp.Reason, resp.Duration.Milliseconds()
			j.Description, _ = legacy.ExplainResponse(resp)
		}
		if r.Err != nil {
			j.Error = r.Err.Error()
		}
		fmt.Fprintln(out.stdout, marshalJSON(j))
		return
	}
	switch {
	case r.Err != nil && r.Unconfirmed():
		fmt.Fprintf(out.stdout, "? %s  %v\n", tok, r.Err)
	case r.Err != nil:
		fmt.Fprintf(out.stdout, "– %s  %v\n", tok, r.Err)
	case r.Response.Accepted():
		fmt.Fprintf(out.stdout, "✓ %s  sent, no error response within %s (%s; the binary protocol never confirms delivery)\n", tok, wait, format)
	default:
		desc, hint := legacy.ExplainResponse(r.Response)
		fmt.Fprintf(out.stdout, "✗ %s  status %d %s · %s %s\n", tok, r.Response.Status, r.Response.Reason, desc, hint)
	}
}

// binaryExitCode is send's (see sendExitCodes): 0 when no notification
// was refused, 1 when the gateway refused any with an error response, 2
// when any was not sent (input, credential, connection), 3 when any is
// unconfirmed (a close the simple format leaves unexplained, a cancel
// after writing): 3 wins over 2, 2 over 1.
func binaryExitCode(results []sender.Result) int {
	code := exitOK
	for _, r := range results {
		switch r.Outcome() {
		case sender.OutcomeUnconfirmed:
			return exitUnconfirmed
		case sender.OutcomeNotSent:
			code = exitFailure
		case sender.OutcomeRejected:
			if code == exitOK {
				code = exitRejected
			}
		}
	}
	return code
}

// resolveGateway turns --env, --host and --ca into a binary target: Apple's
// gateway (or feedback service) for sandbox and production, and for
// --env local a gateway started in-process (when start is set) whose demo
// certificate is used when no credential was given.
func (f *credentialFlags) resolveGateway(cred **credential.Credential, start, feedback bool) (*target, error) {
	env, err := sender.ParseEnvironment(f.env)
	if err != nil {
		return nil, inputError{err}
	}
	if env == sender.Local && f.host == "" {
		t := &target{env: env}
		if !start {
			return t, nil
		}
		g := apnstest.NewGateway(nil, nil)
		t.gateway, t.host, t.roots = g, g.Addr, g.Authority.Pool()
		if feedback {
			t.host = g.FeedbackAddr
		}
		if err := useDemo(cred, g.Demo); err != nil {
			g.Close()
			return nil, err
		}
		return t, nil
	}
	// --host and --ca are read as for HTTP/2.
	t, err := f.resolveTarget(cred, false)
	if err != nil {
		return nil, err
	}
	if t.host == "" && feedback {
		t.host = legacy.FeedbackHost(env)
	} else if t.host == "" {
		t.host = legacy.GatewayHost(env)
	}
	return t, nil
}
