// Package ui is the console window: pick a credential, paste tokens, type
// the alert, choose where it goes, send, and read the log. It talks to
// package sender only (and starts the simulator through sender/apnstest for the Local
// environment); it never touches the network itself.
//
// Each section of the form is its own small type in its own file
// (credentialSection, deviceSection, notificationSection,
// advancedSection, payloadView, sendBar, LogPane) with its widgets and
// its validation; it tells the Console what changed through a callback,
// and the Console wires them.
package ui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
	"apnsconsole/sender/legacy"
	_ "apnsconsole/ui/posixlocale" // initialised before Fyne reads the locale: no locale error under C.UTF-8
)

// AppID is the application id: Fyne keeps the preferences under it.
const AppID = "dev.apnsconsole.app"

// WindowTitle is the title of the console window.
const WindowTitle = "APNs Console"

// Window sizes: what the layout is designed for, and the smallest it
// still works at.
var (
	DefaultSize = fyne.NewSize(1100, 720)
	MinimumSize = fyne.NewSize(800, 600)
)

// Section indexes in the accordion.
const (
	secCredential = iota
	secDevice
	secNotification
	secAdvanced
	secPayload
)

// Console is the console window. Make it with New; everything it shows is
// built from the fyne.App it is given, so tests drive it with
// fyne.io/fyne/v2/test.
type Console struct {
	app     fyne.App
	win     fyne.Window
	version string
	prefs   fyne.Preferences
	private *privatePrefs // the preferences that hold device tokens (privateprefs.go)
	now     func() time.Time
	ctx     context.Context
	cancel  context.CancelFunc
	do      func(func()) // hands work from background goroutines to the UI goroutine: fyne.Do

	log   *LogPane
	cred  *credentialSection
	dev   *deviceSection
	note  *notificationSection
	adv   *advancedSection
	pview *payloadView
	bar   *sendBar
	la    *liveActivitySection // shown in Notification for push type liveactivity
	ch    *channelsPanel

	protocol *widget.RadioGroup // HTTP/2 or the legacy binary protocol
	format   *widget.Select     // the binary format
	sections *widget.Accordion
	split    *container.Split

	// State used on the UI goroutine only.
	sending     bool
	sends       int
	ready       bool
	restored    bool // preferences are applied; changes are saved from now on
	savePending bool // saveSoon has a save queued

	simMu     sync.Mutex // held while the simulator starts
	mu        sync.Mutex // guards what background goroutines touch below
	sim       *apnstest.Server
	simErr    error
	demo      map[credential.Kind]*credential.Credential
	gw        *apnstest.Gateway // the Local binary gateway, started on first use
	gwErr     error
	client    sender.Sender
	clientKey clientKey
	closed    bool
	closeOnce sync.Once
	release   *time.Timer // gives memory back after a burst of sends

	doc        docState           // the document shown: file, unsaved changes
	simT       *simTarget         // the iOS Simulator target's row
	preview    *previewView       // the notification as iOS shows it
	rightTabs  *container.AppTabs // the log and the preview
	keychainOn bool               // show the Keychain kind off macOS too (tests)
	keychain   *keychainPanel     // the Keychain kind's identities; nil when not shown

	events *eventRouter // the client's events, to the row of the send under way
	bulk   bulkRunner   // sends a batch over one client
}

// Option adjusts a Console made by New.
type Option func(*Console)

// WithClock sets the clock used for certificate validity and expirations
// (tests).
func WithClock(now func() time.Time) Option { return func(c *Console) { c.now = now } }

