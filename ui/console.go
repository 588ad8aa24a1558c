// Package ui is the console window: pick a credential, paste a token, type
// the alert, choose the environment, send, and read the log. It talks to
// package sender only (and starts sender/apnstest's simulator for the Local
// environment); it never touches the network itself.
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

// Environment choices, in the order shown.
const (
	envSandbox    = "Sandbox"
	envProduction = "Production"
	envLocal      = "Local simulator"
)

var envChoices = []string{envSandbox, envProduction, envLocal}

// Console is the console window. Make it with New; everything it shows is
// built from the fyne.App it is given, so tests drive it with
// fyne.io/fyne/v2/test.
type Console struct {
	app     fyne.App
	win     fyne.Window
	version string
	prefs   fyne.Preferences
	now     func() time.Time
	ctx     context.Context
	cancel  context.CancelFunc
	do      func(func()) // hands work from background goroutines to the UI goroutine: fyne.Do

	log *LogPane

	// Credential section.
	kind        *widget.Select
	credForm    *widget.Form
	p12Path     *widget.Entry
	p12Password *widget.Entry
	certPath    *widget.Entry
	keyPath     *widget.Entry
	keyPassword *widget.Entry
	p8Path      *widget.Entry
	keyID       *widget.Entry
	teamID      *widget.Entry
	loadBtn     *widget.Button
	credIcon    *widget.Icon
	credSummary *widget.Label
	credWarning *widget.Label
	localNote   *widget.Label

	// Device section.
	token       *widget.Entry
	tokenStatus *widget.Label

	// Notification section.
	body         *widget.Entry
	title        *widget.Entry
	subtitle     *widget.Entry
	badge        *widget.Entry
	sound        *widget.Entry
	topic        *widget.SelectEntry
	topicOptions []string // the certificate's topics, offered in topic
	pushType     *widget.Select
	priority     *widget.Select

	// Advanced section.
	expiration     *widget.Entry
	expirationHint *widget.Label
	collapseID     *widget.Entry
	apnsID         *widget.Entry
	custom         *widget.Entry
	payloadStatus  *widget.Label
	sections       *widget.Accordion

	// Send bar.
	env      *widget.RadioGroup
	protocol *widget.RadioGroup // HTTP/2 or the legacy binary protocol
	format   *widget.Select     // the binary format
	target   *widget.Label
	problem  *widget.Label
	sendBtn  *widget.Button
	activity *widget.Activity
	split    *container.Split

	// State used on the UI goroutine only.
	creds    map[credential.Kind]*credential.Credential // loaded by the user, per kind
	credErrs map[credential.Kind]string                 // why the last load of a kind failed
	loading  map[credential.Kind]int                    // generation of the load in flight
	loadGen  int
	sending  bool
	sends    int
	ready    bool
	restored bool // preferences are applied; changes are saved from now on

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
		app:      a,
		version:  version,
		prefs:    a.Preferences(),
		now:      time.Now,
		do:       fyne.Do,
		creds:    map[credential.Kind]*credential.Credential{},
		credErrs: map[credential.Kind]string{},
		loading:  map[credential.Kind]int{},
		demo:     map[credential.Kind]*credential.Credential{},
	}
	for _, o := range opts {
		o(c)
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.win = a.NewWindow(WindowTitle)
	c.log = newLogPane(a, c.do, refreshDelay)
	c.win.SetContent(c.buildUI())
	c.win.SetMainMenu(c.buildMenu())
	c.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { c.Drop(uris) })
	c.win.SetOnClosed(c.Close)
	c.win.Resize(DefaultSize)
	c.restore()
	// The token is what people paste first; it also makes Ctrl/Cmd+Enter
	// start from a text field, which the menu shortcut handles.
	c.win.Canvas().Focus(c.token)
	return c
}

// Window is the console's window.
func (c *Console) Window() fyne.Window { return c.win }

// Log is the console's log pane.
func (c *Console) Log() *LogPane { return c.log }

func (c *Console) buildUI() fyne.CanvasObject {
	c.sections = widget.NewAccordion(
		widget.NewAccordionItem("Credential", c.buildCredential()),
		widget.NewAccordionItem("Device", c.buildDevice()),
		widget.NewAccordionItem("Notification", c.buildNotification()),
		widget.NewAccordionItem("Advanced", c.buildAdvanced()),
	)
	c.sections.MultiOpen = true
	c.sections.Open(0)
	c.sections.Open(1)
	c.sections.Open(2)

	// Room on the right for the scroll bar, which floats over the content.
	inset := container.New(layout.NewCustomPaddedLayout(0, 0, 0, theme.Size(theme.SizeNameScrollBar)+2), c.sections)
	form := container.NewBorder(nil, c.buildSendBar(), nil, nil, container.NewVScroll(inset))
	c.split = container.NewHSplit(form, c.log.Content())
	c.split.Offset = 0.5
	return c.split
}

