// Command api (make bench) measures the simulator's control plane
// (serve --api, package simulator/api), each number beside a baseline of
// the same run:
//   - throughput: h2load against serve with the API, two event streams
//     (/api/v1/events, what the inbox page reads) being read, as a ratio of
//     serve without the API (median of rounds; target >= 0.9x);
//   - queries with 100,000 notifications kept (--keep 100000, 1,000
//     tokens, 600-byte payloads): a token: query and a free-text query
//     through the API, against their budgets (20 ms, 200 ms);
//   - wait: how long after the client has its answer the waiting
//     /api/v1/notifications/wait returns (budget 10 ms);
//   - memory: RSS after filling --keep, and after twice as many more.
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"apnsconsole/bench/internal/measure"
	"apnsconsole/cli"
	"apnsconsole/sender/apnstest"
)

func main() {
	n := flag.Int("n", 50000, "requests per throughput run")
	rounds := flag.Int("rounds", 5, "throughput rounds, each running both servers back to back")
	keep := flag.Int("keep", 100000, "notifications kept for the query timings")
	streams := flag.Int("streams", 2, "event streams read during the throughput runs")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the runs with the API to `FILE`")
	flag.Parse()
	if *keep <= 0 || *keep%2000 != 0 {
		// The queries expect each of 1,000 tokens kept keep/1,000 times:
		// h2load's 2 clients each cycle through the 1,000 URIs.
		fail(fmt.Sprintf("-keep %d: give a multiple of 2,000 (1,000 tokens × h2load's 2 clients)", *keep))
	}
	if _, err := exec.LookPath("h2load"); err != nil {
		fail("h2load not found: install it (Debian: apt-get install nghttp2-client; macOS: brew install nghttp2)")
	}
	dir, err := os.MkdirTemp("", "apibench")
	if err != nil {
		fail(err.Error())
	}
	defer os.RemoveAll(dir)

	// Throughput, with and without the control plane.
	plain := startServe(dir, "--keep", "10000")
	defer plain.stop()
	withAPI := startServe(dir, "--keep", "10000", "--api", "127.0.0.1:0")
	defer withAPI.stop()
	jwt := providerToken(dir)
	small := filepath.Join(dir, "small.json")
	os.WriteFile(small, []byte(`{"aps":{"alert":"Hello"}}`), 0o600)
	one := []string{"https://" + plain.addr + "/3/device/" + apnstest.DemoToken}
	oneAPI := []string{"https://" + withAPI.addr + "/3/device/" + apnstest.DemoToken}
	events := make([]*stream, *streams)
	for i := range events {
		events[i] = follow(withAPI.api)
		defer events[i].close()
	}
	h2load(one, jwt, small, 5000)
	h2load(oneAPI, jwt, small, 5000)
	var ratios, withs, withouts, cpuRatios []float64
	// CPU time per request of this process (both servers run in it, one at
	// a time): on a busy shared machine it varies far less than req/s.
	measure := func(uris []string) (rate, cpuPerReq float64) {
		runtime.GC()
		before := cpuTime()
		rate = h2load(uris, jwt, small, *n)
		return rate, float64(cpuTime()-before) / float64(*n)
	}
	for i := 0; i < *rounds; i++ {
		// Alternate which runs first: the second of a pair runs with the
		// first's garbage still to collect.
		var without, with, cpuWithout, cpuWith float64
		if i%2 == 0 {
			without, cpuWithout = measure(one)
		}
		if *cpuProfile != "" && i == 0 {
			f, err := os.Create(*cpuProfile)
			if err != nil {
				fail(err.Error())
			}
			pprof.StartCPUProfile(f)
			defer f.Close()
		}
		with, cpuWith = measure(oneAPI)
		if *cpuProfile != "" && i == 0 {
			pprof.StopCPUProfile()
		}
		if i%2 == 1 {
			without, cpuWithout = measure(one)
		}
		cpuRatios = append(cpuRatios, cpuWithout/cpuWith)
		withs, withouts, ratios = append(withs, with), append(withouts, without), append(ratios, with/without)
		fmt.Printf("round %d: serve with the API and %d event streams %6.0f req/s, without %6.0f req/s, ratio %.2fx; CPU per request %.1f µs with, %.1f µs without, ratio %.2fx\n",
			i+1, len(events), with, without, with/without, cpuWith/1e3, cpuWithout/1e3, cpuWithout/cpuWith)
	}
	var in struct {
		Subscribers   int
		EventsDropped uint64 `json:"events_dropped"`
		Counts        struct{ Requests uint64 }
	}
	getJSON(withAPI.api+"/api/v1/info", &in)
	fmt.Printf("median: with %6.0f req/s, without %6.0f req/s, ratio %.2fx; CPU per request ratio (without/with) %.2fx (target >= 0.90x); %d streams open, %d of %d events lost to slow reading (a slow reader loses, never slows)\n",
		median(withs), median(withouts), median(ratios), median(cpuRatios), in.Subscribers, in.EventsDropped, uint64(len(events))*in.Counts.Requests)
	plain.stop()
	withAPI.stop()

	// Queries with keep notifications kept.
	big := startServe(dir, "--keep", strconv.Itoa(*keep), "--api", "127.0.0.1:0")
	defer big.stop()
	payload := filepath.Join(dir, "payload.json")
	os.WriteFile(payload, []byte(`{"aps":{"alert":{"title":"Your order has shipped","body":"`+strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 9)+`"},"sound":"default","badge":1},"order":{"id":"A-1234567","items":3}}`), 0o600)
	var uris []string
	for i := 0; i < 1000; i++ {
		uris = append(uris, fmt.Sprintf("https://%s/3/device/%064x", big.addr, i+1))
	}
	h2load(uris, jwt, payload, *keep)
	r1, h1 := rss(), heap()
	tok := fmt.Sprintf("%064x", 500)
	tokenMS := timeQuery(big.api, "token:"+tok, 21, *keep/1000)
	textMS := timeQuery(big.api, `"no such words"`, 11, 0)
	bothMS := timeQuery(big.api, `shipped -status:410`, 11, *keep)
	fmt.Printf("%d kept: token: query %.2f ms (%.3fx the 20 ms budget), free text (no match, every payload read) %.1f ms (%.3fx the 200 ms budget), free text matching all %.1f ms\n",
		*keep, tokenMS, tokenMS/20, textMS, textMS/200, bothMS)

	// wait: from the client's answer to the wait's.
	var lags []float64
	send := sender(dir, big.addr, jwt)
	for i := 0; i < 30; i++ {
		tok := fmt.Sprintf("%064x", 1_000_000+i)
		done := make(chan time.Time, 1)
		go func() {
			getJSON(big.api + "/api/v1/notifications/wait?count=1&timeout=10s&query=token:" + tok)
			done <- time.Now()
		}()
		for waiting(big.api) == 0 {
			time.Sleep(time.Millisecond)
		}
		answered := send(tok)
		lags = append(lags, float64((<-done).Sub(answered))/1e6)
	}
	slices.Sort(lags)
	fmt.Printf("wait returned %.2f ms (median), %.2f ms (max) after the client had its answer (%.2fx the 10 ms budget at the max)\n",
		median(lags), lags[len(lags)-1], lags[len(lags)-1]/10)

	h2load(uris, jwt, payload, 2**keep)
	r2, h2 := rss(), heap()
	fmt.Printf("with --keep %d full: live heap %d MB, RSS %d MB; after %d more: live heap %d MB (x%.2f), RSS %d MB (x%.2f): bounded by --keep\n",
		*keep, h1>>20, r1>>20, 2**keep, h2>>20, float64(h2)/float64(h1), r2>>20, float64(r2)/float64(r1))
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "bench/api:", msg)
	os.Exit(1)
}

