package ui

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"apnsconsole/sender"
	"apnsconsole/sender/credential"
	"apnsconsole/sender/document"
	"apnsconsole/sender/legacy"
)

// prefRecent lists the documents opened or saved last, newest first.
const prefRecent = "documents.recent"

// maxRecent is how many documents File → Open Recent offers.
const maxRecent = 8

// docState is the document the window shows: its file ("" for an
// untitled form), and the form as it was when opened or saved, to tell
// unsaved changes. UI goroutine only.
type docState struct {
	path         string
	saved        string          // formSnapshot when opened or saved
	liveActivity []byte          // a document's Live Activity fields, kept as read
	confirm      func(func())    // asks before unsaved changes are lost; tests replace it
	showError    func(err error) // shows a file's problem; tests replace it
}

// isDocumentFile reports whether path is a document the window opens
// (.apns or .apnsconsole), rather than a credential file.
func isDocumentFile(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == document.APNsExt || ext == document.ConsoleExt
}

// initDocuments starts an untitled document from the restored form.
func (c *Console) initDocuments() {
	c.doc.confirm = c.askToSave
	c.doc.showError = c.showFileError
	c.doc.saved = c.formSnapshot()
	c.updateTitle()
}

// formSnapshot is everything a document keeps, as text: two snapshots
// differ when the form has unsaved changes.
func (c *Console) formSnapshot() string {
	d, err := c.formDocumentTokens(false)
	var payload string
	if err == nil {
		payload = string(d.Payload)
	}
	return fmt.Sprintf("%q", []string{c.bar.envName(), c.bar.customHost.Text, c.bar.customCA.Text,
		kindName(c.cred.chosen()), c.cred.p12Path.Text, c.cred.certPath.Text, c.cred.keyPath.Text, c.cred.p8Path.Text,
		c.cred.keyID.Text, c.cred.teamID.Text, c.dev.fingerprint(), c.note.body.Text, c.note.title.Text, c.note.subtitle.Text,
		c.note.badge.Text, c.note.sound.Text, c.note.topic.Text, c.note.pushType.Selected, c.note.priority.Selected,
		c.adv.expiration.Text, c.adv.collapseID.Text, c.adv.custom.Text, payload, c.simDeviceChoice(), d.Target.Binary})
}

// dirty reports unsaved changes.
func (c *Console) dirty() bool { return c.doc.saved != "" && c.formSnapshot() != c.doc.saved }

// updateTitle shows the document's name and, with unsaved changes, a
// mark: "*hello.apnsconsole — APNs Console".
func (c *Console) updateTitle() {
	if c.doc.saved == "" {
		return // still building
	}
	name := filepath.Base(c.doc.path)
	if c.doc.path == "" {
		name = "Untitled"
	}
	title := name + " — " + WindowTitle
	if c.dirty() {
		title = "*" + title
	} else if c.doc.path == "" {
		title = WindowTitle
	}
	if c.win.Title() != title {
		c.win.SetTitle(title)
	}
}

// formDocument is the form as a console document.
func (c *Console) formDocument() (*document.Document, error) { return c.formDocumentTokens(true) }

// formDocumentTokens is formDocument, with the tokens or without them
// (a snapshot has their fingerprint instead: 100,000 of them are not
// copied on every keystroke).
func (c *Console) formDocumentTokens(tokens bool) (*document.Document, error) {
	d := &document.Document{
		Target:     document.Target{Environment: c.bar.envName()},
		Topic:      strings.TrimSpace(c.note.topic.Text),
		PushType:   c.note.selectedPushType(),
		Priority:   priorityValue(c.note.priority.Selected),
		Expiration: strings.TrimSpace(c.adv.expiration.Text),
		CollapseID: c.adv.collapseID.Text,
	}
	if c.bar.custom() {
		d.Target.Host, d.Target.CA = strings.TrimSpace(c.bar.customHost.Text), strings.TrimSpace(c.bar.customCA.Text)
	}
	if c.simTarget() {
		d.Target.Environment, d.Target.Device = document.TargetSimulator, c.simDeviceID()
	}
	if c.binary() {
		d.Target.Binary = string(c.binaryFormat())
	}
	if ref := c.credentialRef(); ref.Path != "" {
		d.Credential = ref
	}
	for rest := c.dev.text(); tokens && rest != ""; {
		var l string
		l, rest, _ = strings.Cut(rest, "\n")
		if l = strings.TrimSpace(l); l != "" {
			d.Tokens = append(d.Tokens, l)
		}
	}
	if len(c.doc.liveActivity) > 0 {
		d.LiveActivity = c.doc.liveActivity
	}
	m, err := c.note.message(c.adv.custom.Text)
	if err != nil {
		return d, err
	}
	p, err := sender.BuildPayload(m)
	if p == nil {
		return d, fmt.Errorf("the payload cannot be saved: %w", err)
	}
	d.Payload = p
	return d, nil
}

