package inbox_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"apnsconsole/sender"
	"apnsconsole/sender/credential"
	"apnsconsole/simulator"
	"apnsconsole/simulator/api"
	"apnsconsole/simulator/inbox"
)

// The page is tested in a real browser through chromedp (the Chrome
// DevTools Protocol from Go, pure Go, no Node or driver binary, maintained
// since 2017 and the usual choice for Go): Playwright would need Node and
// its own browser download, which a CI machine without network to those
// sites cannot get.

// findBrowser is the Chromium to drive: $APNS_CHROME, else the first of
// the usual names on PATH. Debian: apt-get install chromium-headless-shell
// (make deps-test does).
func findBrowser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("APNS_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium-headless-shell", "headless-shell", "chromium", "google-chrome", "google-chrome-stable", "chromium-browser", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	for _, p := range []string{"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", "/Applications/Chromium.app/Contents/MacOS/Chromium"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("no Chromium to test the web inbox in: install chromium-headless-shell or chromium (Debian: make deps-test does), or set APNS_CHROME to a Chrome binary")
	return ""
}

// inboxRig is a simulator with its control API and inbox, a client of
// it, and a headless browser on the page.
type inboxRig struct {
	t      *testing.T
	s      *simulator.Server
	client *sender.Client
	ctx    context.Context
	addr   string // the API's
}

func newInboxRig(t *testing.T) *inboxRig { return newInboxRigWith(t, "", "/") }

// newInboxRigWith starts the API with token (none: "") and opens path.
func newInboxRigWith(t *testing.T, token, path string) *inboxRig {
	browser := findBrowser(t)
	s := simulator.NewServer()
	t.Cleanup(s.Close)
	a := api.New(s, api.Options{Page: inbox.Handler(s), Token: token})
	if err := a.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	cred, err := credential.ParseP8(s.Demo.Key.P8, simulator.DemoKeyID, simulator.DemoTeamID)
	if err != nil {
		t.Fatal(err)
	}
	c := &sender.Client{Credential: cred, Environment: sender.Local, Host: s.Addr, RootCAs: s.Authority.Pool()}
	t.Cleanup(func() { c.Close() })

	// Without Chromium's sandbox: it loads only this test's own page, and
	// the sandbox fails as root and where user namespaces are restricted
	// (Ubuntu 24.04's CI runners).
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.WindowSize(1400, 1000), chromedp.NoSandbox)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.Navigate("http://"+a.Addr()+path)); err != nil {
		t.Fatalf("the browser (%s) could not open the inbox: %v", browser, err)
	}
	r := &inboxRig{t: t, s: s, client: c, ctx: ctx, addr: a.Addr()}
	r.waitFor(`document.querySelector("#live").dataset.state === "live"`, "the page to connect to the event stream")
	return r
}

// send sends an alert with a title and body to token.
func (r *inboxRig) send(token, topic, title, body string) *sender.Response {
	r.t.Helper()
	p, err := sender.BuildPayload(sender.Message{Title: title, Body: body, Sound: "default"})
	if err != nil {
		r.t.Fatal(err)
	}
	resp, err := r.client.Send(context.Background(), &sender.Notification{Token: token, Topic: topic, Payload: p})
	if resp == nil {
		r.t.Fatalf("send to %s: %v", token, err)
	}
	return resp
}