type served struct {
	addr, api string
	stop      func()
}

// startServe runs `serve` in this process with args, its log thrown away.
func startServe(dir string, args ...string) served {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		cli.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--dir", dir}, args...), nil, pw, os.Stderr)
		pw.Close()
		close(done)
	}()
	wantAPI := slices.Contains(args, "--api")
	ready := make(chan served, 1)
	go func() {
		apnsRE := regexp.MustCompile(`listening on https://(\S+) `)
		apiRE := regexp.MustCompile(`^Control API on (http://\S+) `)
		var s served
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := apnsRE.FindStringSubmatch(sc.Text()); m != nil {
				s.addr = m[1]
			}
			if m := apiRE.FindStringSubmatch(sc.Text()); m != nil {
				s.api = m[1]
			}
			if strings.HasPrefix(sc.Text(), "Press Ctrl+C") {
				break
			}
		}
		ready <- s
		io.Copy(io.Discard, pr)
	}()
	select {
	case s := <-ready:
		if s.addr == "" || wantAPI && s.api == "" {
			fail("serve did not say where it listens")
		}
		stopped := false
		s.stop = func() {
			if !stopped {
				stopped = true
				cancel()
				<-done
			}
		}
		return s
	case <-done:
		fail("serve did not start")
	case <-time.After(30 * time.Second):
		fail("serve did not start in 30 s")
	}
	return served{}
}

