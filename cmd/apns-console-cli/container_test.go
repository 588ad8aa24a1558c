package main_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// buildCLI builds the static apns-console-cli (CGO_ENABLED=0, as the
// image does) once for the tests of this file.
func buildCLI(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		goBin, err := exec.LookPath("go")
		if err != nil {
			buildErr = fmt.Errorf("no go command on PATH to build the binary: %v", err)
			return
		}
		if buildDir, buildErr = os.MkdirTemp("", "apns-console-cli-test"); buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "apns-console-cli")
		cmd := exec.Command(goBin, "build", "-o", builtBin, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("CGO_ENABLED=0 go build ./cmd/apns-console-cli: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// freePort is a loopback port nothing listens on (now).
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// syncBuf collects a process's output for the test to read while it runs.
type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs the real binary's serve with the control API, and
// returns once /readyz answers 200, with how long that took from the
// process's start.
func startServe(t *testing.T, bin, dir string, extra ...string) (apns, api string, out *syncBuf, ready time.Duration) {
	t.Helper()
	apns, api = freePort(t), freePort(t)
	args := append([]string{"serve", "--addr", apns, "--api", api, "--dir", dir}, extra...)
	cmd := exec.Command(bin, args...)
	out = &syncBuf{}
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	client := &http.Client{Timeout: time.Second}
	for deadline := start.Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		res, err := client.Get("http://" + api + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				ready = time.Since(start)
				// Ready means the files are there for a backend to trust.
				for _, f := range []string{"ca.pem", "demo-cert.pem", "demo-key.pem", "manifest.json"} {
					if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
						t.Errorf("/readyz answered 200 before %s was written: %v", f, err)
					}
				}
				return apns, api, out, ready
			}
		}
		if cmd.ProcessState != nil {
			break
		}
	}
	t.Fatalf("serve %v was not ready within 20 s:\n%s", args, out)
	return
}

// needCurl skips unless sh and a curl with HTTP/2 are here.
func needCurl(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh to run examples/backend/test.sh")
	}
	v, err := exec.Command("curl", "-V").Output()
	if err != nil || !strings.Contains(string(v), "HTTP2") {
		t.Skip("examples/backend/test.sh needs curl with HTTP/2 (Debian: apt-get install curl; make deps-test does)")
	}
}

// TestComposeBackendAgainstTheRealBinary runs the docker-compose example's
// backend (POSIX sh + curl, examples/backend/test.sh, configured by
// environment as a container is) against the static binary, without
// Docker (TestBackendInAnotherLanguage runs testdata/backend.sh, the
// API's own checks): it sends, asserts through wait, unregisters the
// token through the API and sees its 410. It logs how long serve took
// from its start to the first /readyz 200.
func TestComposeBackendAgainstTheRealBinary(t *testing.T) {
	needCurl(t)
	bin := buildCLI(t)
	dir := t.TempDir()
	apns, api, serveOut, ready := startServe(t, bin, dir, "--san", "apns")
	t.Logf("serve: first /readyz 200 %v after the process started (first start: makes the CA and demo keys)", ready.Round(time.Millisecond))

	script, err := filepath.Abs("../../examples/backend/test.sh")
	if err != nil {
		t.Fatal(err)
	}
	run := func(env ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "sh", script)
		cmd.Env = append(os.Environ(), append([]string{"APNS=https://" + apns, "API=http://" + api, "SIM_DIR=" + dir}, env...)...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run()
	if err != nil || !strings.HasSuffix(strings.TrimSpace(out), "PASS") {
		t.Fatalf("the backend script failed (%v):\n%s\nserve:\n%s", err, out, serveOut)
	}
	if !strings.Contains(out, "unregistered: 410") {
		t.Errorf("the script did not see its 410:\n%s", out)
	}
	log := serveOut.String()
	if !strings.Contains(log, "→ 200") || !strings.Contains(log, "→ 410 Unregistered") {
		t.Errorf("serve's log lacks the 200 and the 410:\n%s", log)
	}

	// The script fails when the simulator does not answer as it should:
	// the wrong API token, say.
	t.Run("fails when it should", func(t *testing.T) {
		tokDir := t.TempDir()
		apns2, api2, _, _ := startServe(t, bin, tokDir, "--api-token", "right")
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "sh", script)
		cmd.Env = append(os.Environ(), "APNS=https://"+apns2, "API=http://"+api2, "SIM_DIR="+tokDir, "APNS_SIM_API_TOKEN=wrong")
		b, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(b), "FAIL: resetting") {
			t.Errorf("with the wrong API token the script did not fail at once (%v):\n%s", err, b)
		}
		cmd = exec.CommandContext(ctx, "sh", script)
		cmd.Env = append(os.Environ(), "APNS=https://"+apns2, "API=http://"+api2, "SIM_DIR="+tokDir, "APNS_SIM_API_TOKEN=right")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("with the right API token: %v\n%s", err, b)
		}
	})

	// A restart of the same --dir reuses the files: readiness again.
	_, _, _, again := startServe(t, bin, dir)
	t.Logf("serve: first /readyz 200 %v after a restart reusing --dir", again.Round(time.Millisecond))
}

