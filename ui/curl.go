package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"

	"apnsconsole/sender"
	"apnsconsole/sender/credential"
)

// curlTarget is where a curl command for the form's send goes and with
// which credential files, read from the form on the UI goroutine.
func (c *Console) curlTarget() sender.CurlTarget {
	t := sender.CurlTarget{Environment: c.environment()}
	switch {
	case c.bar.custom():
		t.Host = strings.TrimSpace(c.bar.customHost.Text)
		t.CAFile = strings.TrimSpace(c.bar.customCA.Text)
	case c.bar.local():
		t.Environment = sender.Local // no fixed address: Curl says to use `serve`
	}
	r := c.cred.request()
	t.Credential = credential.Ref{Kind: r.kind, Path: r.path, KeyPath: r.path2, KeyID: r.keyID, TeamID: r.teamID}
	if cred := c.cred.userCredential(); cred != nil && r.kind == credential.KindP8 {
		t.Credential.KeyID, t.Credential.TeamID = cred.KeyID, cred.TeamID
	}
	t.KeyEncrypted = r.kind == credential.KindPEM && r.secret != ""
	return t
}

// curlText is the curl command of one notification, or the reason there
// is none, as a line for the log or the clipboard. It never holds a
// secret: passwords and the JWT are "$VAR" references.
func curlText(n *sender.Notification, cred *credential.Credential, t sender.CurlTarget) string {
	cmd, err := sender.Curl(n, cred, t)
	if err != nil {
		return "# no curl command: " + err.Error()
	}
	return cmd.String()
}

// CopyCurl copies the form's send as curl commands, one per valid token
// (File → Copy as cURL), or says why it cannot.
func (c *Console) CopyCurl() {
	text, err := c.currentCurl()
	if err != nil {
		dialog.ShowInformation("Copy as cURL", sentence(err.Error()), c.win)
		return
	}
	c.app.Clipboard().SetContent(text)
	c.log.Add(sender.EventInfo, toneNormal, "Copied the send as curl ("+plural(strings.Count(text, "curl --http2"), "command")+"): secrets stay in $APNS_* variables")
}

// currentCurl is the form's send as curl commands.
func (c *Console) currentCurl() (string, error) {
	if c.binary() {
		return "", errCurlBinary
	}
	if c.simTarget() {
		return "", errCurlSimulator
	}
	ns, err := c.compose()
	if err != nil {
		return "", err
	}
	t := c.curlTarget()
	cred := c.cred.userCredential()
	var out []string
	for _, n := range ns {
		cmd, err := sender.Curl(n, cred, t)
		if err != nil {
			return "", err
		}
		out = append(out, cmd.String())
	}
	return strings.Join(out, "\n\n"), nil
}

type curlError string

func (e curlError) Error() string { return string(e) }

const (
	errCurlBinary    = curlError("curl speaks HTTP/2 only: choose HTTP/2 under Protocol for a curl command")
	errCurlSimulator = curlError("the iOS Simulator is reached with xcrun simctl, not curl: choose Sandbox, Production or Custom for a curl command")
)

// curlShortcut is Shift+Ctrl+C (Shift+Cmd+C on macOS).
var curlShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyC, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
