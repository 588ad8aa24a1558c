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
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/legacy"
)

// shutdownGrace is how long a stopping serve lets requests in flight
// finish after its GOAWAY.
const shutdownGrace = 5 * time.Second

// runServe runs the local APNs simulator until interrupted:
// `serve [--addr 127.0.0.1:2197] [--env sandbox|production] [--dir DIR] [--unregistered TOKEN]…`.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:2197", "`HOST:PORT` to listen on")
	envName := fs.String("env", "sandbox", "the environment to act as: sandbox or production (certificates are checked against it)")
	dir := fs.String("dir", defaultServeDir(), "`DIR` for the CA and the demo credentials: those already there are reused, so clients keep trusting a restarted simulator")
	fresh := fs.Bool("fresh", false, "make a new CA and demo credentials, replacing those in --dir (clients must then trust the new ca.pem)")
	keep := fs.Int("keep", apnstest.DefaultKeep, "how many of the last requests the simulator keeps in memory (counts cover all)")
	binary := fs.Bool("binary", false, "also run the legacy binary gateway and its feedback service (on --binary-addr and --feedback-addr)")
	binaryAddr := fs.String("binary-addr", "127.0.0.1:2195", "`HOST:PORT` of the binary gateway, with --binary")
	feedbackAddr := fs.String("feedback-addr", "127.0.0.1:2196", "`HOST:PORT` of the feedback service, with --binary")
	idle := fs.Duration("idle-timeout", apnstest.DefaultIdleTimeout, "close a connection after this long without a request (APNs keeps them for hours)")
	maxConns := fs.Int("max-conns", apnstest.DefaultMaxConns, "most connections open at once; more are closed on arrival")
	var unregistered stringList
	fs.Var(&unregistered, "unregistered", "a `TOKEN` to answer with 410 Unregistered (and, with --binary, to list in the feedback service) (repeatable)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: apns-console serve [flags]\n\nRuns the local APNs simulator (HTTP/2 over TLS) for your own backend or other APNs libraries.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitFailure
	}
	env, err := sender.ParseEnvironment(*envName)
	if err != nil || env == sender.Local {
		fmt.Fprintln(stderr, "error: --env must be sandbox or production")
		return exitFailure
	}

	if *dir == "" {
		fmt.Fprintln(stderr, "error: no user cache directory (is $HOME set?): give --dir")
		return exitFailure
	}
	if *keep <= 0 || *maxConns <= 0 || *idle <= 0 {
		fmt.Fprintln(stderr, "error: --keep, --max-conns and --idle-timeout must be more than 0")
		return exitFailure
	}
	authority, demo, made, err := serveCredentials(*dir, *fresh)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v: fix or remove the files, or run with --fresh to make new ones (clients must then trust the new %s)\n", err, apnstest.FileCA)
		return exitFailure
	}

	s := &apnstest.Server{Authority: authority, Demo: demo, Environment: env, Keep: *keep,
		IdleTimeout: *idle, MaxConns: *maxConns}
	s.OnRequest = func(r apnstest.Record) { fmt.Fprintln(stdout, serveLogLine(r)) }
	var g *apnstest.Gateway
	if *binary {
		g = apnstest.NewUnstartedGateway(s.Authority, s.Demo)
		g.Environment = env
		g.Keep, g.IdleTimeout, g.MaxConns = *keep, *idle, *maxConns
		g.OnFrame = func(r apnstest.GatewayRecord) { fmt.Fprintln(stdout, gatewayLogLine(r)) }
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
	if made {
		if err := s.Demo.WriteFiles(*dir, s.Authority); err != nil {
			fmt.Fprintf(stderr, "error: cannot write the CA and demo credentials to %s: %v\n", *dir, err)
			return exitFailure
		}
	}

	p := func(name string) string { return filepath.Join(*dir, name) }
	fmt.Fprintf(stdout, "APNs simulator (%s) listening on https://%s (HTTP/2, TLS)\n", env, s.Addr)
	if made {
		fmt.Fprintf(stdout, "New CA and demo credentials in %s:\n", *dir)
	} else {
		fmt.Fprintf(stdout, "CA and demo credentials reused from %s (--fresh makes new ones):\n", *dir)
	}
	fmt.Fprintf(stdout, "  %-22s the CA to trust (only for this simulator)\n", apnstest.FileCA)
	fmt.Fprintf(stdout, "  %-22s push certificate for %s, password %q\n", apnstest.FileDemoP12, apnstest.DemoBundleID, apnstest.DemoP12Password)
	fmt.Fprintf(stdout, "  %-22s the same certificate and key as PEM\n", apnstest.FileDemoCert+", "+apnstest.FileDemoKey)
	fmt.Fprintf(stdout, "  %-22s token key: Key ID %s, Team ID %s\n", apnstest.FileDemoP8, apnstest.DemoKeyID, apnstest.DemoTeamID)
	fmt.Fprintln(stdout, "\nSend to it (token key):")
	fmt.Fprintf(stdout, "  apns-console send --env %s --host %s --ca %s --p8 %s --key-id %s --team-id %s --topic %s --token %s --alert 'Hello' -v\n",
		env, s.Addr, p(apnstest.FileCA), p(apnstest.FileDemoP8), apnstest.DemoKeyID, apnstest.DemoTeamID, apnstest.DemoBundleID, apnstest.DemoToken)
	fmt.Fprintln(stdout, "or (certificate):")
	fmt.Fprintf(stdout, "  apns-console send --env %s --host %s --ca %s --cert %s --key %s --token %s --alert 'Hello' -v\n",
		env, s.Addr, p(apnstest.FileCA), p(apnstest.FileDemoCert), p(apnstest.FileDemoKey), apnstest.DemoToken)
	if g != nil {
		fmt.Fprintf(stdout, "Binary gateway (legacy) on %s, feedback service on %s:\n", g.Addr, g.FeedbackAddr)
		fmt.Fprintf(stdout, "  apns-console send --protocol binary --env %s --host %s --ca %s --cert %s --key %s --token %s --alert 'Hello' -v\n",
			env, g.Addr, p(apnstest.FileCA), p(apnstest.FileDemoCert), p(apnstest.FileDemoKey), apnstest.DemoToken)
		fmt.Fprintf(stdout, "  apns-console feedback --env %s --host %s --ca %s --cert %s --key %s\n",
			env, g.FeedbackAddr, p(apnstest.FileCA), p(apnstest.FileDemoCert), p(apnstest.FileDemoKey))
	}
	for _, t := range unregistered {
		fmt.Fprintf(stdout, "Answering 410 Unregistered for %s\n", t)
	}
	fmt.Fprintln(stdout, "\nPress Ctrl+C to stop. Requests:")

	<-ctx.Done()
	fmt.Fprintf(stdout, "Stopping the simulator: GOAWAY to every connection, up to %s for the requests in flight.\n", shutdownGrace)
	stopCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := s.Shutdown(stopCtx); err != nil {
		fmt.Fprintf(stdout, "Closed the connections still open after %s.\n", shutdownGrace)
	}
	if g != nil {
		g.Shutdown(stopCtx)
	}
	c := s.Counts()
	fmt.Fprintf(stdout, "Answered %d requests (%d accepted, %d rejected).\n", c.Requests, c.Accepted, c.Rejected)
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

// serveCredentials reuses the CA and demo credentials in dir, or makes
// new ones (fresh, or none there yet); made says they must be written.
func serveCredentials(dir string, fresh bool) (a *apnstest.Authority, d *apnstest.Demo, made bool, err error) {
	if !fresh {
		a, d, err = apnstest.LoadFiles(dir)
		if err == nil {
			return a, d, false, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, false, err
		}
	}
	if a, err = apnstest.NewAuthority(); err != nil {
		return nil, nil, false, err
	}
	if d, err = a.NewDemo(); err != nil {
		return nil, nil, false, err
	}
	return a, d, true, nil
}

// serveLogLine is one request of `serve`'s log: time, connection, auth,
// request, and the answer.
func serveLogLine(r apnstest.Record) string {
	at := r.Time.Format("15:04:05.000")
	if r.GoAway {
		return fmt.Sprintf("%s conn %d %s: GOAWAY %s (connection refused)", at, r.Conn, r.Remote, r.Reason)
	}
	line := fmt.Sprintf("%s conn %d %s %s %s", at, r.Conn, r.Auth, r.Method, r.Path)
	if r.Topic != "" {
		line += " topic=" + r.Topic
	}
	if r.PushType != "" {
		line += " type=" + string(r.PushType)
	}
	line += fmt.Sprintf(" %dB → %d", r.PayloadSize, r.Status)
	if r.Reason != "" {
		line += " " + r.Reason
	}
	if r.ApnsID != "" {
		line += " apns-id " + r.ApnsID
	}
	return line
}

// gatewayLogLine is one notification of the binary gateway's log.
func gatewayLogLine(r apnstest.GatewayRecord) string {
	line := fmt.Sprintf("%s conn %d binary %s id %d token %s %dB → ", r.Time.Format("15:04:05.000"), r.Conn, r.Format, r.Identifier, r.Token, len(r.Payload))
	if r.Accepted() {
		return line + "taken"
	}
	st := legacy.LookupStatus(r.Status)
	return line + fmt.Sprintf("status %d %s", st.Code, st.Name)
}
