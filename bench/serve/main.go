// Command serve (make bench) measures `serve` under h2load (package nghttp2-client):
// its throughput as a ratio of a bare x/net/http2 responder's in the same
// run (both on TLS, 2 connections × 100 streams, a .p8 provider token;
// the median of several rounds),
// and its memory after 100k and 300k requests; `serve --json` with its
// stdout never read against stdout to /dev/null (rate and peak RSS); and
// a send while another client holds 1,000 idle connections. `make bench`
// runs it.
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"sync"
	"time"

	"apnsconsole/bench/internal/measure"
	"apnsconsole/cli"
	"apnsconsole/sender/apnstest"

	"golang.org/x/net/http2"
)

func main() {
	n := flag.Int("n", 100000, "requests per h2load run")
	rounds := flag.Int("rounds", 5, "rounds, each running both servers back to back")
	memory := flag.Bool("memory", true, "also measure serve's RSS after 100k and 300k requests")
	jsonLog := flag.Int("json-requests", 50000, "requests for the serve --json runs (stdout to /dev/null, and never read); 0 skips them")
	idle := flag.Bool("idle-conns", true, "also time a send while another client holds 1,000 idle connections")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of serve's runs to `FILE` (go tool pprof FILE)")
	flag.Parse()
	if _, err := exec.LookPath("h2load"); err != nil {
		fail("h2load not found: install it (Debian: apt-get install nghttp2-client; macOS: brew install nghttp2)")
	}
	dir, err := os.MkdirTemp("", "servebench")
	if err != nil {
		fail(err.Error())
	}
	defer os.RemoveAll(dir)

	simAddr, stop := startServe(dir)
	defer stop()
	bareAddr := startBare()
	jwt := providerToken(dir)
	body := filepath.Join(dir, "payload.json")
	os.WriteFile(body, []byte(`{"aps":{"alert":"Hello"}}`), 0o600)

	run := func(addr string, requests int) float64 {
		return h2load(addr, jwt, body, requests)
	}
	run(simAddr, 5000) // warm both up: TLS sessions, JIT-free but caches and pools
	run(bareAddr, 5000)
	// Each round runs both back to back; the median of the rounds' ratios
	// is reported, which a busy machine disturbs less than either rate.
	var ratios, sims, bares []float64
	for i := 0; i < *rounds; i++ {
		var sim float64
		if *cpuProfile != "" && i == 0 {
			f, err := os.Create(*cpuProfile)
			if err != nil {
				fail(err.Error())
			}
			pprof.StartCPUProfile(f)
			sim = run(simAddr, *n)
			pprof.StopCPUProfile()
			f.Close()
		} else {
			sim = run(simAddr, *n)
		}
		bare := run(bareAddr, *n)
		sims, bares, ratios = append(sims, sim), append(bares, bare), append(ratios, sim/bare)
		fmt.Printf("round %d: serve %6.0f req/s, bare x/net/http2 %6.0f req/s, ratio %.2fx\n", i+1, sim, bare, sim/bare)
	}
	fmt.Printf("median: serve %6.0f req/s, bare %6.0f req/s, ratio %.2fx (target >= 0.70x)\n", median(sims), median(bares), median(ratios))

	if *jsonLog > 0 {
		jsonLogBench(dir, jwt, body, *jsonLog)
	}
	if *idle {
		idleConnsBench()
	}
	if *memory {
		// A fresh process would be cleaner; in this one, RSS also holds the
		// bare responder (idle) and h2load's runs so far.
		sim2, stop2 := startServe(dir)
		defer stop2()
		run(sim2, 100000)
		r1 := rss()
		run(sim2, 200000)
		r2 := rss()
		fmt.Printf("RSS after 100k requests: %d MB, after 300k: %d MB (%+d MB, ×%.2f)\n", r1>>20, r2>>20, (r2-r1)>>20, float64(r2)/float64(r1))
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "bench/serve:", msg)
	os.Exit(1)
}

// startServe runs `serve` in this process, its log thrown away, and
// returns its address.
func startServe(dir string) (string, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		cli.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--dir", dir}, nil, pw, os.Stderr)
		pw.Close()
		close(done)
	}()
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`listening on https://(\S+) `)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
				break
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case a := <-addr:
		return a, func() { cancel(); <-done }
	case <-done:
		fail("serve did not start")
	case <-time.After(30 * time.Second):
		fail("serve did not start in 30 s")
	}
	return "", nil
}

// startBare runs the baseline: x/net/http2 on TLS answering 200 with an
// apns-id, nothing else.
func startBare() string {
	a, err := apnstest.NewAuthority()
	if err != nil {
		fail(err.Error())
	}
	cert, err := a.ServerCertificate()
	if err != nil {
		fail(err.Error())
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}})
	if err != nil {
		fail(err.Error())
	}
	//lint:ignore SA1019 the baseline is x/net/http2's server itself
	h2 := &http2.Server{MaxConcurrentStreams: 1000}
	var mu sync.Mutex
	var id uint64
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		id++
		n := id
		mu.Unlock()
		w.Header().Set("apns-id", fmt.Sprintf("00000000-0000-4000-8000-%012x", n))
		w.WriteHeader(http.StatusOK)
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				tc := c.(*tls.Conn)
				if tc.Handshake() != nil {
					tc.Close()
					return
				}
				//lint:ignore SA1019 the baseline is x/net/http2's server itself
				h2.ServeConn(tc, &http2.ServeConnOpts{Handler: handler})
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).String()
}

// h2load runs one h2load against addr's demo token and returns its
// requests per second, failing if any request was not answered 200.
func h2load(addr, jwt, body string, n int) float64 {
	v, err := measure.H2load([]string{"https://" + addr + "/3/device/" + apnstest.DemoToken}, jwt, body, n)
	if err != nil {
		fail(err.Error())
	}
	return v
}

func providerToken(dir string) string {
	jwt, err := measure.ProviderToken(dir)
	if err != nil {
		fail(err.Error())
	}
	return jwt
}

var median, rss = measure.Median, measure.RSS
