package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
)

// shutdownGrace is how long a stopping serve lets requests in flight
// finish after its GOAWAY.
const shutdownGrace = 5 * time.Second

// runServe runs the local APNs simulator until interrupted:
// `serve [--addr 127.0.0.1:2197] [--env sandbox|production] [--dir DIR] [--fresh]
// [--fault RULE]… [--latency D] [--seed N] [--json] [--keep N] [--idle-timeout D]
// [--max-conns N] [--max-conns-per-client N] [--max-concurrent-streams N]
// [--streams-before-token N] [--strict-streams] [--max-frame-size N]
// [--initial-window-size N] [--max-header-list-size N] [--unregistered TOKEN]…
// [--binary …]`.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:2197", "`HOST:PORT` to listen on")
	envName := fs.String("env", "sandbox", "the environment to act as: sandbox or production (certificates are checked against it)")
	dir := fs.String("dir", defaultServeDir(), "`DIR` for the CA and the demo credentials: those already there are reused, so clients keep trusting a restarted simulator")
	fresh := fs.Bool("fresh", false, "make a new CA and demo credentials, replacing those in --dir (clients must then trust the new ca.pem)")
	asJSON := fs.Bool("json", false, "log one JSON object per request (time, connection, auth, token, topic, push type, priority, status, reason, apns-id, payload) instead of a line of text")
	keep := fs.Int("keep", apnstest.DefaultKeep, "how many of the last requests the simulator keeps in memory (counts cover all)")
	binary := fs.Bool("binary", false, "also run the legacy binary gateway and its feedback service (on --binary-addr and --feedback-addr)")
	binaryAddr := fs.String("binary-addr", "127.0.0.1:2195", "`HOST:PORT` of the binary gateway, with --binary")
	feedbackAddr := fs.String("feedback-addr", "127.0.0.1:2196", "`HOST:PORT` of the feedback service, with --binary")
	idle := fs.Duration("idle-timeout", apnstest.DefaultIdleTimeout, "close a connection after this long without a request (APNs keeps them for hours)")
	maxConns := fs.Int("max-conns", apnstest.DefaultMaxConns, "most connections open at once; more are closed on arrival")
	perClient := fs.Int("max-conns-per-client", apnstest.DefaultMaxConnsPerClient, "most connections from one IP address: a new one beyond it closes that client's oldest idle connection (GOAWAY), so one client cannot lock out the others")
	streams := fs.Uint("max-concurrent-streams", apnstest.DefaultMaxConcurrentStreams, "SETTINGS_MAX_CONCURRENT_STREAMS once a connection may send (api.push.apple.com advertised 1000)")
	beforeToken := fs.Uint("streams-before-token", 1, "SETTINGS_MAX_CONCURRENT_STREAMS of a token connection until its first valid provider token, as APNs does (give --max-concurrent-streams's value for no limit)")
	strict := fs.Bool("strict-streams", false, "drop a connection to one stream after a rejected request and back after the next accepted one, as APNs was once seen to do")
	frameSize := fs.Uint("max-frame-size", apnstest.DefaultMaxFrameSize, "SETTINGS_MAX_FRAME_SIZE (16384 to 16777215)")
	window := fs.Uint("initial-window-size", apnstest.DefaultInitialWindowSize, "SETTINGS_INITIAL_WINDOW_SIZE, each stream's flow-control window")
	headerList := fs.Uint("max-header-list-size", apnstest.DefaultMaxHeaderListSize, "SETTINGS_MAX_HEADER_LIST_SIZE: a request with more header bytes is answered 431")
	var faults stringList
	fs.Var(&faults, "fault", "a `RULE` for failing requests on purpose (repeatable): status=N[,reason=R], goaway=REASON, drop (close with no GOAWAY), reset[=CODE] (RST_STREAM) or binary=N (the binary gateway's status), with every=N, first=N, rate=P, token=HEX; e.g. status=503,every=10")
	latency := fs.String("latency", "", "`DELAY` added to every answer: 20ms, or 20ms±5ms")
	seed := fs.Int64("seed", 0, "seed for rate= faults and the latency's spread, for repeatable runs (0: from the clock)")
	var unregistered stringList
	fs.Var(&unregistered, "unregistered", "a `TOKEN` to answer with 410 Unregistered (and, with --binary, to list in the feedback service) (repeatable)")
	fid := addFidelityFlags(fs) // serve_fidelity.go
	apiF := addAPIFlags(fs)     // serve_api.go
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: apns-console serve [flags]\n\nRuns the local APNs simulator (HTTP/2 over TLS) for your own backend or other APNs libraries.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	apiF.resolve(given)
	env, err := sender.ParseEnvironment(*envName)
	if err != nil || env == sender.Local {
		fmt.Fprintln(stderr, "error: --env must be sandbox or production")
		return exitFailure
	}

	if *dir == "" {
		fmt.Fprintln(stderr, "error: no user cache directory (is $HOME set?): give --dir")
		return exitFailure
	}
	if *keep <= 0 || *maxConns <= 0 || *perClient <= 0 || *idle <= 0 {
		fmt.Fprintln(stderr, "error: --keep, --max-conns, --max-conns-per-client and --idle-timeout must be more than 0")
		return exitFailure
	}
	settings := apnstest.Settings{MaxFrameSize: uint32(*frameSize), InitialWindowSize: uint32(*window), MaxHeaderListSize: uint32(*headerList)}
	if err := settings.Validate(); err != nil || *streams == 0 || *streams > 1<<31 || *beforeToken == 0 || *beforeToken > *streams || *headerList == 0 {
		if err == nil {
			err = errors.New("--max-concurrent-streams and --max-header-list-size must be more than 0, --streams-before-token from 1 to --max-concurrent-streams")
		}
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitFailure
	}
	var rules []apnstest.Fault
	for _, r := range faults {
		f, err := apnstest.ParseFault(r)
		if err != nil {
			fmt.Fprintf(stderr, "error: --fault: %v\n", err)
			return exitFailure
		}
		rules = append(rules, f)
	}
	var delay, jitter time.Duration
	if *latency != "" {
		if delay, jitter, err = apnstest.ParseLatency(*latency); err != nil {
			fmt.Fprintf(stderr, "error: --latency: %v\n", err)
			return exitFailure
		}
	}
	authority, demo, origin, notices, err := serveCredentials(*dir, *fresh)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v: fix or remove the files, or run with --fresh to make new ones (clients must then trust the new %s)\n", err, apnstest.FileCA)
		return exitFailure
	}

	s := &apnstest.Server{Authority: authority, Demo: demo, Environment: apnstest.Environment(env), Keep: *keep,
		IdleTimeout: *idle, MaxConns: *maxConns, MaxConnsPerClient: *perClient, Latency: delay, LatencyJitter: jitter, Seed: *seed,
		Settings: settings, MaxConcurrentStreams: uint32(*streams), StreamsBeforeToken: uint32(*beforeToken), StrictStreams: *strict}
	fid.resolve(given)
	if err := fid.apply(s); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitFailure
	}
	for _, f := range rules {
		s.AddFaultRule(f)
	}
	// The log goes to stdout; with --json everything else goes to stderr,
	// so that stdout is only JSON objects.
	out := stdout
	if *asJSON {
		out = stderr
	}
	reqLog := newServeLog(stdout, *asJSON)
	defer reqLog.close() // after the servers' Close (defers run last first)
	s.OnRequest = reqLog.request
	var g *apnstest.Gateway
	if *binary {
		g = apnstest.NewUnstartedGateway(s.Authority, s.Demo)
		g.Environment = apnstest.Environment(env)
		g.Keep, g.IdleTimeout, g.MaxConns = *keep, *idle, *maxConns
		g.OnFrame = reqLog.frame
		for _, f := range rules {
			g.AddFaultRule(f)
		}
	}
	for _, raw := range unregistered {
		tok, err := sender.ParseToken(raw)
		if err != nil {
			fmt.Fprintln(stderr, "error: --unregistered:", err)
			return exitFailure
		}
		s.Unregister(tok.String(), time.Now())
		if g != nil {
			g.Unregister(tok.String(), time.Now())
		}
	}
	// Bind first, write after: a serve that cannot listen (the address is
	// in use, say by another serve of the same directory) changes no file.
	if err := s.Listen(*addr); err != nil {
		fmt.Fprintf(stderr, "error: cannot listen on %s: %v: choose another --addr\n", *addr, err)
		return exitFailure
	}
	defer s.Close()
	if g != nil {
		if err := g.Listen(*binaryAddr, *feedbackAddr); err != nil {
			fmt.Fprintf(stderr, "error: cannot start the binary gateway on %s and %s: %v: choose other --binary-addr and --feedback-addr\n", *binaryAddr, *feedbackAddr, err)
			return exitFailure
		}
		defer g.Close()
	}
	// Ready (/readyz 200) once the files are written: a backend that
	// waits for the health check finds ca.pem there.
	var filesReady atomic.Bool
	ctl, err := apiF.start(s, filesReady.Load)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitFailure
	}
	if ctl != nil {
		defer ctl.Close()
	}
	if origin != credsReused {
		if err := s.Demo.WriteFiles(*dir, s.Authority); err != nil {
			fmt.Fprintf(stderr, "error: cannot write the CA and demo credentials to %s: %v\n", *dir, err)
			return exitFailure
		}
	}

	filesReady.Store(true)

	p := func(name string) string { return filepath.Join(*dir, name) }
	fmt.Fprintf(out, "APNs simulator (%s) listening on https://%s (HTTP/2, TLS)\n", env, s.Addr)
	for _, n := range notices {
		fmt.Fprintf(out, "Notice: %s\n", n)
	}
	switch origin {
	case credsNew:
		fmt.Fprintf(out, "New CA and demo credentials in %s:\n", *dir)
	case credsStale:
		fmt.Fprintf(out, "CA and demo credentials reused from %s, written again whole (an older version wrote them), same CA:\n", *dir)
	case credsRenewed:
		fmt.Fprintf(out, "CA and demo credentials reused from %s, the demo certificate renewed (it expired), same CA:\n", *dir)
	default:
		fmt.Fprintf(out, "CA and demo credentials reused from %s (--fresh makes new ones):\n", *dir)
	}
	fmt.Fprintf(out, "  %-28s the CA to trust (only for this simulator)\n", apnstest.FileCA)
	fmt.Fprintf(out, "  %-28s push certificate for %s, password %q\n", apnstest.FileDemoP12, apnstest.DemoBundleID, apnstest.DemoP12Password)
	fmt.Fprintf(out, "  %-28s the same, 3DES/SHA-1 (for golang.org/x/crypto/pkcs12, sideshow/apns2)\n", apnstest.FileDemoLegacy)
	fmt.Fprintf(out, "  %-28s the same certificate and key as PEM\n", apnstest.FileDemoCert+", "+apnstest.FileDemoKey)
	fid.print(out)
	fmt.Fprintln(out, "\nSend to it (token key):")
	fmt.Fprintf(out, "  apns-console send --env %s --host %s --ca %s --p8 %s --key-id %s --team-id %s --topic %s --token %s --alert 'Hello' -v\n",
		env, s.Addr, p(apnstest.FileCA), p(apnstest.FileDemoP8), apnstest.DemoKeyID, apnstest.DemoTeamID, apnstest.DemoBundleID, apnstest.DemoToken)
	fmt.Fprintln(out, "or (certificate):")
	fmt.Fprintf(out, "  apns-console send --env %s --host %s --ca %s --cert %s --key %s --token %s --alert 'Hello' -v\n",
		env, s.Addr, p(apnstest.FileCA), p(apnstest.FileDemoCert), p(apnstest.FileDemoKey), apnstest.DemoToken)
	printChannelLines(out, env, s.Addr, *dir) // channels.go
	if g != nil {
		fmt.Fprintf(out, "Binary gateway (legacy) on %s, feedback service on %s:\n", g.Addr, g.FeedbackAddr)
		fmt.Fprintf(out, "  apns-console send --protocol binary --env %s --host %s --ca %s --cert %s --key %s --token %s --alert 'Hello' -v\n",
			env, g.Addr, p(apnstest.FileCA), p(apnstest.FileDemoCert), p(apnstest.FileDemoKey), apnstest.DemoToken)
		fmt.Fprintf(out, "  apns-console feedback --env %s --host %s --ca %s --cert %s --key %s\n",
			env, g.FeedbackAddr, p(apnstest.FileCA), p(apnstest.FileDemoCert), p(apnstest.FileDemoKey))
	}
	for _, t := range unregistered {
		fmt.Fprintf(out, "Answering 410 Unregistered for %s\n", t)
	}
	for _, f := range rules {
		fmt.Fprintf(out, "Fault: %s\n", f)
	}
	if delay > 0 {
		fmt.Fprintf(out, "Latency: %s added to every answer\n", *latency)
	}
	strictNote := ""
	if *strict {
		strictNote = ", 1 after a rejection (--strict-streams)"
	}
	fmt.Fprintf(out, "HTTP/2: %d streams per connection (%d until a valid provider token%s), frames up to %d bytes, windows of %d, header lists up to %d bytes; %d connections at most, %d per client\n",
		*streams, *beforeToken, strictNote, *frameSize, *window, *headerList, *maxConns, *perClient)
	printAPILines(out, ctl, *apiF.token != "")
	fmt.Fprintln(out, "\nPress Ctrl+C to stop. Requests:")

	<-ctx.Done()
	fmt.Fprintf(out, "Stopping the simulator: GOAWAY to every connection, up to %s for the requests in flight.\n", shutdownGrace)
	stopCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := s.Shutdown(stopCtx); err != nil {
		fmt.Fprintf(out, "Closed the connections still open after %s.\n", shutdownGrace)
	}
	if g != nil {
		g.Shutdown(stopCtx)
	}
	dropped := reqLog.close()
	c := s.Counts()
	fmt.Fprintf(out, "Answered %d requests (%d accepted, %d rejected).\n", c.Requests, c.Accepted, c.Rejected)
	if c.NoAnswer > 0 {
		fmt.Fprintf(out, "Read %d requests left unanswered (dropped or reset connections).\n", c.NoAnswer)
	}
	if n := s.RefusedConns(); n > 0 {
		fmt.Fprintf(out, "Refused %d connections beyond --max-conns %d or --max-conns-per-client %d.\n", n, *maxConns, *perClient)
	}
	if dropped > 0 {
		fmt.Fprintf(stderr, "%s log lines dropped: the reader of the log was not keeping up.\n", thousands(dropped))
	}
	return exitOK
}

