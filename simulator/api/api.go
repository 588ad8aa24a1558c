// Package api is the simulator's control plane: a JSON API on its own
// listener (serve --api), never on the APNs port, for a backend's tests to
// ask what arrived, wait for it, reset, mark tokens, switch faults, and
// follow the answers live:
//
//	GET    /api/v1/notifications?query=&start=&limit=   newest first, with total
//	GET    /api/v1/notifications/{apns-id|latest}      one, with its headers
//	GET    /api/v1/notifications/wait?query=&count=&timeout=
//	DELETE /api/v1/notifications[?query=]
//	GET    /api/v1/tokens, GET|PUT|DELETE /api/v1/tokens/{token}
//	GET|PUT|DELETE /api/v1/faults
//	GET    /api/v1/events[?query=]                      Server-Sent Events
//	GET    /api/v1/info
//	GET    /api/v1/openapi.json                         this list in OpenAPI 3.1
//	GET    /readyz, /livez
//
// and, at /, the page given in Options.Page (the web inbox).
//
// Security (security.go): the listener is loopback unless a token
// protects it; the token is checked on every request but the health
// checks; the Host header must name the listener; there is no CORS; and
// no cross-site request can change anything.
package api

import (
	"context"
	_ "embed"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"apnsconsole/simulator"
)

// Limits of the API: every read, wait and stream is bounded.
const (
	MaxBody        = 64 << 10 // bytes of a PUT body
	DefaultLimit   = 50       // notifications in a page
	MaxLimit       = 1000     // notifications in a page or a wait
	DefaultTimeout = 10 * time.Second
	MaxTimeout     = 5 * time.Minute
	MaxWaits       = 256  // waits under way at once
	MaxSubscribers = 64   // event streams open at once
	EventBuffer    = 1024 // events a stream holds for a slow reader before it loses them
	MaxFaults      = 100  // fault rules
	writeTimeout   = 10 * time.Second
	heartbeat      = 15 * time.Second
	eventBatch     = 10 * time.Millisecond // the shortest time between two writes of an event stream
	eventWrite     = 256 << 10             // bytes of events written at once, at most
)

// Options configure the API.
type Options struct {
	// Token, when set, is required on every request (but /readyz and
	// /livez): "Authorization: Bearer TOKEN", or the cookie the page sets
	// after it was opened with ?token=TOKEN. Required for a listener that
	// is not loopback.
	Token string
	// Hosts are more names the Host header may give (the listener's own
	// address, and localhost on loopback, are always accepted), such as a
	// docker-compose service name.
	Hosts []string
	// Version is reported by /api/v1/info.
	Version string
	// Page, when set, is served at / and below (the web inbox), behind
	// the same checks.
	Page http.Handler
	// Ready reports whether the simulator is ready, for /readyz; nil:
	// ready once the API listens.
	Ready func() bool
}

// API is the control plane of one simulator.
type API struct {
	s       *simulator.Server
	opt     Options
	started time.Time
	mux     *http.ServeMux
	waits   chan struct{} // a slot per wait under way
	streams chan struct{} // a slot per event stream open
	hubs    hubs          // the event streams' shared subscriptions (hub.go)

	mu   sync.Mutex
	addr string // the listener's, once Listen
	host hostRule
	srv  *http.Server
}

// New makes the API of s; serve it with Listen (or as an http.Handler
// after SetAddr).
func New(s *simulator.Server, opt Options) *API {
	a := &API{s: s, opt: opt, started: time.Now(),
		waits: make(chan struct{}, MaxWaits), streams: make(chan struct{}, MaxSubscribers)}
	m := http.NewServeMux()
	for _, rt := range a.routes() {
		m.HandleFunc(rt.method+" "+rt.path, rt.handler)
	}
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such API route: see the README's serve reference for /api/v1")
	})
	if opt.Page != nil {
		m.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				w.Header().Set("Allow", "GET, HEAD")
				writeError(w, http.StatusMethodNotAllowed, "the page is read with GET")
				return
			}
			opt.Page.ServeHTTP(w, r)
		}))
	}
	a.mux = m
	return a
}

// route is one method and path of the API.
type route struct {
	method, path string
	handler      http.HandlerFunc
}

// routes are the API's routes; openapi.json documents each (a test
// checks).
func (a *API) routes() []route {
	return []route{
		{"GET", "/api/v1/notifications", a.list},
		{"DELETE", "/api/v1/notifications", a.deleteNotifications},
		{"GET", "/api/v1/notifications/wait", a.wait},
		{"GET", "/api/v1/notifications/{id}", a.get},
		{"GET", "/api/v1/tokens", a.listTokens},
		{"GET", "/api/v1/tokens/{token}", a.getToken},
		{"PUT", "/api/v1/tokens/{token}", a.putToken},
		{"DELETE", "/api/v1/tokens/{token}", a.deleteToken},
		{"GET", "/api/v1/faults", a.getFaults},
		{"PUT", "/api/v1/faults", a.putFaults},
		{"DELETE", "/api/v1/faults", a.deleteFaults},
		{"GET", "/api/v1/events", a.events},
		{"GET", "/api/v1/info", a.info},
		{"GET", "/api/v1/openapi.json", serveOpenAPI},
		{"GET", "/readyz", a.readyz},
		{"GET", "/livez", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		}},
	}
}

// openAPI is the API described in OpenAPI 3.1, served at
// /api/v1/openapi.json.
//
//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPI)
}

// ErrNeedsToken is Listen's error for an address that is not loopback
// without Options.Token.
var ErrNeedsToken = errors.New("the control API listens beyond this machine only with a token: give --api-token (or APNS_SIM_API_TOKEN), or a loopback address such as 127.0.0.1:2198")

// Listen serves the API on addr (host:port) in the background until
// Close. An address that is not loopback requires Options.Token.
func (a *API) Listen(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if !isLoopback(host) && a.opt.Token == "" {
		return ErrNeedsToken
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	a.SetAddr(ln.Addr().String())
	srv := &http.Server{
		Handler:           a,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	a.mu.Lock()
	a.srv = srv
	a.mu.Unlock()
	go srv.Serve(ln)
	return nil
}

// SetAddr tells the API the address it is served on (Listen does), which
// the Host header must name.
func (a *API) SetAddr(addr string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.addr = addr
	a.host = newHostRule(addr, a.opt.Hosts)
}

// Addr is the listener's address, once Listen.
func (a *API) Addr() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.addr
}

// Close stops the API at once: open waits and event streams end.
func (a *API) Close() error {
	a.mu.Lock()
	srv := a.srv
	a.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}

// Shutdown stops accepting and waits for requests under way, until ctx
// ends; then it closes what is left (waits and event streams).
func (a *API) Shutdown(ctx context.Context) error {
	a.mu.Lock()
	srv := a.srv
	a.mu.Unlock()
	if srv == nil {
		return nil
	}
	err := srv.Shutdown(ctx)
	srv.Close()
	return err
}

// ServeHTTP checks the request (security.go) and routes it.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	if !a.allowed(w, r) {
		return
	}
	a.mux.ServeHTTP(w, r)
}

func (a *API) readyz(w http.ResponseWriter, r *http.Request) {
	if a.opt.Ready != nil && !a.opt.Ready() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "starting"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
