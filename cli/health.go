package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

// envHealthAddr is health's --addr twin, so that one HEALTHCHECK line
// fits every container whatever port the API was given.
const envHealthAddr = "APNS_SIM_HEALTH_ADDR"

// runHealth asks a running serve's control API whether it is ready
// (GET /readyz): exit 0 when it answers 200, 1 otherwise. It is for a
// container's HEALTHCHECK, where a distroless image has no curl:
// `health [--addr 127.0.0.1:2198] [--timeout 2s]`.
func runHealth(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := os.Getenv(envHealthAddr)
	if def == "" {
		def = "127.0.0.1:2198"
	}
	addr := fs.String("addr", def, "`HOST:PORT` of the simulator's control API (serve --api; env "+envHealthAddr+")")
	timeout := fs.Duration("timeout", 2*time.Second, "how long to wait for the answer")
	quiet := fs.Bool("q", false, "print nothing, only exit 0 (ready) or 1")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: apns-console health [flags]\n\nExits 0 when the simulator's control API answers /readyz with 200, else 1 (for HEALTHCHECK).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil || *timeout <= 0 {
		fmt.Fprintf(stderr, "error: --addr %q: give HOST:PORT of serve --api (and a --timeout above 0)\n", *addr)
		return exitFailure
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+*addr+"/readyz", nil)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitFailure
	}
	c := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	res, err := c.Do(req)
	if err != nil {
		if !*quiet {
			fmt.Fprintf(stdout, "not ready: %v\n", err)
		}
		return exitRejected
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		if !*quiet {
			fmt.Fprintf(stdout, "not ready: /readyz answered %s\n", res.Status)
		}
		return exitRejected
	}
	if !*quiet {
		fmt.Fprintf(stdout, "ready: %s\n", *addr)
	}
	return exitOK
}
