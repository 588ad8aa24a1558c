package inbox

import (
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"apnsconsole/sender/preview"
	"apnsconsole/simulator"
)

// TestRenderIsTheWindowsPreview: the page is given the lines the
// window's preview rules make (sender/preview at its default layout), cut
// and wrapped already, with the app's name and the push type the request
// was handled as.
func TestRenderIsTheWindowsPreview(t *testing.T) {
	long := `{"aps":{"alert":{"title":"A title that is much longer than forty-two characters","subtitle":"Five Card Draw",` +
		`"body":"one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twenty-one twenty-two twenty-three twenty-four twenty-five"},"sound":"default","badge":3}}`
	r := Render(simulator.Record{Topic: "com.example.app", Payload: []byte(long)})
	n, err := preview.Build([]byte(long), "alert", preview.Layout{})
	if err != nil {
		t.Fatal(err)
	}
	if r.App != "App" || !r.Shown || r.Title != n.Title || r.Subtitle != "Five Card Draw" || !reflect.DeepEqual(r.Body, n.BodyLines) || !r.Truncated {
		t.Errorf("rendered %+v\nwant the window's %+v", r, n)
	}
	if !strings.HasSuffix(r.Title, preview.Ellipsis) || utf8.RuneCountInString(r.Title) > preview.DefaultWidth {
		t.Errorf("title %q: not cut to %d characters with an ellipsis", r.Title, preview.DefaultWidth)
	}
	if len(r.Body) != preview.DefaultBodyLines || !strings.HasSuffix(r.Body[3], preview.Ellipsis) {
		t.Errorf("body %q: want %d lines, the last ending in an ellipsis", r.Body, preview.DefaultBodyLines)
	}
	if r.Sound != "default" || r.Badge == nil || *r.Badge != 3 || r.Status != n.Status {
		t.Errorf("sound %q badge %v status %q", r.Sound, r.Badge, r.Status)
	}

	// A VoIP topic without apns-push-type is handled as voip: nothing shown.
	v := Render(simulator.Record{Topic: "com.example.demo.voip", Payload: []byte(`{"aps":{"alert":"Call"}}`)})
	if v.Shown || v.PushType != "voip" || v.App != "Demo" || !strings.Contains(v.Status, "PushKit") {
		t.Errorf("voip by its topic: %+v", v)
	}
	bg := Render(simulator.Record{Topic: "com.example.demo", PushType: "background", Payload: []byte(`{"aps":{"content-available":1}}`)})
	if bg.Shown || !bg.Silent {
		t.Errorf("background: %+v", bg)
	}
	bad := Render(simulator.Record{Topic: "com.example.demo", Payload: []byte(`not json`)})
	if bad.Error == "" || bad.Shown {
		t.Errorf("a payload that is not JSON: %+v", bad)
	}
}

// TestHandlerServesOnlyItsFiles, with a policy that lets the page load
// nothing from elsewhere and run no inline script.
func TestHandlerServesOnlyItsFiles(t *testing.T) {
	s := simulator.NewServer()
	defer s.Close()
	srv := httptest.NewServer(Handler(s))
	defer srv.Close()
	get := func(path string) (*http.Response, string) {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	res, body := get("/")
	if res.StatusCode != 200 || !strings.Contains(body, `<script src="inbox.js" defer></script>`) || strings.Contains(body, "http://") || strings.Contains(body, "https://") {
		t.Errorf("/: %d, the page loads from elsewhere or lacks its script:\n%s", res.StatusCode, body)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("policy %q", csp)
	}
	for _, p := range []string{"/inbox.js", "/inbox.css"} {
		if res, body := get(p); res.StatusCode != 200 || len(body) < 1000 || strings.Contains(body, "https://") {
			t.Errorf("%s: %d (%d bytes)", p, res.StatusCode, len(body))
		}
	}
	if res, _ := get("/../../etc/passwd"); res.StatusCode != 404 {
		t.Errorf("a path outside the page: %d", res.StatusCode)
	}
	if res, body := get("/inbox/preview/00000000-0000-0000-0000-000000000000"); res.StatusCode != 404 || !strings.Contains(body, "no kept notification") {
		t.Errorf("preview of an unknown id: %d %s", res.StatusCode, body)
	}
}
