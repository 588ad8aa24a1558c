// Command bulk (make bench) measures bulk sending against baselines in the same run
// (make bench): the CLI against h2load on a bare HTTP/2 responder, the
// peak memory of a million tokens against ten thousand, and the binary
// protocol against a few lines of Python. It prints ratios, not
// absolute numbers: the machine changes, the ratios should not.
package main

import (
	"bufio"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

func main() {
	n := flag.Int("n", 20000, "notifications for the HTTP/2 rate comparison")
	conc := flag.Int("c", 100, "concurrency (streams in flight on one connection)")
	memBig := flag.Int("mem-big", 1000000, "tokens for the large memory run (0 skips the memory comparison)")
	memSmall := flag.Int("mem-small", 10000, "tokens for the small memory run")
	binN := flag.Int("binary", 50000, "notifications for the binary protocol comparison (0 skips it)")
	rounds := flag.Int("rounds", 5, "runs of each side; the best of each is compared")
	faultN := flag.Int("faults", 20000, "tokens for the sends through serve's faults and --latency (0 skips them)")
	flag.Parse()
	if err := run(*n, *conc, *memSmall, *memBig, *binN, *faultN, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(n, conc, memSmall, memBig, binN, faultN, rounds int) error {
	dir, err := os.MkdirTemp("", "apns-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "apns-console")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building the CLI: %w", err)
	}
	a, err := apnstest.NewAuthority()
	if err != nil {
		return err
	}
	demo, err := a.NewDemo()
	if err != nil {
		return err
	}
	if err := demo.WriteFiles(dir, a); err != nil {
		return err
	}
	r, err := startResponder(a)
	if err != nil {
		return err
	}
	defer r.Close()
	fmt.Printf("Bare HTTP/2 responder (net/http) on %s (200 with an apns-id to every POST)\n", r.Addr())

	// 1. Rate: the CLI against h2load, same responder, same concurrency.
	tokens := filepath.Join(dir, "tokens.txt")
	if err := writeTokens(tokens, n); err != nil {
		return err
	}
	cred, err := credential.ParseP8(demo.Key.P8, apnstest.DemoKeyID, apnstest.DemoTeamID)
	if err != nil {
		return err
	}
	jwt, err := credential.SignProviderToken(cred, time.Now())
	if err != nil {
		return err
	}
	payload := filepath.Join(dir, "payload.json")
	if err := os.WriteFile(payload, []byte(`{"aps":{"alert":"bench"}}`), 0o600); err != nil {
		return err
	}
	cliArgs := []string{"send", "--host", r.Addr(), "--ca", filepath.Join(dir, apnstest.FileCA),
		"--p8", filepath.Join(dir, apnstest.FileDemoP8), "--key-id", apnstest.DemoKeyID, "--team-id", apnstest.DemoTeamID,
		"--topic", apnstest.DemoBundleID, "--payload", "@" + payload, "--tokens", tokens,
		"--concurrency", strconv.Itoa(conc), "--json"}
	var bestH2, bestCLI float64
	var ratios []float64
	for i := range rounds {
		h2, err := h2load(r.Addr(), n, conc, jwt, payload)
		if err != nil {
			return err
		}
		cli, _, err := runCLI(bin, cliArgs, n)
		if err != nil {
			return err
		}
		fmt.Printf("  round %d: h2load %.0f/s, apns-console send %.0f/s (%.2fx)\n", i+1, h2, cli, cli/h2)
		bestH2, bestCLI = max(bestH2, h2), max(bestCLI, cli)
		ratios = append(ratios, cli/h2)
	}
	slices.Sort(ratios)
	fmt.Printf("HTTP/2 bulk, %d notifications, .p8, concurrency %d: apns-console %.0f/s vs h2load %.0f/s = %.2fx best against best, %.2fx median of the rounds (target >= 0.8x)\n",
		n, conc, bestCLI, bestH2, bestCLI/bestH2, ratios[len(ratios)/2])

	// 2. Memory: peak RSS for many tokens against few.
	if memBig > 0 {
		small := filepath.Join(dir, "small.txt")
		big := filepath.Join(dir, "big.txt")
		if err := writeTokens(small, memSmall); err != nil {
			return err
		}
		if err := writeTokens(big, memBig); err != nil {
			return err
		}
		memArgs := func(file string) []string {
			args := append([]string(nil), cliArgs...)
			for i, a := range args {
				if a == tokens {
					args[i] = file
				}
			}
			return args
		}
		_, rssSmall, err := runCLI(bin, memArgs(small), memSmall)
		if err != nil {
			return err
		}
		rate, rssBig, err := runCLI(bin, memArgs(big), memBig)
		if err != nil {
			return err
		}
		fmt.Printf("Peak RSS: %d tokens %.1f MB, %d tokens %.1f MB (at %.0f/s) = %.2fx (target <= 1.5x)\n",
			memSmall, float64(rssSmall)/1e6, memBig, float64(rssBig)/1e6, rate, float64(rssBig)/float64(rssSmall))
	}

	// 3. The binary protocol: the CLI against Python's struct.pack.
	if binN > 0 {
		if err := benchBinary(bin, dir, binN, rounds); err != nil {
			return err
		}
	}

	// 4. Through serve's faults, and over a slow link (faults.go).
	if faultN > 0 {
		if err := benchFaults(bin, dir, faultN, rounds); err != nil {
			return err
		}
	}
	return nil
}

// responder is the bare HTTP/2 server: x/net/http2 answering 200 with an
// apns-id, nothing else (no checks), so both clients meet the same server.
type responder struct {
	ln net.Listener
}

func startResponder(a *apnstest.Authority) (*responder, error) {
	cert, err := a.ServerCertificate("127.0.0.1")
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("apns-id", "01234567-89AB-CDEF-0123-456789ABCDEF")
		w.WriteHeader(http.StatusOK)
	})
	// net/http's own HTTP/2 server (what x/net/http2's ServeConn runs
	// under Go 1.27), over TLS only, 1,000 streams as APNs grants.
	srv := &http.Server{Handler: h, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}},
		Protocols: new(http.Protocols), HTTP2: &http.HTTP2Config{MaxConcurrentStreams: 1000}}
	srv.Protocols.SetHTTP2(true)
	go srv.ServeTLS(ln, "", "")
	return &responder{ln: ln}, nil
}

