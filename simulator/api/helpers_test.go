package api

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"apnsconsole/simulator"
)

// One simulator for the package's tests: its keys are slow to make. Each
// test uses tokens of its own, as parallel CI tests would.
var (
	simOnce sync.Once
	sim     *simulator.Server
	apns    *http.Client
)

func shared(t *testing.T) (*simulator.Server, *http.Client) {
	t.Helper()
	simOnce.Do(func() {
		sim = simulator.NewServer()
		cert, err := tls.X509KeyPair(sim.Demo.Cert.CertPEM, sim.Demo.Cert.KeyPEM)
		if err != nil {
			panic(err)
		}
		var h2 http.Protocols
		h2.SetHTTP2(true)
		apns = &http.Client{Transport: &http.Transport{Protocols: &h2, ForceAttemptHTTP2: true, TLSClientConfig: &tls.Config{
			RootCAs: sim.Authority.Pool(), Certificates: []tls.Certificate{cert}}}}
	})
	return sim, apns
}

func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// push sends a notification for token to the shared simulator and returns
// the status and body.
func push(t *testing.T, token, topic, payload string) (int, string) {
	t.Helper()
	s, c := shared(t)
	req, _ := http.NewRequest("POST", "https://"+s.Addr+"/3/device/"+token, strings.NewReader(payload))
	if topic != "" {
		req.Header.Set("apns-topic", topic)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// control is an API on a loopback listener for the shared simulator.
func control(t *testing.T, opt Options) *API {
	t.Helper()
	s, _ := shared(t)
	a := New(s, opt)
	if err := a.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// call makes a request to the API and decodes a JSON answer into out
// (when not nil); it returns the status.
func call(t *testing.T, a *API, method, path, body string, out any, header ...string) int {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, "http://"+a.Addr()+path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode
}

var _ = httptest.NewRecorder
