package api

import (
	"crypto/subtle"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// TokenCookie is the cookie the page is authenticated with once opened
// with ?token=TOKEN (browsers cannot put a header on an EventSource).
const TokenCookie = "apns_sim_token"

// hostRule is which Host headers name the listener: a DNS name that
// resolves to the listener only by a rebinding trick is refused. The port
// is not compared: a published container port or an SSH tunnel changes
// it, and a rebinding page's Host carries its own name whatever the port.
type hostRule struct {
	names map[string]bool // lowercase hostnames and IPs accepted
	anyIP bool            // listening on every interface: any IP literal
}

func newHostRule(addr string, extra []string) hostRule {
	host, _, _ := net.SplitHostPort(addr)
	rule := hostRule{names: map[string]bool{}}
	ip := net.ParseIP(host)
	switch {
	case ip != nil && ip.IsUnspecified():
		rule.anyIP = true
		rule.names["localhost"] = true
	case isLoopback(host):
		for _, n := range []string{"localhost", "127.0.0.1", "::1"} {
			rule.names[n] = true
		}
	}
	if ip != nil {
		rule.names[ip.String()] = true
	} else if host != "" {
		rule.names[strings.ToLower(host)] = true
	}
	for _, n := range extra {
		rule.names[strings.ToLower(strings.Trim(n, "[]"))] = true
	}
	return rule
}

// allows reports whether a Host header names the listener.
func (h hostRule) allows(hostHeader string) bool {
	host, _, err := net.SplitHostPort(hostHeader)
	if err != nil {
		host = hostHeader
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	if host == "" {
		return false
	}
	if h.names[host] {
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		return h.anyIP || h.names[ip.String()]
	}
	return false
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// allowed applies the control plane's rules to r, answering it when it
// fails one:
//   - with Options.Token, every request but /readyz and /livez carries it
//     ("Authorization: Bearer TOKEN", or the page's cookie); the page
//     opened with ?token=TOKEN sets the cookie (HttpOnly, SameSite=Strict);
//   - the Host header names the listener (no DNS rebinding), unless the
//     request carries the token in its Authorization header, which a
//     rebinding page cannot know;
//   - a request another site made (Sec-Fetch-Site cross-site or
//     same-site, or an Origin that is not the Host) changes nothing: only
//     GET and HEAD pass;
//   - a request with a body sends it as application/json, which a plain
//     HTML form cannot; and no route takes POST, the form's method;
//   - no CORS: no Access-Control-Allow-* header is ever sent, so another
//     origin's script cannot read an answer.
func (a *API) allowed(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path == "/readyz" || r.URL.Path == "/livez" {
		return true
	}
	a.mu.Lock()
	rule := a.host
	a.mu.Unlock()
	bearer := a.opt.Token != "" && a.bearerOK(r)
	if !bearer && !rule.allows(r.Host) {
		writeError(w, http.StatusMisdirectedRequest, "the Host header "+quote(r.Host)+" does not name this listener: use its address, or add the name with --api-host")
		return false
	}
	if a.opt.Token != "" && !bearer {
		if t := r.URL.Query().Get("token"); t != "" && r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/api/") && a.tokenIs(t) {
			http.SetCookie(w, &http.Cookie{Name: TokenCookie, Value: t, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
				Expires: time.Now().Add(30 * 24 * time.Hour)})
			u := *r.URL
			q := u.Query()
			q.Del("token")
			u.RawQuery = q.Encode()
			http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
			return false
		}
		c, err := r.Cookie(TokenCookie)
		if err != nil || !a.tokenIs(c.Value) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="apns-simulator"`)
			writeError(w, http.StatusUnauthorized, "this control API needs its token: send \"Authorization: Bearer TOKEN\" (the --api-token), or open the page with ?token=TOKEN")
			return false
		}
	}
	safe := r.Method == http.MethodGet || r.Method == http.MethodHead
	if !safe {
		if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
			writeError(w, http.StatusForbidden, "a request from another site cannot change the simulator")
			return false
		}
		if o := r.Header.Get("Origin"); o != "" && !sameOrigin(o, r.Host) {
			writeError(w, http.StatusForbidden, "a request from origin "+quote(o)+" cannot change the simulator")
			return false
		}
		if r.ContentLength != 0 || r.Header.Get("Content-Type") != "" {
			mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if mt != "application/json" {
				writeError(w, http.StatusUnsupportedMediaType, "send the body as JSON, with Content-Type: application/json")
				return false
			}
		}
	}
	return true
}

func (a *API) bearerOK(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return false
	}
	return a.tokenIs(strings.TrimSpace(h[7:]))
}

func (a *API) tokenIs(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), []byte(a.opt.Token)) == 1
}

func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && strings.EqualFold(u.Host, host)
}

func quote(s string) string {
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}