// credentialRef names the chosen credential's files (never a secret).
func (c *Console) credentialRef() credential.Ref {
	if ref, ok := c.keychainRef(); ok {
		return ref
	}
	r := c.cred.request()
	ref := credential.Ref{Kind: r.kind, Path: r.path, KeyPath: r.path2}
	if r.kind == credential.KindP8 {
		ref.KeyID, ref.TeamID = r.keyID, r.teamID
	}
	return ref
}

// applyDocument fills the form from a console document.
func (c *Console) applyDocument(d *document.Document) {
	switch d.Target.Environment {
	case document.TargetCustom:
		c.bar.customHost.SetText(d.Target.Host)
		c.bar.customCA.SetText(d.Target.CA)
		c.bar.env.SetSelected(envCustom)
	case document.TargetSimulator:
		c.chooseSimulator(d.Target.Device)
	default:
		if env, err := sender.ParseEnvironment(d.Target.Environment); err == nil {
			c.bar.setEnvironment(env)
		}
	}
	// The protocol the document was sent with: the binary one and its
	// format, or HTTP/2.
	if f, err := legacy.ParseFormat(d.Target.Binary); d.Target.Binary != "" && err == nil {
		c.format.SetSelected(string(f))
		c.protocol.SetSelected(protoBinary)
	} else {
		c.protocol.SetSelected(protoHTTP2)
	}
	if ref := d.Credential; !ref.IsZero() {
		c.applyCredentialRef(ref)
	}
	c.note.pushType.SetSelected(string(cmpPushType(d.PushType)))
	c.note.topic.SetText(d.Topic)
	c.note.priority.SetSelected(priorityChoice(d.Priority))
	c.adv.expiration.SetText(d.Expiration)
	c.adv.collapseID.SetText(d.CollapseID)
	c.dev.setText(strings.Join(d.Tokens, "\n"))
	c.doc.liveActivity = d.LiveActivity
	c.applyPayload(d.Payload)
}

func cmpPushType(p sender.PushType) sender.PushType {
	if p == "" {
		return sender.PushAlert
	}
	return p
}

// applyCredentialRef chooses a document's credential and loads its files
// (a .p12's password is never saved: the section asks for it).
func (c *Console) applyCredentialRef(ref credential.Ref) {
	if ref.Kind == credential.KindKeychain {
		c.selectKeychainIdentity(ref.Path)
		return
	}
	c.cred.choose(ref.Kind)
	switch ref.Kind {
	case credential.KindP12:
		c.cred.p12Path.SetText(ref.Path)
		c.cred.p12Password.SetText(c.cred.password(ref.Path)) // typed earlier in this session, or ""
	case credential.KindPEM:
		c.cred.certPath.SetText(ref.Path)
		c.cred.keyPath.SetText(ref.KeyPath)
		c.cred.keyPassword.SetText(c.cred.password(ref.Path))
	case credential.KindP8:
		c.cred.p8Path.SetText(ref.Path)
		c.cred.keyID.SetText(ref.KeyID)
		c.cred.teamID.SetText(ref.TeamID)
	}
	r := c.cred.request()
	r.quiet = true
	c.cred.load(r)
}

