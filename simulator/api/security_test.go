package api

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestNonLoopbackNeedsAToken(t *testing.T) {
	s, _ := shared(t)
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", ":0"} {
		if err := New(s, Options{}).Listen(addr); err != ErrNeedsToken {
			t.Errorf("Listen(%s) without a token: %v, want ErrNeedsToken", addr, err)
		}
	}
	a := New(s, Options{Token: "s3cret"})
	if err := a.Listen("0.0.0.0:0"); err != nil {
		t.Fatalf("Listen(0.0.0.0:0) with a token: %v", err)
	}
	a.Close()
}

func TestTokenOnEveryRequest(t *testing.T) {
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("inbox")) })
	a := control(t, Options{Token: "s3cret", Page: page})
	var e apiError
	for _, path := range []string{"/api/v1/info", "/api/v1/notifications", "/api/v1/events", "/", "/api/v1/nothing"} {
		if st := call(t, a, "GET", path, "", &e); st != 401 {
			t.Errorf("GET %s without the token: %d", path, st)
		}
		if st := call(t, a, "GET", path, "", &e, "Authorization", "Bearer wrong"); st != 401 {
			t.Errorf("GET %s with a wrong token: %d", path, st)
		}
	}
	if st := call(t, a, "DELETE", "/api/v1/notifications", "", &e); st != 401 {
		t.Errorf("DELETE without the token: %d", st)
	}
	var in Info
	if st := call(t, a, "GET", "/api/v1/info", "", &in, "Authorization", "Bearer s3cret"); st != 200 {
		t.Errorf("with the token: %d", st)
	}
	// The page: ?token= sets a cookie, then the cookie is enough.
	jar := &cookieJar{}
	c := &http.Client{Jar: jar}
	resp, err := c.Get("http://" + a.Addr() + "/?token=s3cret")
	if err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 5)
	resp.Body.Read(body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "inbox" || resp.Request.URL.RawQuery != "" {
		t.Errorf("page with ?token=: %d %q at %s", resp.StatusCode, body, resp.Request.URL)
	}
	if ck := jar.cookies; len(ck) != 1 || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteStrictMode {
		t.Errorf("cookie %+v", jar.cookies)
	}
	resp, err = c.Get("http://" + a.Addr() + "/api/v1/info")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("API with the page's cookie: %d", resp.StatusCode)
	}
	// ?token= is only for the page: API calls carry the header.
	if st := call(t, a, "GET", "/api/v1/info?token=s3cret", "", &e); st != 401 {
		t.Errorf("API with ?token=: %d", st)
	}
}

type cookieJar struct{ cookies []*http.Cookie }

func (j *cookieJar) SetCookies(_ *url.URL, cs []*http.Cookie) { j.cookies = append(j.cookies, cs...) }
func (j *cookieJar) Cookies(*url.URL) []*http.Cookie          { return j.cookies }

func TestHostMustNameTheListener(t *testing.T) {
	a := control(t, Options{Hosts: []string{"apns-sim"}})
	port := a.Addr()[strings.LastIndex(a.Addr(), ":"):]
	var e apiError
	for host, want := range map[string]int{
		"127.0.0.1" + port:        200,
		"localhost" + port:        200,
		"LOCALHOST" + port:        200,
		"[::1]" + port:            200,
		"apns-sim" + port:         200,
		"evil.example" + port:     421, // DNS rebinding: a name that now points here
		"localhost:8025":          200, // a published port or a tunnel's
		"localhost":               200,
		"evil.example":            421,
		"127.0.0.1.nip.io" + port: 421,
	} {
		if st := call(t, a, "GET", "/api/v1/faults", "", &e, "Host", host); st != want {
			t.Errorf("Host %s: %d, want %d", host, st, want)
		}
	}
	// A request that carries the token proves it is no rebinding page.
	b := control(t, Options{Token: "s3cret"})
	if st := call(t, b, "GET", "/api/v1/faults", "", &e, "Host", "apns-sim:2198", "Authorization", "Bearer s3cret"); st != 200 {
		t.Errorf("a foreign Host with the token: %d", st)
	}
	// Health checks answer whatever the Host (probes send pod IPs).
	if st := call(t, b, "GET", "/readyz", "", &e, "Host", "10.0.0.7:2198"); st != 200 {
		t.Errorf("readyz: %d", st)
	}
}

func TestNoCrossSiteWrites(t *testing.T) {
	a := control(t, Options{})
	t.Cleanup(func() { a.s.SetFaults(nil) })
	var e apiError
	// A plain HTML form posts urlencoded or text/plain bodies.
	for _, ct := range []string{"application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"} {
		if st := call(t, a, "PUT", "/api/v1/faults", "", &e, "Content-Type", ct); st != 415 {
			t.Errorf("PUT with %s: %d, want 415", ct, st)
		}
	}
	// No route takes POST, a form's method.
	if st := call(t, a, "POST", "/api/v1/faults", `{"faults":["status=500"]}`, nil); st != 404 && st != 405 {
		t.Errorf("POST: %d, want 404 or 405", st)
	}
	for _, h := range [][]string{
		{"Origin", "https://evil.example"},
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"},
	} {
		if st := call(t, a, "DELETE", "/api/v1/notifications", "", &e, h...); st != 403 {
			t.Errorf("DELETE with %s: %s: %d, want 403", h[0], h[1], st)
		}
		if st := call(t, a, "PUT", "/api/v1/faults", `{"faults":["status=500"]}`, &e, h...); st != 403 {
			t.Errorf("PUT with %s: %s: %d, want 403", h[0], h[1], st)
		}
	}
	if len(a.s.Faults()) != 0 {
		t.Error("a refused request changed the faults")
	}
	// The same page (its own origin) may change things.
	var f faultsAnswer
	if st := call(t, a, "PUT", "/api/v1/faults", `{"faults":[]}`, &f, "Origin", "http://"+a.Addr(), "Sec-Fetch-Site", "same-origin"); st != 200 {
		t.Errorf("same-origin PUT: %d", st)
	}
	// No CORS: a preflight gets no Access-Control-Allow-* and fails.
	req, _ := http.NewRequest("OPTIONS", "http://"+a.Addr()+"/api/v1/faults", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Access-Control-Request-Method", "PUT")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for k := range resp.Header {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Errorf("a CORS header: %s", k)
		}
	}
	if resp.StatusCode/100 == 2 {
		t.Errorf("preflight answered %d", resp.StatusCode)
	}
}

// TestTheAPNsPortServesNoAPI: the control API is only on its own
// listener; the APNs port answers its paths as APNs would (a GET is
// 405 MethodNotAllowed, a path not /3/device/ 404 BadPath).
func TestTheAPNsPortServesNoAPI(t *testing.T) {
	s, c := shared(t)
	for _, path := range []string{"/api/v1/info", "/api/v1/notifications", "/readyz"} {
		resp, err := c.Get("https://" + s.Addr + path)
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 200)
		n, _ := resp.Body.Read(b)
		resp.Body.Close()
		body := string(b[:n])
		if resp.StatusCode != 404 && resp.StatusCode != 405 || !strings.HasPrefix(body, `{"reason":"`) {
			t.Errorf("GET %s on the APNs port: %d %s", path, resp.StatusCode, body)
		}
	}
}
