package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/legacy"
)

// runServe runs the local APNs simulator until interrupted:
// `serve [--addr 127.0.0.1:2197] [--env sandbox|production] [--dir DIR] [--unregistered TOKEN]…`.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:2197", "`HOST:PORT` to listen on")
	envName := fs.String("env", "sandbox", "the environment to act as: sandbox or production (certificates are checked against it)")
	dir := fs.String("dir", filepath.Join(os.TempDir(), "apns-console-simulator"), "`DIR` to write the CA and the demo credentials to")
	binary := fs.Bool("binary", false, "also run the legacy binary gateway and its feedback service (on --binary-addr and --feedback-addr)")
	binaryAddr := fs.String("binary-addr", "127.0.0.1:2195", "`HOST:PORT` of the binary gateway, with --binary")
	feedbackAddr := fs.String("feedback-addr", "127.0.0.1:2196", "`HOST:PORT` of the feedback service, with --binary")
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

	s := apnstest.NewUnstartedServer()
	s.Environment = env
	s.OnRequest = func(r apnstest.Record) { fmt.Fprintln(stdout, serveLogLine(r)) }
	var g *apnstest.Gateway
	if *binary {
		g = apnstest.NewUnstartedGateway(s.Authority, s.Demo)
		g.Environment = env
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
	if err := s.Demo.WriteFiles(*dir, s.Authority); err != nil {
		fmt.Fprintf(stderr, "error: cannot write the CA and demo credentials to %s: %v\n", *dir, err)
		return exitFailure
	}
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

	p := func(name string) string { return filepath.Join(*dir, name) }
	fmt.Fprintf(stdout, "APNs simulator (%s) listening on https://%s (HTTP/2, TLS)\n", env, s.Addr)
	fmt.Fprintf(stdout, "CA and demo credentials in %s:\n", *dir)
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
	printChannelLines(stdout, env, s.Addr, *dir) // channels.go
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
	fmt.Fprintln(stdout, "Stopping the simulator.")
	return exitOK
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
	if r.Channel != "" {
		line += " channel=" + r.Channel
	}
	line += fmt.Sprintf(" %dB → %d", r.PayloadSize, r.Status)
	if r.Reason != "" {
		line += " " + r.Reason
	}
	if r.ApnsID != "" {
		line += " apns-id " + r.ApnsID
	}
	if r.RequestID != "" {
		line += " apns-request-id " + r.RequestID
	}
	for _, w := range r.Warnings {
		line += "\n  warning: " + w
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
