// Package measure holds what make bench's programs share: h2load runs
// against the simulator's demo topic, the demo provider token, medians
// and this process's resident memory.
package measure

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// Median is the middle value of v (the upper one of an even count).
func Median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// RSS is this process's resident set size in bytes, after a collection
// (0 where /proc is missing).
func RSS() int64 {
	runtime.GC()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// ProviderToken signs a JWT with the demo .p8 serve wrote to dir.
func ProviderToken(dir string) (string, error) {
	cred, err := credential.LoadP8(filepath.Join(dir, apnstest.FileDemoP8), apnstest.DemoKeyID, apnstest.DemoTeamID)
	if err != nil {
		return "", err
	}
	return credential.SignProviderToken(cred, time.Now())
}

var (
	reqPerSec  = regexp.MustCompile(`finished in [^,]+, ([0-9.]+) req/s`)
	statusLine = regexp.MustCompile(`status codes: (\d+) 2xx`)
)

// H2load runs one h2load (2 connections × 100 streams, n requests of body
// with the provider token jwt to the demo topic) over uris in turn, and
// returns its requests per second; an error when any request was not
// answered 2xx.
func H2load(uris []string, jwt, body string, n int) (float64, error) {
	args := []string{"-n", strconv.Itoa(n), "-c", "2", "-m", "100",
		"-d", body, "-H", "authorization: bearer " + jwt, "-H", "apns-topic: " + apnstest.DemoBundleID}
	out, err := exec.Command("h2load", append(args, uris...)...).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("h2load: %v\n%s", err, out)
	}
	m := reqPerSec.FindSubmatch(out)
	s := statusLine.FindSubmatch(out)
	if m == nil || s == nil {
		return 0, fmt.Errorf("cannot read h2load's output:\n%s", out)
	}
	if ok, _ := strconv.Atoi(string(s[1])); ok != n {
		return 0, fmt.Errorf("only %d of %d requests answered 2xx (h2load %s):\n%s", ok, n, strings.Join(uris, " "), out)
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v, nil
}
