package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// Copy as cURL: the menu item copies the form's send; every row's story
// carries its curl line; no secret in either.
func TestCopyAsCurlAndEachRowsCurlLine(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	dir, remote := demoFiles(t)
	c.cred.choose(credential.KindP8)
	c.cred.p8Path.SetText(filepath.Join(dir, apnstest.FileDemoP8))
	c.cred.teamID.SetText(apnstest.DemoTeamID)
	test.Tap(c.cred.loadBtn)
	h.waitFor("the .p8 to load", func() bool { return c.cred.creds[credential.KindP8] != nil && len(c.cred.loading) == 0 })
	c.note.topic.SetText(apnstest.DemoBundleID)
	c.bar.env.SetSelected(envCustom)
	c.bar.customHost.SetText(remote.Addr)
	c.bar.customCA.SetText(filepath.Join(dir, apnstest.FileCA))

	findMenuItem(t, c.win.MainMenu(), curlShortcut).Action()
	clip := c.app.Clipboard().Content()
	for _, want := range []string{"curl --http2", "--cacert", `authorization: bearer $APNS_JWT`, "apns-console jwt --p8", "https://" + remote.Addr + "/3/device/" + apnstest.DemoToken} {
		if !strings.Contains(clip, want) {
			t.Errorf("the copied command lacks %q:\n%s", want, clip)
		}
	}
	if strings.Contains(clip, "eyJ") || strings.Contains(clip, "PRIVATE KEY") {
		t.Errorf("the copied command holds a secret:\n%s", clip)
	}

	if c.bar.sendBtn.Disabled() {
		t.Fatalf("Send is off: %s", c.bar.problem.Text)
	}
	h.sendAndWait()
	row := h.lastRow()
	story := strings.Join(row.Story, "\n")
	if row.Status != "200 OK" || !strings.Contains(story, "curl --http2") || !strings.Contains(story, "$APNS_JWT") {
		t.Errorf("row %q: the story lacks the curl line:\n%s", row.Status, story)
	}
	if strings.Contains(story, "bearer ey") {
		t.Errorf("the story's curl line holds the JWT:\n%s", story)
	}

	// In the binary protocol there is no curl: the menu says why.
	c.protocol.SetSelected(protoBinary)
	if _, err := c.currentCurl(); err != errCurlBinary {
		t.Errorf("binary protocol: %v, want %v", err, errCurlBinary)
	}
}

// The curl line as drawn in a row's story.
func TestCurlLineInTheStoryAsDrawn(t *testing.T) {
	a := newTestApp(t)
	q := &uiQueue{}
	p := newLogPane(a, q.do, 0)
	w := test.NewTempWindow(t, p.Content())
	w.Resize(fyne.NewSize(560, 520))
	n := &sender.Notification{Token: apnstest.DemoToken, Topic: "com.example.app", PushType: sender.PushAlert, Priority: 10,
		Payload: []byte(`{"aps":{"alert":"Hello"}}`)}
	target := sender.CurlTarget{Environment: sender.Sandbox,
		Credential: credential.Ref{Kind: credential.KindP8, Path: "/keys/AuthKey_ABC123DEFG.p8", KeyID: "ABC123DEFG", TeamID: "DEF123GHIJ"}}
	e := &logEntry{Time: time.Date(2026, 1, 31, 18, 0, 0, 0, time.UTC), Kind: kindSend, Env: "sandbox", Token: n.Token,
		Text: "Send 1 → api.sandbox.push.apple.com:443 (Apple sandbox) · token " + n.Token, Tone: toneHeading}
	p.push(e)
	p.addStory(e, "curl (the same request; secrets stay in $APNS_* variables):", indentLines(curlText(n, nil, target)))
	p.finishRow(e, sender.Result{Notification: n, Response: &sender.Response{Status: 200}}, 0)
	q.drain()
	p.list.Select(0)
	q.drain()
	test.AssertRendersToMarkup(t, "curl_story.xml", w.Canvas())
}
