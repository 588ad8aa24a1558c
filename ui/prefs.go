package ui

import (
	"fyne.io/fyne/v2"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/legacy"
)

// Preference keys. Only what the user would retype is kept: paths, ids,
// the token and the message fields. Passwords, keys and JWTs are never
// stored, nor is anything about the simulator's demo credential.
const (
	prefEnvironment = "environment" // sandbox, production or local; absent on a first launch
	prefKind        = "credential.kind"
	prefP12Path     = "credential.p12"
	prefCertPath    = "credential.cert"
	prefKeyPath     = "credential.key"
	prefP8Path      = "credential.p8"
	prefKeyID       = "credential.keyID"
	prefTeamID      = "credential.teamID"
	prefLastFolder  = "credential.folder"
	prefToken       = "device.token"
	prefBody        = "alert.body"
	prefTitle       = "alert.title"
	prefSubtitle    = "alert.subtitle"
	prefBadge       = "alert.badge"
	prefSound       = "alert.sound"
	prefTopic       = "topic"
	prefPushType    = "pushType"
	prefPriority    = "priority"
	prefExpiration  = "expiration"
	prefCollapseID  = "collapseID"
	prefCustom      = "custom"
	prefSplit       = "layout.split"
	prefProtocol    = "protocol" // "binary" for the legacy protocol, else HTTP/2
	prefFormat      = "binary.format"
)

// demoBody is the alert a first launch starts with.
const demoBody = "Hello from APNs Console"

// restore applies the saved preferences, or on a first launch (no
// environment chosen yet) the local simulator with its demo token, so
// that pressing Send shows a full round trip at once.
func (c *Console) restore() {
	p := c.prefs
	first := p.String(prefEnvironment) == ""
	c.kind.SetSelected(kindChoice(parseKindName(p.String(prefKind))))
	c.p12Path.SetText(p.String(prefP12Path))
	c.certPath.SetText(p.String(prefCertPath))
	c.keyPath.SetText(p.String(prefKeyPath))
	c.p8Path.SetText(p.String(prefP8Path))
	c.keyID.SetText(p.String(prefKeyID))
	c.teamID.SetText(p.String(prefTeamID))
	c.body.SetText(p.String(prefBody))
	c.title.SetText(p.String(prefTitle))
	c.subtitle.SetText(p.String(prefSubtitle))
	c.badge.SetText(p.String(prefBadge))
	c.sound.SetText(p.String(prefSound))
	c.topic.SetText(p.String(prefTopic))
	c.pushType.SetSelected(p.StringWithFallback(prefPushType, string(sender.PushAlert)))
	c.priority.SetSelected(priorityChoice(p.Int(prefPriority)))
	c.expiration.SetText(p.String(prefExpiration))
	c.collapseID.SetText(p.String(prefCollapseID))
	c.custom.SetText(p.String(prefCustom))
	c.token.SetText(p.String(prefToken))
	c.format.SetSelected(p.StringWithFallback(prefFormat, string(legacy.FormatFrame)))
	if p.String(prefProtocol) == "binary" {
		c.protocol.SetSelected(protoBinary)
	}
	if off := p.Float(prefSplit); off > 0.2 && off < 0.8 {
		c.split.Offset = off
	}
	if first {
		c.token.SetText(apnstest.DemoToken)
		c.body.SetText(demoBody)
		c.sound.SetText("default")
		c.setEnvironment(sender.Local)
	} else {
		env, err := sender.ParseEnvironment(p.String(prefEnvironment))
		if err != nil {
			env = sender.Sandbox
		}
		c.setEnvironment(env)
	}
	// Load the saved files of the chosen kind; a password can't be saved,
	// so a protected file waits for it without calling it an error.
	r := c.loadRequest()
	r.quiet = true
	if r.path != "" {
		c.load(r)
	}
	c.restored = true
	c.tokenChanged()
	c.showCredential()
	c.validate()
}

// save writes the fields to the preferences (never a password).
func (c *Console) save() {
	if !c.restored {
		return
	}
	p := changesOnly{c.prefs}
	p.SetString(prefEnvironment, string(c.environment()))
	p.SetString(prefKind, kindName(c.credentialKind()))
	p.SetString(prefP12Path, c.p12Path.Text)
	p.SetString(prefCertPath, c.certPath.Text)
	p.SetString(prefKeyPath, c.keyPath.Text)
	p.SetString(prefP8Path, c.p8Path.Text)
	p.SetString(prefKeyID, c.keyID.Text)
	p.SetString(prefTeamID, c.teamID.Text)
	p.SetString(prefToken, c.token.Text)
	p.SetString(prefBody, c.body.Text)
	p.SetString(prefTitle, c.title.Text)
	p.SetString(prefSubtitle, c.subtitle.Text)
	p.SetString(prefBadge, c.badge.Text)
	p.SetString(prefSound, c.sound.Text)
	p.SetString(prefTopic, c.topic.Text)
	p.SetString(prefPushType, c.pushType.Selected)
	p.SetInt(prefPriority, priorityValue(c.priority.Selected))
	p.SetString(prefExpiration, c.expiration.Text)
	p.SetString(prefCollapseID, c.collapseID.Text)
	p.SetString(prefCustom, c.custom.Text)
	p.SetFloat(prefSplit, c.split.Offset)
	protocol := "http2"
	if c.binary() {
		protocol = "binary"
	}
	p.SetString(prefProtocol, protocol)
	p.SetString(prefFormat, c.format.Selected)
}

// saveSoon saves after a change (Fyne batches the writes to disk).
func (c *Console) saveSoon() { c.save() }

// changesOnly writes a preference only when its value changes. Each write
// makes Fyne rewrite the preferences file (and its file watcher read it
// back), so a save that changes nothing writes nothing; in particular the
// save on quitting no longer races Fyne's own final save, which made Fyne
// log "Preferences load error: EOF".
type changesOnly struct{ p fyne.Preferences }

func (w changesOnly) SetString(key, v string) {
	if w.p.String(key) != v {
		w.p.SetString(key, v)
	}
}

func (w changesOnly) SetInt(key string, v int) {
	if w.p.Int(key) != v {
		w.p.SetInt(key, v)
	}
}

func (w changesOnly) SetFloat(key string, v float64) {
	if w.p.Float(key) != v {
		w.p.SetFloat(key, v)
	}
}
