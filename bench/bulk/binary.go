package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"apnsconsole/sender/apnstest"
)

// packScript is the baseline: the 2009 article's packing with struct.pack,
// every notification written on one TLS connection, then the same 0.5 s
// wait for an error response as the CLI's.
const packScript = `
import socket, ssl, struct, sys
host, port, ca, cert, key, tokens, payload = sys.argv[1:8]
ctx = ssl.create_default_context(cafile=ca)
ctx.load_cert_chain(cert, key)
s = ctx.wrap_socket(socket.create_connection((host, int(port))), server_hostname=host)
p = payload.encode()
n = 0
for line in open(tokens):
    token = bytes.fromhex(line.strip())
    s.sendall(struct.pack("!cH32sH%ds" % len(p), b'\x00', 32, token, len(p), p))
    n += 1
s.settimeout(0.5)
try:
    answer = s.recv(6)
except socket.timeout:
    answer = b''
if answer:
    sys.exit("error response: " + answer.hex())
print(n)
`

// benchBinary streams n simple-format notifications to the local binary
// gateway from the CLI and from the Python script, rounds times each, and
// compares the best rates.
func benchBinary(bin, dir string, n, rounds int) error {
	g := apnstest.NewGateway(nil, nil)
	defer g.Close()
	gdir := filepath.Join(dir, "gateway")
	if err := os.MkdirAll(gdir, 0o700); err != nil {
		return err
	}
	if err := g.Demo.WriteFiles(gdir, g.Authority); err != nil {
		return err
	}
	tokens := filepath.Join(dir, "binary-tokens.txt")
	if err := writeTokens(tokens, n); err != nil {
		return err
	}
	script := filepath.Join(dir, "pack.py")
	if err := os.WriteFile(script, []byte(packScript), 0o600); err != nil {
		return err
	}
	ca := filepath.Join(gdir, apnstest.FileCA)
	cert := filepath.Join(gdir, apnstest.FileDemoCert)
	key := filepath.Join(gdir, apnstest.FileDemoKey)
	payload := `{"aps":{"alert":"bench"}}`
	host, port, _ := strings.Cut(g.Addr, ":")
	var bestPy, bestCLI float64
	var ratios []float64
	for i := range rounds {
		start := time.Now()
		out, err := exec.Command("python3", script, host, port, ca, cert, key, tokens, payload).CombinedOutput()
		if err != nil {
			return fmt.Errorf("python3: %v\n%s", err, out)
		}
		if got := strings.TrimSpace(string(out)); got != strconv.Itoa(n) {
			return fmt.Errorf("the Python script wrote %s notifications, want %d", got, n)
		}
		py := float64(n) / time.Since(start).Seconds()

		start = time.Now()
		cmd := exec.Command(bin, "send", "--protocol", "binary", "--format", "simple", "--host", g.Addr, "--ca", ca,
			"--cert", cert, "--key", key, "--tokens", tokens, "--payload", payload, "--json")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			return err
		}
		lines, taken := 0, 0
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines++
			if strings.Contains(sc.Text(), `"status":200`) {
				taken++
			}
		}
		if err := cmd.Wait(); err != nil {
			return fmt.Errorf("apns-console --protocol binary: %v\n%s", err, stderr.String())
		}
		if lines != n || taken != n {
			return fmt.Errorf("apns-console --protocol binary printed %d results, %d taken, for %d tokens", lines, taken, n)
		}
		cli := float64(n) / time.Since(start).Seconds()
		fmt.Printf("  round %d: Python struct.pack %.0f/s, apns-console --protocol binary %.0f/s (%.2fx)\n", i+1, py, cli, cli/py)
		bestPy, bestCLI = max(bestPy, py), max(bestCLI, cli)
		ratios = append(ratios, cli/py)
	}
	slices.Sort(ratios)
	fmt.Printf("Binary protocol, %d simple-format notifications on one TLS connection, 0.5 s error wait: apns-console %.0f/s vs Python %.0f/s = %.2fx best against best, %.2fx median of the rounds (target >= 1.0x)\n",
		n, bestCLI, bestPy, bestCLI/bestPy, ratios[len(ratios)/2])
	return nil
}
