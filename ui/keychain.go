package ui

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender/credential"
)

// kindKeychainChoice is the Credential kind of a push identity in the
// login keychain, offered on macOS.
const kindKeychainChoice = "Keychain identity"

// keychainListTimeout bounds listing the keychain's identities; exporting
// one gets four times as long (macOS may ask the user first).
const keychainListTimeout = 30 * time.Second

// WithKeychain shows the Keychain kind on any system (tests; it is shown
// on macOS anyway). `security` is looked up on PATH.
func WithKeychain() Option { return func(c *Console) { c.keychainOn = true } }

// keychainHooks is what the credential section asks of the Keychain
// panel.
type keychainHooks struct {
	panel  func() fyne.CanvasObject // the identities, with Use buttons
	chosen func() string            // the identity in use: its SHA-1
}

// keychainPanel lists the push identities of the login keychain (name,
// bundle id, environments, expiry), each loaded with one click on Use.
// Listing and exporting run off the UI goroutine.
type keychainPanel struct {
	c       *Console
	rows    *fyne.Container
	refresh *widget.Button
	note    *widget.Label
	content fyne.CanvasObject

	ids     []credential.KeychainIdentity
	sha1    string // the identity chosen
	listed  bool   // listed at least once
	listing bool
}

// exportKeychainIdentity exports an identity into memory (never to disk).
func exportKeychainIdentity(sha1 string) (*credential.Credential, error) {
	k := &credential.Keychain{Timeout: keychainListTimeout}
	ctx, cancel := context.WithTimeout(context.Background(), 5*keychainListTimeout)
	defer cancel()
	return k.Export(ctx, sha1)
}

// buildKeychain offers the Keychain kind on macOS, or when forced.
func (c *Console) buildKeychain() {
	if runtime.GOOS != "darwin" && !c.keychainOn {
		return
	}
	k := &keychainPanel{c: c}
	c.keychain = k
	k.rows = container.NewVBox()
	k.note = widget.NewLabel("")
	k.note.Wrapping = fyne.TextWrapWord
	k.refresh = widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), k.list)
	k.content = container.NewVBox(k.rows, container.NewBorder(nil, nil, nil, k.refresh, k.note))
	c.cred.keychain = keychainHooks{
		panel: func() fyne.CanvasObject {
			if !k.listed && !k.listing {
				k.list()
			}
			return k.content
		},
		chosen: func() string { return k.sha1 },
	}
	c.cred.kind.SetOptions(append(slices.Clone(kindChoices), kindKeychainChoice))
}

// list reads the identities in the background.
func (k *keychainPanel) list() {
	kc := &credential.Keychain{Timeout: keychainListTimeout}
	if err := kc.Available(); err != nil {
		k.show(nil, err)
		return
	}
	k.listing = true
	k.refresh.Disable()
	k.note.SetText("Reading the login keychain…")
	go func() {
		ctx, cancel := context.WithTimeout(k.c.ctx, 2*keychainListTimeout)
		defer cancel()
		ids, err := kc.PushIdentities(ctx)
		k.c.do(func() { k.show(ids, err) })
	}()
}

// show draws the identities, or why there are none.
func (k *keychainPanel) show(ids []credential.KeychainIdentity, err error) {
	k.listing, k.listed = false, true
	k.ids = ids
	k.refresh.Enable()
	now := k.c.now()
	var rows []fyne.CanvasObject
	for _, id := range ids {
		id := id
		name := widget.NewLabel(id.Name + "\n" + orDefault(id.BundleID(), "(no bundle id)") + " · " + id.Environments() + " · " + expiry(id, now))
		name.Wrapping = fyne.TextWrapWord
		if id.Info.ExpiryWarning(now) != "" {
			name.Importance = widget.WarningImportance
		}
		use := widget.NewButton("Use", func() { k.use(id) })
		if id.SHA1 == k.sha1 {
			use.SetText("In use")
			use.Importance = widget.HighImportance
		}
		rows = append(rows, container.NewBorder(nil, nil, nil, container.NewCenter(use), name))
	}
	k.rows.Objects = rows
	k.rows.Refresh()
	switch {
	case err != nil:
		k.note.Importance = widget.DangerImportance
		k.note.SetText(sentence(err.Error()))
	case len(ids) == 0:
		k.note.Importance = widget.MediumImportance
		k.note.SetText("No push identity in the login keychain: add the certificate from the developer portal (with its private key) in Keychain Access.")
	default:
		k.note.Importance = widget.MediumImportance
		k.note.SetText(fmt.Sprintf("%d push %s", len(ids), map[bool]string{true: "identity", false: "identities"}[len(ids) == 1]) + " in the login keychain; Use exports one into memory (macOS may ask you to allow it).")
	}
}

// expiry is an identity's expiry, or its warning.
func expiry(id credential.KeychainIdentity, now time.Time) string {
	if w := id.Info.ExpiryWarning(now); w != "" {
		return w
	}
	return "expires " + id.Expires().Format("2006-01-02")
}

// use loads an identity: one click.
func (k *keychainPanel) use(id credential.KeychainIdentity) {
	k.sha1 = id.SHA1
	k.show(k.ids, nil)
	k.c.cred.loadChosen()
}

// keychainRef names the identity in use, for a document.
func (c *Console) keychainRef() (credential.Ref, bool) {
	if c.keychain == nil || c.cred.chosen() != credential.KindKeychain {
		return credential.Ref{}, false
	}
	return credential.Ref{Kind: credential.KindKeychain, Path: c.keychain.sha1}, true
}

// selectKeychainIdentity uses the identity with fingerprint sha1 (from a
// document).
func (c *Console) selectKeychainIdentity(sha1 string) {
	if c.keychain == nil {
		return
	}
	c.keychain.sha1 = sha1
	c.cred.choose(credential.KindKeychain)
	r := c.cred.request()
	r.quiet = true
	c.cred.load(r)
}