// eval runs js in the page and returns its result.
func eval[T any](r *inboxRig, js string) T {
	r.t.Helper()
	v, err := chromedp.Run(r.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		r.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// waitFor polls js (a boolean expression) until it holds, for up to 15 s:
// the page updates on its own (events), never on a reload.
func (r *inboxRig) waitFor(js, what string) {
	r.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(r.ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	page, err := chromedp.Run(r.ctx, chromedp.Evaluate[string](`document.body.innerText`))
	r.t.Fatalf("waited 15 s for %s (%s); the page shows (%v):\n%s", what, js, err, page)
}

func (r *inboxRig) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	r.t.Helper()
	if err := chromedp.Do(r.ctx, actions...); err != nil {
		r.t.Fatalf("%s: %v", what, err)
	}
}

// screenshot writes the page to $APNS_INBOX_SCREENSHOT-name.png when that
// is set (make inbox-screenshot).
func (r *inboxRig) screenshot(name string) {
	base := os.Getenv("APNS_INBOX_SCREENSHOT")
	if base == "" {
		return
	}
	png, err := chromedp.Run(r.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		r.t.Fatalf("screenshot: %v", err)
	}
	path := base + "-" + name + ".png"
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		r.t.Fatal(err)
	}
	r.t.Logf("screenshot: %s", path)
}

const (
	tokenA = simulator.DemoToken
	tokenB = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0"
)

// TestInboxInABrowser drives the page in headless Chromium: the list
// updates live as notifications are answered, a search narrows it, a
// selected one shows its lock-screen rendering (the simulator's, by the
// window's rules), answer, headers and payload, the token switch makes the
// next send 410, and a fault switch changes the simulator's rules.
func TestInboxInABrowser(t *testing.T) {
	r := newInboxRig(t)
	items := `document.querySelectorAll("#items li").length`

	longTitle := "Your order 4711 has shipped and will arrive on Thursday afternoon"
	first := r.send(tokenA, "com.example.app", longTitle, "Track it in the app: tap to see where the parcel is now and when it will be at your door")
	if first.Status != 200 {
		t.Fatalf("first send: %d %s", first.Status, first.Reason)
	}
	r.waitFor(items+` === 1`, "the first notification to appear without a reload")
	r.send(tokenB, "com.example.other", "Second", "From another app")
	r.waitFor(items+` === 2`, "the second notification to appear")
	if top := eval[string](r, `document.querySelector("#items li .item-topic").textContent`); top != "com.example.other" {
		t.Errorf("the newest is not first: the top row is %q", top)
	}

	// Search: the same query language as the API.
	r.run("search", chromedp.SendKeys(chromedp.CSS("#q"), "token:"+tokenB), chromedp.Click(chromedp.CSS(`#search button`)))
	r.waitFor(items+` === 1 && document.querySelector("#items li .item-topic").textContent === "com.example.other"`, "the search to narrow the list to token B")
	r.send(tokenA, "com.example.app", "Not this one", "It is token A's")
	r.send(tokenB, "com.example.other", "Third", "Token B again")
	r.waitFor(items+` === 2`, "a live notification matching the search to appear (and the other not)")
	if n := eval[int](r, `[...document.querySelectorAll("#items .item-snippet")].filter(e => e.textContent.includes("Not this one")).length`); n != 0 {
		t.Error("a notification not matching the search was added to the list")
	}
	// A query the API refuses says why.
	eval[bool](r, `(document.querySelector("#q").value = "status:abc") !== ""`)
	r.run("bad search", chromedp.Click(chromedp.CSS(`#search button`)))
	r.waitFor(`!document.querySelector("#alert").hidden && document.querySelector("#alert").textContent.includes("status")`, "the refused query's error")
	eval[bool](r, `(document.querySelector("#q").value = "") === ""`)
	r.run("clear the search", chromedp.Click(chromedp.CSS(`#search button`)))
	r.waitFor(items+` === 4 && document.querySelector("#alert").hidden`, "the whole list back, the error gone")

	// Select the first notification: the lock screen as the simulator renders it.
	rec, ok := r.s.Get(first.ApnsID)
	if !ok {
		t.Fatalf("the simulator kept no %s", first.ApnsID)
	}
	want := inbox.Render(rec)
	r.run("select", chromedp.Click(chromedp.CSS(fmt.Sprintf(`button.item[data-id=%q]`, first.ApnsID))))
	r.waitFor(`!document.querySelector("#detail").hidden && document.querySelector("#pv-title").textContent !== ""`, "the detail pane")
	title := eval[string](r, `document.querySelector("#pv-title").textContent`)
	body := eval[[]string](r, `[...document.querySelectorAll("#pv-body .pv-line")].map(e => e.textContent)`)
	if title != want.Title || !strings.HasSuffix(title, "…") || strings.Join(body, "\n") != strings.Join(want.Body, "\n") {
		t.Errorf("lock screen shows %q / %q, the simulator rendered %q / %q", title, body, want.Title, want.Body)
	}
	// The lines are drawn as given: none is wider than the card (which
	// would hide the ellipsis) or wrapped again.
	if clipped := eval[[]string](r, `[...document.querySelectorAll("#pv-title, #pv-subtitle, #pv-body .pv-line")].filter(e => e.scrollWidth > e.clientWidth || e.getClientRects().length > 1).map(e => e.textContent)`); len(clipped) > 0 {
		t.Errorf("lines the card clips or wraps: %q", clipped)
	}
	if app := eval[string](r, `document.querySelector("#pv-app").textContent`); app != "App" {
		t.Errorf("app name %q", app)
	}
	payload := eval[string](r, `document.querySelector("#payload").textContent`)
	if !strings.Contains(payload, longTitle) || !strings.Contains(payload, `"sound": "default"`) {
		t.Errorf("payload pane:\n%s", payload)
	}
	headers := eval[string](r, `document.querySelector("#headers").innerText`)
	if !strings.Contains(headers, "apns-topic") || !strings.Contains(headers, "com.example.app") || strings.Contains(strings.ToLower(headers), "authorization") {
		t.Errorf("headers pane (the JWT must not be shown):\n%s", headers)
	}
	answer := eval[string](r, `document.querySelector("#answer").innerText`)
	if !strings.Contains(answer, "200") || !strings.Contains(answer, first.ApnsID) || !strings.Contains(answer, tokenA) {
		t.Errorf("answer pane:\n%s", answer)
	}
	r.screenshot("light")
	// The dark look (and the rest of the test in it).
	r.run("dark", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
		return err
	}))
	if bg := eval[string](r, `getComputedStyle(document.body).backgroundColor`); bg != "rgb(22, 22, 24)" {
		t.Errorf("prefers-color-scheme dark: the page's background is %s", bg)
	}
	r.screenshot("dark")

	// The token switch: off, and the next send to the token is 410.
	r.run("unregister", chromedp.Click(chromedp.CSS("#registered")))
	r.waitFor(`document.querySelector("#token-state").textContent.startsWith("Unregistered since")`, "the token to be unregistered")
	if gone := r.send(tokenA, "com.example.app", "After", "the uninstall"); gone.Status != 410 || gone.Reason != "Unregistered" || gone.Timestamp.IsZero() {
		t.Errorf("send after the switch: %d %s (timestamp %v), want 410 Unregistered with a timestamp", gone.Status, gone.Reason, gone.Timestamp)
	}
	r.waitFor(`document.querySelector("#items li .badge").textContent === "410 Unregistered"`, "the 410 to appear on top of the list")
	r.run("register again", chromedp.Click(chromedp.CSS("#registered")))
	r.waitFor(`document.querySelector("#token-state").textContent.startsWith("Turn it off")`, "the token to be registered again")
	if back := r.send(tokenA, "com.example.app", "Back", "again"); back.Status != 200 {
		t.Errorf("send after registering again: %d %s", back.Status, back.Reason)
	}

	// A fault switch changes the simulator's rules, and back.
	r.run("fault on", chromedp.Click(chromedp.CSS(`[data-rule="status=500,reason=InternalServerError"]`)))
	r.waitFor(`document.querySelector("#fault-list").textContent.includes("status=500")`, "the rule to be listed")
	if f := r.s.Faults(); len(f) != 1 || f[0].Status != 500 {
		t.Errorf("after the switch the simulator's faults are %v", f)
	}
	r.run("add a rule", chromedp.SetValue(chromedp.CSS("#fault"), "status=429,reason=TooManyRequests,every=3"), chromedp.Click(chromedp.CSS(`#fault-form button`)))
	r.waitFor(`document.querySelectorAll("#fault-list li").length === 2`, "the added rule")
	r.run("bad rule", chromedp.SetValue(chromedp.CSS("#fault"), "status=abc"), chromedp.Click(chromedp.CSS(`#fault-form button`)))
	r.waitFor(`!document.querySelector("#alert").hidden`, "the bad rule's error")
	r.run("faults off", chromedp.Click(chromedp.CSS("#faults-clear")))
	r.waitFor(`document.querySelector("#fault-list").textContent.includes("None")`, "no rule")
	if f := r.s.Faults(); len(f) != 0 {
		t.Errorf("after Remove every fault: %v", f)
	}

	// A notification's text is text: markup in it makes no element.
	r.send(tokenB, "com.example.other", `<img src=x onerror="document.title='owned'">`, `<script>document.title='owned'</script>`)
	r.waitFor(items+` === 7`, "the notification with markup")
	r.run("select it", chromedp.Click(chromedp.CSS(`#items li button.item`)))
	r.waitFor(`document.querySelector("#pv-title").textContent.startsWith("<img")`, "its title shown as text")
	if n := eval[int](r, `document.querySelectorAll("main img, main script").length`); n != 0 || eval[string](r, `document.title`) == "owned" {
		t.Errorf("markup in a notification became %d elements (title %q)", n, eval[string](r, `document.title`))
	}

	// On a phone's width the lines still fit as given.
	r.run("select the long one", chromedp.Click(chromedp.CSS(fmt.Sprintf(`button.item[data-id=%q]`, first.ApnsID))))
	r.waitFor(`document.querySelector("#pv-title").textContent.startsWith("Your order")`, "the long notification again")
	r.run("phone", chromedp.EmulateViewport(390, 844))
	if clipped := eval[[]string](r, `[...document.querySelectorAll("#pv-title, #pv-subtitle, #pv-body .pv-line")].filter(e => e.scrollWidth > e.clientWidth || e.getClientRects().length > 1).map(e => e.textContent)`); len(clipped) > 0 {
		t.Errorf("at 390 px wide, lines the card clips or wraps: %q", clipped)
	}
}

// TestInboxWithAnAPIToken: with --api-token the page opens once with
// ?token=, which the API turns into a cookie; the page then lists and
// streams, and its HTML holds no secret.
func TestInboxWithAnAPIToken(t *testing.T) {
	const secret = "s3cret-for-the-inbox"
	r := newInboxRigWith(t, secret, "/?token="+secret)
	if u := eval[string](r, `location.href`); strings.Contains(u, secret) {
		t.Errorf("the token stayed in the address bar: %s", u)
	}
	if html := eval[string](r, `document.documentElement.outerHTML`); strings.Contains(html, secret) {
		t.Error("the page's HTML holds the token")
	}
	r.send(tokenA, "com.example.app", "With a token", "still live")
	r.waitFor(`document.querySelectorAll("#items li").length === 1`, "the notification, through the token's cookie")
}
