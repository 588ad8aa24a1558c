package cli

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestServeMountsTheInbox: serve --api serves the web inbox at / and says
// where, and its lock-screen rendering of a notification it answered.
func TestServeMountsTheInbox(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, "--addr", "127.0.0.1:0", "--dir", dir, "--api", "127.0.0.1:0")
	defer s.wait()
	m := regexp.MustCompile(`Web inbox: (http://127\.0\.0\.1:\d+/)`).FindStringSubmatch(s.out.String())
	if m == nil {
		t.Fatalf("serve did not say where the inbox is:\n%s", s.out)
	}
	get := func(url string) (int, string) {
		t.Helper()
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := get(m[1]); code != 200 || !strings.Contains(body, "APNs simulator inbox") {
		t.Errorf("GET %s: %d\n%.300s", m[1], code, body)
	}
	code, out, errOut := sendVia(t, s.addr, dir, "--topic", "com.example.app", "--title", "Hello", "--alert", "from the CLI")
	if code != exitOK {
		t.Fatalf("send: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, body := get(m[1] + "inbox/preview/latest"); code != 404 {
		t.Errorf("preview of \"latest\" (not an apns-id): %d %s", code, body)
	}
	id := regexp.MustCompile(`(?i)apns-id[ :]+([0-9a-f-]{36})`).FindStringSubmatch(out + errOut)
	if id == nil {
		t.Fatalf("no apns-id in send's output:\n%s\n%s", out, errOut)
	}
	if code, body := get(m[1] + "inbox/preview/" + id[1]); code != 200 || !strings.Contains(body, `"title":"Hello"`) || !strings.Contains(body, `"app":"App"`) {
		t.Errorf("preview of %s: %d %s", id[1], code, body)
	}
}
