package cli

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestServeAPIBeyondLoopbackNeedsAToken: --api on every interface without
// --api-token is refused before any file is written.
func TestServeAPIBeyondLoopbackNeedsAToken(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := cli(t, "", "serve", "--addr", "127.0.0.1:0", "--dir", dir, "--api", "0.0.0.0:0")
	if code != exitFailure || !strings.Contains(errOut, "--api-token") || !strings.Contains(errOut, "APNS_SIM_API_TOKEN") {
		t.Errorf("exit %d, want 2 naming --api-token\n%s\n%s", code, out, errOut)
	}
	if len(snapshot(t, dir)) != 0 {
		t.Error("the refused serve wrote files")
	}
}

// TestServeAPIFromTheEnvironment: a CI service container sets
// APNS_SIM_API and APNS_SIM_API_TOKEN, not flags; the banner says where
// the API is, and the token is required, never printed.
func TestServeAPIFromTheEnvironment(t *testing.T) {
	t.Setenv(envAPI, "127.0.0.1:0")
	t.Setenv(envAPIToken, "ci-secret-123")
	s := startServe(t, "--addr", "127.0.0.1:0", "--dir", t.TempDir())
	defer s.wait()
	m := regexp.MustCompile(`Control API on (http://127\.0\.0\.1:\d+) `).FindStringSubmatch(s.out.String())
	if m == nil {
		t.Fatalf("no API line in the banner:\n%s", s.out)
	}
	if strings.Contains(s.out.String()+s.errOut.String(), "ci-secret-123") {
		t.Error("the banner printed the API token")
	}
	get := func(auth string) int {
		req, _ := http.NewRequest("GET", m[1]+"/api/v1/info", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := get(""); st != 401 {
		t.Errorf("without the token: %d", st)
	}
	if st := get("Bearer ci-secret-123"); st != 200 {
		t.Errorf("with the token: %d", st)
	}
}