// applyPayload fills the alert fields and the custom JSON from a payload:
// the aps keys the form has fields for go into them, the rest into
// Custom JSON.
func (c *Console) applyPayload(p []byte) {
	m, err := sender.SplitPayload(p)
	if err != nil {
		m = sender.Message{Custom: string(p)} // shown as it is, with its problem
	}
	c.note.body.SetText(m.Body)
	c.note.title.SetText(m.Title)
	c.note.subtitle.SetText(m.Subtitle)
	c.note.badge.SetText("")
	if m.Badge != nil {
		c.note.badge.SetText(strconv.Itoa(*m.Badge))
	}
	c.note.sound.SetText(m.Sound)
	c.adv.custom.SetText(m.Custom)
}

// OpenDocument opens a .apns file or a console document, asking first
// when the form has unsaved changes. A file that cannot be used is
// explained in a dialog (cause and fix) and the form stays as it was.
func (c *Console) OpenDocument(path string) {
	c.unlessUnsaved(func() { c.openNow(path) })
}

func (c *Console) openNow(path string) {
	if document.IsConsole(path) {
		d, err := document.ReadConsole(path)
		if d == nil {
			c.doc.showError(err)
			return
		}
		c.applyDocument(d)
		c.opened(path)
		if err != nil { // the document opened; a file it names is gone
			c.doc.showError(err)
		}
		return
	}
	f, err := document.ReadAPNs(path)
	if err != nil {
		c.doc.showError(err)
		return
	}
	c.doc.liveActivity = nil
	c.applyPayload(f.Payload)
	if f.Bundle != "" {
		c.note.topic.SetText(c.note.selectedPushType().TopicFor(f.Bundle))
	}
	c.opened(path)
}

// opened makes path the window's document, unchanged.
func (c *Console) opened(path string) {
	c.doc.path = path
	c.addRecent(path)
	c.changed()
	c.doc.saved = c.formSnapshot()
	c.updateTitle()
	c.log.Add(sender.EventInfo, toneNormal, "Opened "+path)
}

// NewDocument empties the notification, tokens and options for a new
// untitled document, asking first when there are unsaved changes. The
// credential and the target stay: they are the user's setup.
func (c *Console) NewDocument() {
	c.unlessUnsaved(func() {
		c.doc.path, c.doc.liveActivity = "", nil
		c.applyPayload([]byte(`{}`))
		c.note.pushType.SetSelected(string(sender.PushAlert))
		c.note.topic.SetText("")
		c.note.priority.SetSelected(priorityDefault)
		c.adv.expiration.SetText("")
		c.adv.collapseID.SetText("")
		c.adv.apnsID.SetText("")
		c.dev.setText("")
		c.changed()
		c.doc.saved = c.formSnapshot()
		c.updateTitle()
	})
}

// SaveDocument saves to the document's file, or asks for one.
func (c *Console) SaveDocument() {
	if c.doc.path == "" {
		c.SaveDocumentAs(document.ConsoleExt)
		return
	}
	c.saveTo(c.doc.path)
}

// saveTo writes the form to path: a .apns file (payload and bundle) or a
// console document, by its extension; path becomes the window's document.
func (c *Console) saveTo(path string) bool { return c.write(path, false) }

// write is saveTo; an export (Save Payload as .apns) writes the file and
// leaves the window's document as it was.
func (c *Console) write(path string, export bool) bool {
	var err error
	if document.IsConsole(path) {
		var d *document.Document
		if d, err = c.formDocument(); err == nil {
			err = document.WriteConsole(path, d)
		}
	} else {
		var p []byte
		if p, err = c.payload(); p != nil || err == nil {
			bundle := bundleOf(strings.TrimSpace(c.note.topic.Text))
			if bundle == "" {
				bundle = bundleOf(c.defaultTopic(c.cred.active()))
			}
			err = document.WriteAPNs(path, &document.APNsFile{Bundle: bundle, Payload: p})
		}
	}
	if err != nil {
		c.doc.showError(err)
		return false
	}
	if export {
		c.log.Add(sender.EventInfo, toneNormal, "Saved the payload to "+path)
		return true
	}
	c.doc.path = path
	c.doc.saved = c.formSnapshot()
	c.addRecent(path)
	c.updateTitle()
	c.log.Add(sender.EventInfo, toneNormal, "Saved "+path)
	return true
}