// New builds the console window for a (not shown yet: call
// Window().ShowAndRun(), or Show). Preferences come from a.Preferences().
func New(a fyne.App, version string, opts ...Option) *Console {
	c := &Console{
		app:     a,
		version: version,
		prefs:   a.Preferences(),
		now:     time.Now,
		do:      fyne.Do,
		demo:    map[credential.Kind]*credential.Credential{},
		bulk:    streamBulk{},
	}
	for _, o := range opts {
		o(c)
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.win = a.NewWindow(WindowTitle)
	c.log = newLogPane(a, c.do, refreshDelay)
	c.events = &eventRouter{log: c.log}
	c.win.SetContent(c.buildUI())
	c.win.SetMainMenu(c.buildMenu())
	c.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { c.Drop(uris) })
	c.win.SetOnClosed(c.Close)
	c.win.Resize(DefaultSize)
	c.log.loadHistory()
	c.restore()
	c.initWorkflows()
	// The tokens are what people paste first; it also makes Ctrl/Cmd+Enter
	// start from a text field, which the menu shortcut handles.
	c.win.Canvas().Focus(c.dev.tokens)
	return c
}

// Window is the console's window.
func (c *Console) Window() fyne.Window { return c.win }

// Log is the console's log pane.
func (c *Console) Log() *LogPane { return c.log }

func (c *Console) buildUI() fyne.CanvasObject {
	c.cred = newCredentialSection(c.win, c.prefs, c.now, c.do)
	c.cred.local = func() bool { return c.bar != nil && c.bar.local() }
	c.cred.demo = func(k credential.Kind) *credential.Credential {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.demo[k]
	}
	c.cred.simOK = func() error {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.simErr
	}
	c.cred.changed = c.credentialChanged
	c.buildKeychain()
	c.cred.loadedByUser = func(cred *credential.Credential) {
		c.log.Add(sender.EventInfo, toneNormal, "Loaded "+cred.Kind.String()+": "+cred.Summary(c.now()))
	}

	c.dev = newDeviceSection()
	c.dev.changed = c.changed
	c.note = newNotificationSection()
	c.note.changed = c.changed
	c.note.useTemplate = c.useTemplate
	c.adv = newAdvancedSection()
	c.adv.changed = c.changed
	c.pview = newPayloadView()
	c.la = newLiveActivitySection(c.win)
	c.la.changed = c.changed
	c.la.broadcast = c.broadcastLive
	c.ch = c.buildChannels()

	c.adv.form.Append("Protocol", c.buildProtocol())
	c.bar = newSendBar(c.browseCA)
	c.bar.envChanged = c.environmentChanged
	c.bar.customChanged = func() { c.dropClient(); c.changed() }
	c.bar.send = c.Send
	c.buildSimTarget()

	c.sections = widget.NewAccordion(
		widget.NewAccordionItem("Credential", c.cred.content),
		widget.NewAccordionItem("Device", c.dev.content),
		widget.NewAccordionItem("Notification", container.NewVBox(c.note.content, c.la.content)),
		widget.NewAccordionItem("Advanced", c.adv.content),
		widget.NewAccordionItem("Payload", c.pview.content),
		widget.NewAccordionItem("Channels", c.ch.content),
	)
	c.sections.MultiOpen = true
	c.sections.Open(secCredential)
	c.sections.Open(secDevice)
	c.sections.Open(secNotification)

	// Room on the right for the scroll bar, which floats over the content.
	inset := container.New(layout.NewCustomPaddedLayout(0, 0, 0, theme.Size(theme.SizeNameScrollBar)+2), c.sections)
	formScroll := container.NewVScroll(inset)
	scrollFormWith(formScroll, c.dev.tokens, c.note.body, c.adv.custom, c.la.contentState, c.la.attrs)
	for _, fields := range []wheelFields{c.cred.wheel, c.note.wheel, c.adv.wheel, c.la.wheel} {
		scrollFormWith(formScroll, fields...)
	}
	form := container.NewBorder(nil, c.bar.content, nil, nil, formScroll)
	c.split = container.NewHSplit(form, c.rightPane())
	c.split.Offset = 0.5
	return c.split
}

// sendShortcut is Ctrl+Enter (Cmd+Enter on macOS). It is a main-menu
// shortcut, so it fires while a text field has the focus.
var sendShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}

