// Package inbox is the simulator's web inbox: a page served at the
// control API's / (serve --api) that lists the notifications answered,
// live, searches them with the API's query language, shows one as the lock
// screen would (the window's preview rules, package sender/preview), with
// its headers, payload and answer, and switches faults and unregistered
// tokens. Plain HTML, CSS and JavaScript embedded in the binary: nothing
// is fetched from elsewhere, so it works offline. The page talks only to
// the control API (/api/v1/…) and to Handler's /inbox/preview/{apns-id},
// behind the API's own checks (token, Host, no cross-site writes).
//
// Unlike the simulator, which keeps its own copy of Apple's tables so
// that it checks the client independently, the inbox uses the client's
// preview code (sender/preview): it draws, it judges nothing, and the
// same code is what makes its lock screen the window's.
package inbox

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"strings"

	"apnsconsole/sender"
	"apnsconsole/sender/preview"
	"apnsconsole/simulator"
)

//go:embed static
var static embed.FS

// Files are the page's files (index.html, inbox.css, inbox.js).
func Files() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded tree has the directory
	}
	return sub
}

// contentSecurity lets the page load only its own files and talk only to
// its own origin: no inline script, no other site's anything.
const contentSecurity = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves the page for s: the files at / and the lock-screen
// rendering of a kept notification at /inbox/preview/{apns-id}. Mount it
// as the control API's page (api.Options.Page), which applies the API's
// checks first.
func Handler(s *simulator.Server) http.Handler {
	files := http.FileServerFS(Files())
	mux := http.NewServeMux()
	mux.HandleFunc("GET /inbox/preview/{id}", func(w http.ResponseWriter, r *http.Request) {
		rec, ok := s.Get(r.PathValue("id"))
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "no kept notification with apns-id " + r.PathValue("id") + " (forgotten past --keep, or deleted)"})
			return
		}
		writeJSON(w, http.StatusOK, Render(rec))
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", contentSecurity)
		switch r.URL.Path {
		case "/", "/index.html", "/inbox.css", "/inbox.js":
			files.ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// Rendered is a notification as the lock screen shows it, by the rules of
// the window's preview (sender/preview, at its default layout: 42
// characters a line, 4 lines of body), for the page to draw as given: it
// wraps and cuts nothing itself.
type Rendered struct {
	App          string   `json:"app"`       // the app's name, from the topic's bundle id
	PushType     string   `json:"push_type"` // as handled: sent, or from the topic's suffix
	Shown        bool     `json:"shown"`     // a banner and lock-screen entry
	Silent       bool     `json:"silent"`
	LiveActivity bool     `json:"live_activity"`
	Title        string   `json:"title"`
	Subtitle     string   `json:"subtitle"`
	Body         []string `json:"body"` // the lines as drawn
	Truncated    bool     `json:"truncated"`
	Sound        string   `json:"sound"` // "", "default", a file name; critical ones start "critical: "
	Badge        *int     `json:"badge"`
	Interruption string   `json:"interruption_level"`
	Status       string   `json:"status"` // what iOS does with it, in words
	Notes        []string `json:"notes"`
	Error        string   `json:"error,omitempty"` // the payload is not a JSON object
}

// Render is rec as the lock screen shows it.
func Render(rec simulator.Record) Rendered {
	pt := simulator.EffectivePushType(rec.Topic, rec.PushType)
	out := Rendered{App: appName(simulator.BundleOf(rec.Topic)), PushType: string(pt), Body: []string{}, Notes: []string{}}
	n, err := preview.Build(rec.Payload, sender.PushType(pt), preview.Layout{})
	if err != nil {
		out.Error = err.Error()
		out.Status = "nothing to preview"
		return out
	}
	out.Shown, out.Silent, out.LiveActivity = n.Shown, n.Silent, n.LiveActivity
	out.Title, out.Subtitle, out.Truncated = n.Title, n.Subtitle, n.Truncated
	out.Body = append(out.Body, n.BodyLines...)
	out.Badge, out.Interruption, out.Status = n.Badge, n.InterruptionLevel, n.Status
	out.Notes = append(out.Notes, n.Notes...)
	switch n.Sound {
	case preview.SoundDefault:
		out.Sound = "default"
	case preview.SoundNamed:
		out.Sound = n.SoundName
	case preview.SoundCritical:
		out.Sound = "critical: " + n.SoundName
	}
	return out
}

// appName is the name the window's preview gives an app without one: the
// bundle id's last part, capitalised.
func appName(bundle string) string {
	if i := strings.LastIndexByte(bundle, '.'); i >= 0 {
		bundle = bundle[i+1:]
	}
	if bundle == "" {
		return "App"
	}
	return strings.ToUpper(bundle[:1]) + bundle[1:]
}
