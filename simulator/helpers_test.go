//lint:file-ignore SA1019 x/net/http2's client is what sideshow/apns2 and most Go APNs clients use: the simulator is tested against it

package simulator

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/net/http2"

	"apnsconsole/sender/credential"
)

// fixture is the key material every test shares: RSA keys for push
// certificates are slow to make, so they are made once, in parallel.
type fixture struct {
	authority *Authority
	demo      *Demo
	other     *SigningKey // a second key of the demo team
	otherTeam *SigningKey // a key of another team
	prodKey   *SigningKey // a demo-team key restricted to production

	production *PushCert // production marker only
	foreign    *PushCert // issued by another authority
	expired    *PushCert // expired yesterday
	notPush    *PushCert // no environment marker
	single     *PushCert // a single topic, sandbox only
}

var (
	fixtureOnce sync.Once
	shared      *fixture
	fixtureErr  error
)

func getFixture(t *testing.T) *fixture {
	t.Helper()
	fixtureOnce.Do(func() { shared, fixtureErr = newFixture() })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return shared
}

func newFixture() (*fixture, error) {
	a, err := NewAuthority()
	if err != nil {
		return nil, err
	}
	foreignCA, err := NewAuthority()
	if err != nil {
		return nil, err
	}
	f := &fixture{authority: a}
	now := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	do := func(fn func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(); err != nil {
				mu.Lock()
				firstErr = err
				mu.Unlock()
			}
		}()
	}
	issue := func(dst **PushCert, ca *Authority, spec PushCertSpec) {
		do(func() (err error) { *dst, err = ca.IssuePushCert(spec); return })
	}
	do(func() (err error) { f.demo, err = a.NewDemo(); return })
	issue(&f.production, a, PushCertSpec{BundleID: DemoBundleID, Production: true})
	issue(&f.foreign, foreignCA, PushCertSpec{BundleID: DemoBundleID, Sandbox: true, Production: true})
	issue(&f.expired, a, PushCertSpec{BundleID: DemoBundleID, Sandbox: true, Production: true,
		NotBefore: now.AddDate(0, 0, -30), NotAfter: now.AddDate(0, 0, -1)})
	issue(&f.notPush, a, PushCertSpec{BundleID: DemoBundleID})
	issue(&f.single, a, PushCertSpec{BundleID: "com.example.single", Sandbox: true, Topics: []credential.Topic{{Name: "com.example.single", Type: "app"}}})
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if f.other, err = NewSigningKey("OTHER12345", DemoTeamID); err != nil {
		return nil, err
	}
	if f.otherTeam, err = NewSigningKey("TEAM2KEY01", "TEAM222222"); err != nil {
		return nil, err
	}
	if f.prodKey, err = NewSigningKey("PRODKEY001", DemoTeamID); err != nil {
		return nil, err
	}
	return f, nil
}

// clock is a settable clock for Server.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// startServer starts a server on the fixture's authority and demo with a
// test clock, with the fixture's extra keys registered.
func startServer(t *testing.T, f *fixture, adjust func(*Server)) (*Server, *clock) {
	t.Helper()
	clk := &clock{t: time.Now()}
	s := &Server{Authority: f.authority, Demo: f.demo, Now: clk.Now}
	if adjust != nil {
		adjust(s)
	}
	s.AddKey(f.other)
	s.AddKey(f.otherTeam)
	s.AddBundle(f.otherTeam.TeamID, "com.example.teamtwo")
	s.AddKey(f.prodKey, "production")
	if err := s.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, clk
}

// dialTLS opens a TLS connection to s offering h2, with cert as the client
// certificate when not nil.
func dialTLS(t *testing.T, s *Server, cert *PushCert) *tls.Conn {
	t.Helper()
	cfg := &tls.Config{RootCAs: s.Authority.Pool(), NextProtos: []string{"h2"}}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{{Certificate: [][]byte{cert.Cert.Raw}, PrivateKey: cert.Key, Leaf: cert.Cert}}
	}
	tc, err := tls.Dial("tcp", s.Addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tc.Close() })
	return tc
}

// dial opens an HTTP/2 connection to s (x/net's client, one connection).
func dial(t *testing.T, s *Server, cert *PushCert) *http2.ClientConn {
	t.Helper()
	cc, err := (&http2.Transport{}).NewClientConn(dialTLS(t, s, cert))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return cc
}

// push is one request to send.
type push struct {
	method string // default POST
	path   string // default /3/device/<token>
	token  string // default DemoToken
	body   string // default a small alert; use noBody for none
	header http.Header
}

const noBody = "\x00none"

// answer is what came back.
type answer struct {
	Status    int
	Reason    string
	Timestamp *int64
	Header    http.Header
	Body      []byte
}

func send(t *testing.T, s *Server, cc *http2.ClientConn, p push) answer {
	t.Helper()
	a, err := trySend(s, cc, p)
	if err != nil {
		t.Fatalf("round trip: %v", err)
	}
	return a
}

func trySend(s *Server, cc *http2.ClientConn, p push) (answer, error) {
	if p.method == "" {
		p.method = http.MethodPost
	}
	if p.token == "" {
		p.token = DemoToken
	}
	if p.path == "" {
		p.path = devicePath + p.token
	}
	switch p.body {
	case "":
		p.body = `{"aps":{"alert":"Hello"}}`
	case noBody:
		p.body = ""
	}
	req, err := http.NewRequest(p.method, "https://"+s.Addr+p.path, strings.NewReader(p.body))
	if err != nil {
		return answer{}, err
	}
	if p.body == "" {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	for k, v := range p.header {
		req.Header[k] = v
	}
	res, err := cc.RoundTrip(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}, err
	}
	a := answer{Status: res.StatusCode, Header: res.Header, Body: body}
	if len(body) > 0 {
		var v struct {
			Reason    string `json:"reason"`
			Timestamp *int64 `json:"timestamp"`
		}
		if err := json.Unmarshal(body, &v); err != nil {
			return a, err
		}
		a.Reason, a.Timestamp = v.Reason, v.Timestamp
	}
	return a, nil
}

// hdr builds a header from name, value pairs (repeat a name to repeat it).
func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// jwtFor signs a provider token with golang-jwt (raw R||S signature).
func jwtFor(t *testing.T, k *SigningKey, iat time.Time) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{"iss": k.TeamID, "iat": iat.Unix()})
	tok.Header["kid"] = k.KeyID
	s, err := tok.SignedString(k.Key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// derJWTFor signs like openssl dgst -sign and Java do: a DER signature.
func derJWTFor(t *testing.T, k *SigningKey, iat time.Time) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{"iss": k.TeamID, "iat": iat.Unix()})
	tok.Header["kid"] = k.KeyID
	signing, err := tok.SigningString()
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256([]byte(signing))
	sig, err := ecdsa.SignASN1(rand.Reader, k.Key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func bearer(token string) string { return "bearer " + token }

func repeat(n int) string { return string(bytes.Repeat([]byte("x"), n)) }