func (r *responder) Addr() string { return r.ln.Addr().String() }
func (r *responder) Close()       { r.ln.Close() }

func writeTokens(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	b := make([]byte, 32)
	for range n {
		rand.Read(b)
		fmt.Fprintf(w, "%x\n", b)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

var h2loadRate = regexp.MustCompile(`finished in [^,]+, ([0-9.]+) req/s`)

// h2load runs nghttp2's load generator: one connection, conc streams.
func h2load(addr string, n, conc int, jwt, payload string) (float64, error) {
	tok := make([]byte, 32)
	rand.Read(tok)
	cmd := exec.Command("h2load", "-n", strconv.Itoa(n), "-c", "1", "-m", strconv.Itoa(conc), "-t", "1",
		"-d", payload,
		"-H", "authorization: bearer "+jwt, "-H", "apns-topic: "+apnstest.DemoBundleID, "-H", "apns-push-type: alert",
		"-H", "content-type: application/json",
		fmt.Sprintf("https://%s/3/device/%x", addr, tok))
	out, err := cmd.CombinedOutput()
	if os.Getenv("BENCH_VERBOSE") != "" && cmd.ProcessState != nil {
		fmt.Printf("    h2load cpu %v\n", cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
	}
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return 0, errors.New("h2load is not installed: apt-get install nghttp2-client (make bench installs it)")
		}
		return 0, fmt.Errorf("h2load: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), fmt.Sprintf("%d succeeded", n)) {
		return 0, fmt.Errorf("h2load did not finish every request:\n%s", out)
	}
	m := h2loadRate.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("cannot read h2load's rate:\n%s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// runCLI runs the CLI, checks that it printed one accepted result per
// token, and returns its rate (whole process, start-up included) and
// peak RSS in bytes.
func runCLI(bin string, args []string, n int) (rate float64, rss int64, err error) {
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	lines, accepted := 0, 0
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		lines++
		if strings.Contains(sc.Text(), `"status":200`) {
			accepted++
		}
	}
	if err := cmd.Wait(); err != nil {
		return 0, 0, fmt.Errorf("apns-console %v\n%s", err, stderr.String())
	}
	took := time.Since(start)
	if lines != n || accepted != n {
		return 0, 0, fmt.Errorf("apns-console printed %d results, %d accepted, for %d tokens\n%s", lines, accepted, n, stderr.String())
	}
	if os.Getenv("BENCH_VERBOSE") != "" {
		fmt.Printf("    cpu %v: %s", cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime(), stderr.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss * 1024 // kilobytes on Linux
	}
	return float64(n) / took.Seconds(), rss, nil
}