// defaultServeDir is where serve keeps its CA and demo credentials unless
// told otherwise: a directory of the user's own cache, not a shared one.
func defaultServeDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "apns-console", "simulator")
}

// Where serve's credentials came from: all but credsReused must be
// written (once serve listens).
const (
	credsReused  = iota // read from --dir
	credsRenewed        // read from --dir, the expiring demo certificate issued again
	credsStale          // read from --dir, written by an older version: written again, whole
	credsNew            // made (--fresh, or none in --dir)
)

// serveCredentials reuses the CA and demo credentials in dir, or makes
// new ones (fresh, none there yet, or a set whose write was cut short),
// with notices of what it changed or found.
func serveCredentials(dir string, fresh bool) (a *apnstest.Authority, d *apnstest.Demo, origin int, notices []string, err error) {
	if !fresh {
		f, err := apnstest.ReadFiles(dir)
		if err == nil {
			renewed, err := f.Demo.RenewCert(f.Authority)
			switch {
			case renewed:
				origin = credsRenewed
			case f.Stale:
				origin = credsStale
			}
			return f.Authority, f.Demo, origin, f.Notices, err
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, 0, nil, err
		}
		if errors.Is(err, apnstest.ErrIncompleteSet) {
			notices = append(notices, fmt.Sprintf("%v: made a new set (clients must trust the new %s)", err, apnstest.FileCA))
		}
	}
	if a, err = apnstest.NewAuthority(); err != nil {
		return nil, nil, 0, nil, err
	}
	if d, err = a.NewDemo(); err != nil {
		return nil, nil, 0, nil, err
	}
	return a, d, credsNew, notices, nil
}
