package ui

import (
	"time"

	"fyne.io/fyne/v2"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/legacy"
)

// Preference keys. Only what the user would retype is kept: paths, ids,
// the token and the message fields. The tokens are kept in the app's own
// private file (privateprefs.go), the rest in Fyne's preferences. Passwords, keys and JWTs are never
// stored, nor is anything about the simulator's demo credential.
const (
	prefEnvironment = "environment" // sandbox, production, local or custom; absent on a first launch
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
	prefCustomHost  = "custom.host"
	prefCustomCA    = "custom.ca"
)

// demoBody is the alert a first launch starts with.
const demoBody = "Hello from APNs Console"

// restore applies the saved preferences, or on a first launch (no
// environment chosen yet) the local simulator with its demo token, so
// that pressing Send shows a full round trip at once.
func (c *Console) restore() {
	p := c.prefs
	c.private = openPrivatePrefs(c.app, p) // device tokens: privateprefs.go
	if c.private.problem != nil {          // shown once: the file was moved aside
		c.log.Add(sender.EventWarning, toneWarning, "The saved device tokens could not be read: "+c.private.problem.Error())
	}
	first := p.String(prefEnvironment) == ""
	c.cred.choose(parseKindName(p.String(prefKind)))
	c.cred.p12Path.SetText(p.String(prefP12Path))
	c.cred.certPath.SetText(p.String(prefCertPath))
	c.cred.keyPath.SetText(p.String(prefKeyPath))
	c.cred.p8Path.SetText(p.String(prefP8Path))
	c.cred.keyID.SetText(p.String(prefKeyID))
	c.cred.teamID.SetText(p.String(prefTeamID))
	c.note.body.SetText(p.String(prefBody))
	c.note.title.SetText(p.String(prefTitle))
	c.note.subtitle.SetText(p.String(prefSubtitle))
	c.note.badge.SetText(p.String(prefBadge))
	c.note.sound.SetText(p.String(prefSound))
	c.note.pushType.SetSelected(p.StringWithFallback(prefPushType, string(sender.PushAlert)))
	c.note.topic.SetText(p.String(prefTopic))
	c.note.priority.SetSelected(priorityChoice(p.Int(prefPriority)))
	c.adv.expiration.SetText(p.String(prefExpiration))
	c.adv.collapseID.SetText(p.String(prefCollapseID))
	c.adv.custom.SetText(p.String(prefCustom))
	c.dev.tokens.SetText(c.private.String(prefToken))
	c.bar.customHost.SetText(p.String(prefCustomHost))
	c.bar.customCA.SetText(p.String(prefCustomCA))
	c.format.SetSelected(p.StringWithFallback(prefFormat, string(legacy.FormatFrame)))
	if p.String(prefProtocol) == "binary" {
		c.protocol.SetSelected(protoBinary)
	}
	if off := p.Float(prefSplit); off > 0.2 && off < 0.8 {
		c.split.Offset = off
	}
	if first {
		c.dev.tokens.SetText(apnstest.DemoToken)
		c.note.body.SetText(demoBody)
		c.note.sound.SetText("default")
		c.bar.setEnvironment(sender.Local)
	} else if p.String(prefEnvironment) == "custom" {
		c.bar.env.SetSelected(envCustom)
	} else if p.String(prefEnvironment) == "simulator" {
		c.bar.env.SetSelected(envSimulator)
	} else {
		env, err := sender.ParseEnvironment(p.String(prefEnvironment))
		if err != nil {
			env = sender.Sandbox
		}
		c.bar.setEnvironment(env)
	}
	// Load the saved files of the chosen kind; a password can't be saved,
	// so a protected file waits for it without calling it an error.
	r := c.cred.request()
	r.quiet = true
	if r.path != "" {
		c.cred.load(r)
	}
	c.restored = true
	c.cred.show()
	c.refreshTopics()
	c.validate()
}

// save writes the fields to the preferences (never a password).
func (c *Console) save() {
	if !c.restored {
		return
	}
	p := changesOnly{c.prefs}
	p.SetString(prefEnvironment, c.bar.envName())
	p.SetString(prefCustomHost, c.bar.customHost.Text)
	p.SetString(prefCustomCA, c.bar.customCA.Text)
	p.SetString(prefKind, kindName(c.cred.chosen()))
	p.SetString(prefP12Path, c.cred.p12Path.Text)
	p.SetString(prefCertPath, c.cred.certPath.Text)
	p.SetString(prefKeyPath, c.cred.keyPath.Text)
	p.SetString(prefP8Path, c.cred.p8Path.Text)
	p.SetString(prefKeyID, c.cred.keyID.Text)
	p.SetString(prefTeamID, c.cred.teamID.Text)
	c.private.set(prefToken, c.dev.tokens.Text) // never in Fyne's preferences.json
	p.SetString(prefBody, c.note.body.Text)
	p.SetString(prefTitle, c.note.title.Text)
	p.SetString(prefSubtitle, c.note.subtitle.Text)
	p.SetString(prefBadge, c.note.badge.Text)
	p.SetString(prefSound, c.note.sound.Text)
	p.SetString(prefTopic, c.note.topic.Text)
	p.SetString(prefPushType, c.note.pushType.Selected)
	p.SetInt(prefPriority, priorityValue(c.note.priority.Selected))
	p.SetString(prefExpiration, c.adv.expiration.Text)
	p.SetString(prefCollapseID, c.adv.collapseID.Text)
	p.SetString(prefCustom, c.adv.custom.Text)
	p.SetFloat(prefSplit, c.split.Offset)
	protocol := "http2"
	if c.binary() {
		protocol = "binary"
	}
	p.SetString(prefProtocol, protocol)
	p.SetString(prefFormat, c.format.Selected)
}

// saveSoon saves half a second after the last of a burst of changes (a
// word typed is one write, not one per key: Fyne rewrites the whole file,
// and its file watcher reads it back, on every change).
func (c *Console) saveSoon() {
	if !c.restored || c.savePending {
		return
	}
	c.savePending = true
	time.AfterFunc(saveDelay, func() {
		c.do(func() {
			c.savePending = false
			c.mu.Lock()
			closed := c.closed
			c.mu.Unlock()
			if !closed {
				c.save()
			}
		})
	})
}

// saveDelay is how long saveSoon waits.
const saveDelay = 500 * time.Millisecond

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