func (c *Console) buildMenu() *fyne.MainMenu {
	send := fyne.NewMenuItem("Send", c.Send)
	send.Shortcut = sendShortcut
	send.Icon = theme.MailSendIcon()
	open := fyne.NewMenuItem("Open Credential File…", c.cred.browseMain)
	open.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	open.Icon = theme.FolderOpenIcon()
	copyAll := fyne.NewMenuItem("Copy All", c.log.CopyAll)
	copyAll.Icon = theme.ContentCopyIcon()
	clear := fyne.NewMenuItem("Clear History", c.log.Clear)
	clear.Icon = theme.DeleteIcon()
	about := fyne.NewMenuItem("About APNs Console", c.showAbout)
	about.Icon = theme.InfoIcon()
	return fyne.NewMainMenu(
		c.fileMenu(open, send),
		fyne.NewMenu("Log", copyAll, clear),
		fyne.NewMenu("Help", about),
	)
}

// showAbout shows the About box; Esc and Return close it.
func (c *Console) showAbout() {
	d := dialog.NewInformation("About APNs Console",
		"APNs Console "+c.version+"\n\nSends Apple push notifications over HTTP/2 and shows every step.\n"+
			"Local simulator: a faithful APNs on 127.0.0.1, for trying things without Apple.", c.win)
	d.Show()
	canvas := c.win.Canvas()
	previous := canvas.OnTypedKey()
	canvas.SetOnTypedKey(func(k *fyne.KeyEvent) {
		switch k.Name {
		case fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter:
			d.Hide()
		default:
			if previous != nil {
				previous(k)
			}
		}
	})
	d.SetOnClosed(func() { canvas.SetOnTypedKey(previous) })
}

// browseCA picks the custom target's CA file.
func (c *Console) browseCA(e *widget.Entry) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		e.SetText(r.URI().Path())
		r.Close()
	}, c.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pem", ".crt", ".cer"}))
	d.SetView(dialog.ListView)
	d.Show()
}

// Close saves the preferences and the history, and closes the connection
// and the local simulator. The window calls it when it closes; it may be
// called again.
func (c *Console) Close() {
	c.closeOnce.Do(func() {
		c.save()
		c.private.wait() // the device tokens' file is written (privateprefs.go)
		c.log.closeHistory()
		c.cancel()
		c.mu.Lock()
		c.closed = true
		client, sim, gw := c.client, c.sim, c.gw
		c.client, c.sim, c.gw = nil, nil, nil
		c.mu.Unlock()
		if client != nil {
			client.Close()
		}
		if gw != nil {
			gw.Close()
		}
		if sim != nil {
			sim.Close()
		}
	})
}

// environment is the chosen environment.
func (c *Console) environment() sender.Environment { return c.bar.environment() }

// changed runs after any change in a section: validate and save.
func (c *Console) changed() {
	c.validate()
	c.saveSoon()
	c.updateTitle()
	c.updatePreview()
}

// credentialChanged runs when the credential or its kind changed: the
// connection made with the previous one goes.
func (c *Console) credentialChanged() {
	c.dropClient()
	c.refreshTopics()
	c.changed()
}

func (c *Console) environmentChanged() {
	c.dropClient()
	if c.bar.local() {
		c.startSimulator()
		if c.binary() {
			c.startGateway()
		}
	} else if c.binary() && c.restored {
		c.log.Add(sender.EventWarning, toneWarning, legacy.RetiredNotice)
	}
	c.cred.show()
	c.refreshTopics()
	c.changed()
}

// useTemplate starts the payload of a push type: custom JSON in Advanced
// (opened to show it), alert fields and priority in Notification.
func (c *Console) useTemplate(t payloadTemplate) {
	c.note.apply(t)
	c.adv.custom.SetText(t.custom)
	c.sections.Open(secPayload)
	c.changed()
}