// stream is an event stream read by another process (curl, as a browser
// tab is another process), so that reading it costs the simulator's
// process nothing but the writing.
type stream struct{ cmd *exec.Cmd }

func follow(api string) *stream {
	cmd := exec.Command("curl", "-sN", "-o", "/dev/null", api+"/api/v1/events")
	if err := cmd.Start(); err != nil {
		fail("curl for the event stream: " + err.Error())
	}
	return &stream{cmd: cmd}
}

func (s *stream) close() {
	s.cmd.Process.Kill()
	s.cmd.Wait()
}

// timeQuery is the median time of runs GET /api/v1/notifications?query=q,
// checking the total.
func timeQuery(api, q string, runs, wantTotal int) float64 {
	var ms []float64
	for i := 0; i < runs; i++ {
		start := time.Now()
		var p struct{ Total int }
		getJSON(api+"/api/v1/notifications?limit=50&query="+url.QueryEscape(q), &p)
		ms = append(ms, float64(time.Since(start))/1e6)
		if p.Total != wantTotal {
			fail(fmt.Sprintf("query %s: total %d, want %d", q, p.Total, wantTotal))
		}
	}
	return median(ms)
}

func getJSON(u string, out ...any) {
	resp, err := http.Get(u)
	if err != nil {
		fail(err.Error())
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		fail(fmt.Sprintf("GET %s: %d %s", u, resp.StatusCode, b))
	}
	if len(out) > 0 {
		json.Unmarshal(b, out[0])
	}
}

func waiting(api string) int {
	var in struct{ Waiting int }
	getJSON(api+"/api/v1/info", &in)
	return in.Waiting
}

// sender returns a function that sends one notification for a token over
// one HTTP/2 connection and returns when its answer arrived.
func sender(dir, addr, jwt string) func(token string) time.Time {
	ca, err := os.ReadFile(filepath.Join(dir, apnstest.FileCA))
	if err != nil {
		fail(err.Error())
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	var h2 http.Protocols
	h2.SetHTTP2(true)
	c := &http.Client{Transport: &http.Transport{Protocols: &h2, ForceAttemptHTTP2: true, TLSClientConfig: &tls.Config{RootCAs: pool}}}
	return func(token string) time.Time {
		req, _ := http.NewRequest("POST", "https://"+addr+"/3/device/"+token, strings.NewReader(`{"aps":{"alert":"wait for me"}}`))
		req.Header.Set("authorization", "bearer "+jwt)
		req.Header.Set("apns-topic", apnstest.DemoBundleID)
		resp, err := c.Do(req)
		if err != nil {
			fail(err.Error())
		}
		at := time.Now()
		resp.Body.Close()
		if resp.StatusCode != 200 {
			fail(fmt.Sprintf("send: %d", resp.StatusCode))
		}
		return at
	}
}

// heap is the live heap after a collection, in bytes.
func heap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// cpuTime is the user and system CPU time this process has used, in ns.
func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// h2load runs one h2load over uris (in turn) and returns its requests per
// second, failing if any request was not answered 200.
func h2load(uris []string, jwt, body string, n int) float64 {
	v, err := measure.H2load(uris, jwt, body, n)
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
