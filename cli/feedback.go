package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/legacy"
)

// feedbackJSON is one line of `feedback --json`.
type feedbackJSON struct {
	Token     string `json:"token"`
	Time      string `json:"time"`      // RFC 3339, UTC
	Timestamp int64  `json:"timestamp"` // UNIX seconds, as on the wire
}

// runFeedback is `apns-console feedback`: read the binary protocol's
// feedback service (the tokens of apps removed from their devices) and
// print each token with its time.
func runFeedback(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("feedback", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf credentialFlags
	cf.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per token: token, time, timestamp")
	verbose := fs.Bool("v", false, "print the connection events (DNS, TLS, what was read)")
	var unregistered stringList
	fs.Var(&unregistered, "unregistered", "with --env local: put `TOKEN` on the simulator's list first, as if its app were removed now (repeatable)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: apns-console feedback [flags]

Reads the feedback service of Apple's binary protocol (port 2196): the
tokens for which APNs found the app removed, with the time it found out.
The service forgets the list once read. Apple retired it with the binary
protocol on 31 March 2021 (HTTP/2 answers 410 Unregistered instead);
--env local reads the built-in simulator's.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "apns-console feedback: unexpected argument %q\n", fs.Arg(0))
		return exitFailure
	}
	out := newPrinter(stdout, stderr, *asJSON, *verbose)
	cred, err := cf.load()
	if err != nil {
		return out.fail(err)
	}
	tgt, err := cf.resolveGateway(&cred, true, true)
	if err != nil {
		return out.fail(err)
	}
	defer tgt.close()
	if tgt.gateway != nil {
		out.info(fmt.Sprintf("Started the local feedback service on %s (sandbox)", tgt.host))
		for _, raw := range unregistered {
			tok, err := sender.ParseToken(raw)
			if err != nil {
				return out.fail(inputError{fmt.Errorf("--unregistered: %w", err)})
			}
			tgt.gateway.Unregister(tok.String(), time.Now())
		}
	} else if len(unregistered) > 0 {
		return out.fail(inputError{errors.New("--unregistered fills the local simulator's list: use it with --env local")})
	}
	if cred == nil {
		return out.fail(fmt.Errorf("%w: give --p12 FILE --password P, or --cert FILE --key FILE (or try --env local)", sender.ErrNoCredential))
	}
	if w := cred.ExpiryWarning(time.Now()); w != "" {
		out.warn(w)
	}
	client := &legacy.FeedbackClient{Credential: cred, Environment: tgt.env, Host: tgt.host, RootCAs: tgt.roots, OnEvent: warningsAlways(out)}
	tuples, err := client.Fetch(ctx)
	if err != nil {
		return out.fail(err)
	}
	out.mu.Lock()
	defer out.mu.Unlock()
	for _, t := range tuples {
		when := t.Time.UTC().Format(time.RFC3339)
		if *asJSON {
			fmt.Fprintln(stdout, marshalJSON(feedbackJSON{Token: t.Token.String(), Time: when, Timestamp: t.Time.Unix()}))
		} else {
			fmt.Fprintf(stdout, "%s  %s\n", when, t.Token)
		}
	}
	if len(tuples) == 0 {
		fmt.Fprintln(stderr, "The feedback service listed no tokens.")
	}
	return exitOK
}