// buildSendBar is the bottom of the form: environment (and, with the
// binary protocol, the protocol choice next to it), what is wrong if
// anything, where the send goes, and Send.
func (c *Console) buildSendBar() fyne.CanvasObject {
	c.env = widget.NewRadioGroup(envChoices, func(string) { c.environmentChanged() })
	c.env.Horizontal = true
	c.env.Required = true

	c.problem = widget.NewLabel("")
	c.problem.Wrapping = fyne.TextWrapWord
	c.problem.Importance = widget.DangerImportance
	c.problem.Hide()

	c.target = widget.NewLabel("")
	c.target.Importance = widget.LowImportance
	c.target.Truncation = fyne.TextTruncateEllipsis

	c.activity = widget.NewActivity()
	c.activity.Hide()
	c.sendBtn = widget.NewButtonWithIcon("Send", theme.MailSendIcon(), c.Send)
	c.sendBtn.Importance = widget.HighImportance

	return container.NewVBox(
		widget.NewSeparator(),
		c.connectionControls(),
		c.problem,
		container.NewBorder(nil, nil, nil, container.NewHBox(c.activity, c.sendBtn), c.target),
	)
}

// connectionControls says where and how a send goes: the environment,
// and under it the protocol (HTTP/2 or the legacy binary API), so the form
// stays within 800 px.
func (c *Console) connectionControls() fyne.CanvasObject {
	return container.NewVBox(c.env, c.buildProtocol())
}

// sendShortcut is Ctrl+Enter (Cmd+Enter on macOS). It is a main-menu
// shortcut, so it fires while a text field has the focus.
var sendShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}

func (c *Console) buildMenu() *fyne.MainMenu {
	send := fyne.NewMenuItem("Send", c.Send)
	send.Shortcut = sendShortcut
	send.Icon = theme.MailSendIcon()
	open := fyne.NewMenuItem("Open Credential File…", c.browseMain)
	open.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	open.Icon = theme.FolderOpenIcon()
	copyAll := fyne.NewMenuItem("Copy All", c.log.CopyAll)
	copyAll.Icon = theme.ContentCopyIcon()
	clear := fyne.NewMenuItem("Clear", c.log.Clear)
	clear.Icon = theme.DeleteIcon()
	about := fyne.NewMenuItem("About APNs Console", c.showAbout)
	about.Icon = theme.InfoIcon()
	return fyne.NewMainMenu(
		fyne.NewMenu("File", open, fyne.NewMenuItemSeparator(), send),
		fyne.NewMenu("Log", copyAll, clear),
		fyne.NewMenu("Help", about),
	)
}

func (c *Console) showAbout() {
	dialog.ShowInformation("About APNs Console",
		"APNs Console "+c.version+"\n\nSends Apple push notifications over HTTP/2 and shows every step.\n"+
			"Local simulator: a faithful APNs on 127.0.0.1, for trying things without Apple.", c.win)
}

// Close saves the preferences and closes the connection and the local
// simulator. The window calls it when it closes; it may be called again.
func (c *Console) Close() {
	c.closeOnce.Do(func() {
		c.save()
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
func (c *Console) environment() sender.Environment {
	switch c.env.Selected {
	case envProduction:
		return sender.Production
	case envLocal:
		return sender.Local
	}
	return sender.Sandbox
}

func envChoice(e sender.Environment) string {
	switch e {
	case sender.Production:
		return envProduction
	case sender.Local:
		return envLocal
	}
	return envSandbox
}

func (c *Console) setEnvironment(e sender.Environment) {
	c.env.SetSelected(envChoice(e))
}

func (c *Console) environmentChanged() {
	c.dropClient()
	if c.environment() == sender.Local {
		c.startSimulator()
		if c.binary() {
			c.startGateway()
		}
	} else if c.binary() && c.restored {
		c.log.Add(sender.EventWarning, toneWarning, legacy.RetiredNotice)
	}
	c.showCredential()
	c.validate()
	c.saveSoon()
}
