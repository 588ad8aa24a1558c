package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"apnsconsole/sender"
)

// bulkFlags are send's flags for many tokens: concurrency, connections,
// retries and deadlines.
type bulkFlags struct {
	concurrency    int
	connections    int
	retries        int
	connectTimeout time.Duration
	requestTimeout time.Duration
	timeout        time.Duration
	resend         bool // --resend-unconfirmed
}

func (f *bulkFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&f.concurrency, "concurrency", sender.DefaultConcurrency, "notifications in flight per connection (the server's SETTINGS_MAX_CONCURRENT_STREAMS lowers it)")
	fs.IntVar(&f.connections, "connections", 1, "spread the send over `N` connections")
	fs.IntVar(&f.retries, "retries", sender.DefaultRetries, "send again after 429, 500, 503 or an unprocessed stream, with back-off, at most `N` times (0: never)")
	fs.DurationVar(&f.connectTimeout, "connect-timeout", sender.DefaultConnectTimeout, "limit for DNS, TCP, TLS and the HTTP/2 start")
	fs.DurationVar(&f.requestTimeout, "request-timeout", sender.DefaultTimeout, "limit for each notification's answer")
	fs.DurationVar(&f.timeout, "timeout", 0, "limit for the whole send, e.g. 10m (0: none)")
	fs.BoolVar(&f.resend, "resend-unconfirmed", false, "send a notification again (within --retries) when it was written and the connection ended before its answer: a device may get it twice (default: report it unconfirmed)")
}

func (f *bulkFlags) check() error {
	switch {
	case f.concurrency < 1 || f.concurrency > 1000:
		return inputError{fmt.Errorf("--concurrency %d: give 1 to 1000 (APNs allows up to 1000 streams per connection)", f.concurrency)}
	case f.connections < 1 || f.connections > 64:
		return inputError{fmt.Errorf("--connections %d: give 1 to 64", f.connections)}
	case f.retries < 0 || f.retries > 20:
		return inputError{fmt.Errorf("--retries %d: give 0 to 20", f.retries)}
	case f.connectTimeout <= 0 || f.requestTimeout <= 0 || f.timeout < 0:
		return inputError{errors.New("--connect-timeout and --request-timeout must be above 0, --timeout 0 or more: write them as 10s, 2m")}
	}
	return nil
}

func (f *bulkFlags) options() sender.BulkOptions {
	o := sender.BulkOptions{Concurrency: f.concurrency, Connections: f.connections, Retries: f.retries, ResendUnconfirmed: f.resend}
	if f.retries == 0 {
		o.Retries = sender.NoRetries
	}
	return o
}

// context applies --timeout to the whole send.
func (f *bulkFlags) context(ctx context.Context) (context.Context, context.CancelFunc) {
	if f.timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, f.timeout, fmt.Errorf("--timeout %v passed", f.timeout))
}

// sendExitCodes is the end of `send --help`: what each exit code means.
const sendExitCodes = `
Each notification ends with one of four outcomes, in the lines, the
summary and --json's "outcome": accepted; rejected (APNs' reason);
not sent (not_sent: safe to send again); unconfirmed (written, but the
connection ended before the answer: it may have been delivered, so check
before resending; --resend-unconfirmed sends such ones again instead).
A GOAWAY or a dropped connection ends that connection, not the send:
what the server did not process goes again on a new one.

Exit codes:
  0  every notification was accepted
  1  APNs rejected at least one (the others were accepted)
  2  bad input or usage, or at least one notification was not sent: a flag;
     a file missing, not a regular file or over its limit;
     no device token at all (an empty file, only blank lines); a token line
     that cannot be used; a bad credential; no connection; the send stopped
     by Ctrl+C, SIGTERM or --timeout
  3  at least one notification is unconfirmed (it may have been delivered)
Ctrl+C or SIGTERM ends the send within a second, the results so far printed.
`