// TestHealthCommand: `health` exits 0 against a ready serve, 1 where
// nothing answers (what HEALTHCHECK needs in an image without curl).
func TestHealthCommand(t *testing.T) {
	bin := buildCLI(t)
	_, api, _, _ := startServe(t, bin, t.TempDir())
	if out, err := exec.Command(bin, "health", "--addr", api).CombinedOutput(); err != nil || !strings.Contains(string(out), "ready") {
		t.Errorf("health against a ready serve: %v %s", err, out)
	}
	nobody := freePort(t)
	err := exec.Command(bin, "health", "-q", "--addr", nobody).Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("health where nothing listens: %v, want exit 1", err)
	}
	cmd := exec.Command(bin, "health", "-q")
	cmd.Env = append(os.Environ(), "APNS_SIM_HEALTH_ADDR="+api)
	if err := cmd.Run(); err != nil {
		t.Errorf("health with APNS_SIM_HEALTH_ADDR: %v", err)
	}
}

// dockerUsable reports why Docker cannot be used here, or "".
func dockerUsable() string {
	if _, err := exec.LookPath("docker"); err != nil {
		return "Docker is absent (command -v docker finds nothing)"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := exec.CommandContext(ctx, "docker", "info").Run(); err != nil {
		return "Docker's daemon does not answer (docker info: " + err.Error() + ")"
	}
	if err := exec.CommandContext(ctx, "docker", "compose", "version").Run(); err != nil {
		return "docker compose is missing"
	}
	return ""
}

// TestDockerCompose builds the image and runs examples/docker-compose.yml:
// the backend container's script must pass against the simulator's
// container, and the image must be at most 25 MB. It needs Docker, and
// builds an image (minutes on a cold cache), so it runs only with
// APNS_DOCKER_TEST=1 (make docker-test).
func TestDockerCompose(t *testing.T) {
	if why := dockerUsable(); why != "" {
		t.Skip(why + ": the docker-compose example is not run (TestComposeBackendAgainstTheRealBinary runs its script against the binary)")
	}
	if os.Getenv("APNS_DOCKER_TEST") != "1" {
		t.Skip("Docker is here, but building the image takes minutes: run make docker-test (APNS_DOCKER_TEST=1) to build it and run the docker-compose example")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	compose := func(args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, "docker", append([]string{"compose", "-f", "../../examples/docker-compose.yml", "-p", "apnssimtest"}, args...)...)
		return cmd
	}
	defer compose("down", "-v", "--remove-orphans").Run()
	cmd := compose("up", "--build", "--abort-on-container-exit", "--exit-code-from", "backend")
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	var lines []string
	done := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		close(done)
	}()
	err := cmd.Run()
	pw.Close()
	<-done
	all := strings.Join(lines, "\n")
	if err != nil || !strings.Contains(all, "PASS") {
		t.Fatalf("docker compose up: %v\n%s", err, all)
	}
	size, err := exec.CommandContext(ctx, "docker", "image", "inspect", "--format", "{{.Size}}", "apns-console-sim").Output()
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	fmt.Sscan(strings.TrimSpace(string(size)), &n)
	t.Logf("image apns-console-sim: %.1f MB", float64(n)/1e6)
	if n > 25e6 {
		t.Errorf("the image is %.1f MB, more than 25 MB", float64(n)/1e6)
	}
}
