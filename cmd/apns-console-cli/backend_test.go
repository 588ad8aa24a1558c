package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBackendInAnotherLanguage builds this binary as a static one
// (CGO_ENABLED=0), runs `serve --api` with a token from the environment,
// and runs testdata/backend.sh: curl sends over HTTP/2, asserts through
// the API's wait, unregisters the token through the API and sees its 410.
func TestBackendInAnotherLanguage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	for _, tool := range []string{"curl", "sh", "od"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (make test installs curl): %v", tool, err)
		}
	}
	if out, err := exec.Command("curl", "-V").Output(); err != nil || !strings.Contains(string(out), "HTTP2") {
		t.Skip("this curl has no HTTP/2")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "apns-console-cli")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	began := time.Now()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built in %s", time.Since(began))

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	certs := filepath.Join(dir, "sim")
	serve := exec.CommandContext(ctx, bin, "serve", "--dir", certs, "--addr", "127.0.0.1:0")
	serve.Env = append(os.Environ(), "APNS_SIM_API=127.0.0.1:0", "APNS_SIM_API_TOKEN=t0ken-for-ci")
	stdout, _ := serve.StdoutPipe()
	var stderr strings.Builder
	serve.Stderr = &stderr
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer serve.Process.Kill()

	var apnsURL, apiURL string
	lines := bufio.NewScanner(stdout)
	apnsLine := regexp.MustCompile(`listening on (https://127\.0\.0\.1:\d+)`)
	apiLine := regexp.MustCompile(`^Control API on (http://127\.0\.0\.1:\d+)`)
	for lines.Scan() {
		line := lines.Text()
		if m := apnsLine.FindStringSubmatch(line); m != nil {
			apnsURL = m[1]
		}
		if m := apiLine.FindStringSubmatch(line); m != nil {
			apiURL = m[1]
		}
		if strings.HasPrefix(line, "Press Ctrl+C") {
			break
		}
	}
	if apnsURL == "" || apiURL == "" {
		t.Fatalf("serve did not say where it listens (APNs %q, API %q); stderr:\n%s", apnsURL, apiURL, stderr.String())
	}
	go func() { // keep draining the request log
		for lines.Scan() {
		}
	}()

	// Without the token the API refuses.
	if out, _ := exec.CommandContext(ctx, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", apiURL+"/api/v1/info").Output(); string(out) != "401" {
		t.Errorf("the API without its token answered %s, want 401", out)
	}
	script := exec.CommandContext(ctx, "sh", "testdata/backend.sh", apnsURL, apiURL, certs)
	script.Env = append(os.Environ(), "API_TOKEN=t0ken-for-ci")
	out, err := script.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "backend: ok") {
		t.Fatalf("backend.sh: %v\n%s", err, out)
	}

	t.Logf("backend.sh done at %s", time.Since(began))
	serve.Process.Signal(syscall.SIGINT)
	if err := serve.Wait(); err != nil {
		t.Errorf("serve after Ctrl+C: %v\n%s", err, stderr.String())
	}
	t.Logf("serve stopped at %s", time.Since(began))
}
