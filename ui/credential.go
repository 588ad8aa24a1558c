package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
	"apnsconsole/sender/credential"
)

// Credential kind choices, in the order shown.
const (
	kindP12Choice = "Certificate (.p12)"
	kindPEMChoice = "PEM certificate + key"
	kindP8Choice  = "Token key (.p8)"
)

var kindChoices = []string{kindP12Choice, kindPEMChoice, kindP8Choice}

// File extensions each picker offers.
var (
	extP12 = []string{".p12", ".pfx"}
	extPEM = []string{".pem", ".crt", ".cer", ".key"}
	extP8  = []string{".p8"}
)

func (c *Console) buildCredential() fyne.CanvasObject {
	c.kind = widget.NewSelect(kindChoices, func(string) { c.kindChanged() })

	c.p12Path = c.pathEntry("Keychain Access export, e.g. Push.p12")
	c.p12Password = c.passwordEntry("the password chosen when exporting")
	c.certPath = c.pathEntry("aps.cer or cert.pem")
	c.keyPath = c.pathEntry("key.pem (empty: the key is in the certificate file)")
	c.keyPassword = c.passwordEntry("only if the key is encrypted")
	c.p8Path = c.pathEntry("AuthKey_ABC123DEFG.p8")
	c.keyID = c.idEntry("10 characters, from Keys in the developer portal")
	c.teamID = c.idEntry("10 characters, from Membership details")

	c.credForm = widget.NewForm()
	c.loadBtn = widget.NewButtonWithIcon("Load", theme.ViewRefreshIcon(), c.loadCredential)

	c.credIcon = widget.NewIcon(theme.InfoIcon())
	c.credSummary = widget.NewLabel("")
	c.credSummary.Wrapping = fyne.TextWrapWord
	c.credWarning = widget.NewLabel("")
	c.credWarning.Wrapping = fyne.TextWrapWord
	c.credWarning.Importance = widget.WarningImportance
	c.credWarning.Hide()
	c.localNote = widget.NewLabel("The local simulator uses its own demo credential (kept in memory). What you load here is used for Sandbox and Production.")
	c.localNote.Wrapping = fyne.TextWrapWord
	c.localNote.Importance = widget.LowImportance
	c.localNote.Hide()

	summary := container.NewBorder(nil, nil, container.NewVBox(c.credIcon), nil, c.credSummary)
	return container.NewVBox(c.credForm, summary, c.credWarning, c.localNote)
}

func (c *Console) pathEntry(placeholder string) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder(placeholder)
	e.OnSubmitted = func(string) { c.loadCredential() }
	return e
}

func (c *Console) passwordEntry(placeholder string) *widget.Entry {
	e := widget.NewPasswordEntry()
	e.SetPlaceHolder(placeholder)
	e.OnSubmitted = func(string) { c.loadCredential() }
	return e
}

func (c *Console) idEntry(placeholder string) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder(placeholder)
	e.OnSubmitted = func(string) { c.loadCredential() }
	e.OnChanged = func(string) { c.saveSoon() }
	return e
}

// fileRow is a path entry with its Browse button.
func (c *Console) fileRow(e *widget.Entry, exts []string) fyne.CanvasObject {
	browse := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() { c.browse(e, exts) })
	return container.NewBorder(nil, nil, nil, browse, e)
}

// credentialKind is the chosen kind.
func (c *Console) credentialKind() credential.Kind {
	switch c.kind.Selected {
	case kindPEMChoice:
		return credential.KindPEM
	case kindP8Choice:
		return credential.KindP8
	}
	return credential.KindP12
}

func kindChoice(k credential.Kind) string {
	switch k {
	case credential.KindPEM:
		return kindPEMChoice
	case credential.KindP8:
		return kindP8Choice
	}
	return kindP12Choice
}

func kindName(k credential.Kind) string {
	switch k {
	case credential.KindPEM:
		return "pem"
	case credential.KindP8:
		return "p8"
	}
	return "p12"
}

func parseKindName(s string) credential.Kind {
	switch s {
	case "pem":
		return credential.KindPEM
	case "p8":
		return credential.KindP8
	}
	return credential.KindP12
}

func (c *Console) kindChanged() {
	items := []*widget.FormItem{widget.NewFormItem("Kind", c.kind)}
	switch c.credentialKind() {
	case credential.KindP12:
		items = append(items,
			widget.NewFormItem("File", c.fileRow(c.p12Path, extP12)),
			widget.NewFormItem("Password", c.p12Password))
	case credential.KindPEM:
		items = append(items,
			widget.NewFormItem("Certificate", c.fileRow(c.certPath, extPEM)),
			widget.NewFormItem("Key", c.fileRow(c.keyPath, extPEM)),
			widget.NewFormItem("Key password", c.keyPassword))
	case credential.KindP8:
		items = append(items,
			widget.NewFormItem("Key file", c.fileRow(c.p8Path, extP8)),
			widget.NewFormItem("Key ID", c.keyID),
			widget.NewFormItem("Team ID", c.teamID))
	}
	items = append(items, widget.NewFormItem("", container.NewHBox(c.loadBtn)))
	c.credForm.Items = items
	c.credForm.Refresh()
	c.dropClient()
	c.showCredential()
	c.validate()
	c.saveSoon()
}

// browseMain opens the picker of the chosen kind's main file.
func (c *Console) browseMain() {
	switch c.credentialKind() {
	case credential.KindPEM:
		c.browse(c.certPath, extPEM)
	case credential.KindP8:
		c.browse(c.p8Path, extP8)
	default:
		c.browse(c.p12Path, extP12)
	}
}

// browse opens a file picker filtered to exts, sized to the window and
// starting in the folder of the path already typed; the chosen file goes
// into e and is loaded.
func (c *Console) browse(e *widget.Entry, exts []string) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, c.win)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		e.SetText(path)
		c.loadCredential()
	}, c.win)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	if dir := startFolder(e.Text, c.prefs.String(prefLastFolder)); dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	size := c.win.Canvas().Size()
	d.Resize(fyne.NewSize(size.Width*0.92, size.Height*0.92))
	d.Show()
}

// startFolder is the folder of path if it exists, else fallback if it
// exists, else "".
func startFolder(path, fallback string) string {
	for _, p := range []string{path, fallback} {
		if p == "" {
			continue
		}
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			p = filepath.Dir(p)
		} else if err != nil {
			p = filepath.Dir(p)
		}
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
	}
	return ""
}

// loadRequest is what a credential load needs, read on the UI goroutine.
type loadRequest struct {
	kind                credential.Kind
	path, path2, secret string
	keyID, teamID       string
	quiet               bool // a load at launch: a missing password is not an error yet
}

func (c *Console) loadRequest() loadRequest {
	k := c.credentialKind()
	r := loadRequest{kind: k}
	switch k {
	case credential.KindP12:
		r.path, r.secret = strings.TrimSpace(c.p12Path.Text), c.p12Password.Text
	case credential.KindPEM:
		r.path, r.path2, r.secret = strings.TrimSpace(c.certPath.Text), strings.TrimSpace(c.keyPath.Text), c.keyPassword.Text
	case credential.KindP8:
		r.path = strings.TrimSpace(c.p8Path.Text)
		r.keyID, r.teamID = strings.ToUpper(strings.TrimSpace(c.keyID.Text)), strings.ToUpper(strings.TrimSpace(c.teamID.Text))
		if r.keyID == "" {
			r.keyID = keyIDFromFileName(r.path)
		}
	}
	return r
}

// loadCredential loads the chosen kind's files in the background.
func (c *Console) loadCredential() { c.load(c.loadRequest()) }

func (c *Console) load(r loadRequest) {
	if r.path == "" {
		c.credErrs[r.kind] = ""
		delete(c.creds, r.kind)
		c.showCredential()
		c.validate()
		return
	}
	c.loadGen++
	gen := c.loadGen
	c.loading[r.kind] = gen
	c.showCredential()
	go func() {
		cred, err := loadCredential(r)
		c.do(func() { c.loaded(r, gen, cred, err) })
	}()
}

func loadCredential(r loadRequest) (*credential.Credential, error) {
	switch r.kind {
	case credential.KindPEM:
		return credential.LoadPEM(r.path, r.path2, r.secret)
	case credential.KindP8:
		return credential.LoadP8(r.path, r.keyID, r.teamID)
	}
	return credential.LoadP12(r.path, r.secret)
}

func (c *Console) loaded(r loadRequest, gen int, cred *credential.Credential, err error) {
	if c.loading[r.kind] != gen {
		return // a newer load of this kind is under way
	}
	delete(c.loading, r.kind)
	if err != nil {
		delete(c.creds, r.kind)
		msg := err.Error()
		if r.quiet && r.secret == "" && (errors.Is(err, credential.ErrWrongPassword) || errors.Is(err, credential.ErrKeyPasswordNeeded)) {
			msg = filepath.Base(r.path) + " is protected: type its password and press Enter or Load"
		}
		c.credErrs[r.kind] = msg
	} else {
		c.credErrs[r.kind] = ""
		c.creds[r.kind] = cred
		if r.kind == credential.KindP8 && c.keyID.Text == "" && cred.KeyID != "" {
			c.keyID.SetText(cred.KeyID)
		}
		c.prefs.SetString(prefLastFolder, filepath.Dir(r.path))
		if !r.quiet {
			c.log.Add(sender.EventInfo, toneNormal, "Loaded "+cred.Kind.String()+": "+cred.Summary(c.now()))
		}
		// A real credential is for Apple: leave the simulator for the
		// environment it is made for, or the one it allows.
		env := c.environment()
		if !r.quiet && (env == sender.Local || !env.Allows(cred)) {
			c.setEnvironment(sender.PreferredEnvironment(cred))
			c.log.Add(sender.EventInfo, toneNormal, "Environment: "+c.env.Selected+" ("+c.environment().Host()+"), the one this credential is for")
		}
	}
	if c.credentialKind() == r.kind {
		c.dropClient()
	}
	c.showCredential()
	c.validate()
	c.saveSoon()
}

// activeCredential is the credential a send uses now: the simulator's demo
// credential of the chosen kind in Local, else the one the user loaded.
// In Local it is nil until the simulator has started.
func (c *Console) activeCredential() *credential.Credential {
	k := c.credentialKind()
	if c.environment() == sender.Local {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.demo[k]
	}
	return c.creds[k]
}

// showCredential updates the summary lines under the credential form.
func (c *Console) showCredential() {
	k := c.credentialKind()
	local := c.environment() == sender.Local
	c.localNote.Hidden = !local
	c.localNote.Refresh()
	cred := c.activeCredential()
	warning := ""
	switch {
	case c.loading[k] != 0:
		c.setSummary(theme.ViewRefreshIcon(), widget.LowImportance, "Loading…")
	case c.credErrs[k] != "":
		// Shown in Local too: the user just tried to load it.
		c.setSummary(theme.NewErrorThemedResource(theme.ErrorIcon()), widget.DangerImportance, c.credErrs[k])
	case local && cred != nil:
		c.setSummary(theme.NewSuccessThemedResource(theme.ConfirmIcon()), widget.MediumImportance,
			"Simulator demo "+cred.Kind.String()+": "+cred.Summary(c.now()))
	case local:
		c.mu.Lock()
		err := c.simErr
		c.mu.Unlock()
		if err != nil {
			c.setSummary(theme.NewErrorThemedResource(theme.ErrorIcon()), widget.DangerImportance, err.Error())
		} else {
			c.setSummary(theme.InfoIcon(), widget.LowImportance, "Starting the local simulator…")
		}
	case cred != nil:
		c.setSummary(theme.NewSuccessThemedResource(theme.ConfirmIcon()), widget.MediumImportance, cred.Summary(c.now()))
		if !c.environment().Allows(cred) {
			warning = "This certificate is not for " + string(c.environment()) + ": switch to " + envChoice(sender.PreferredEnvironment(cred)) + ", or APNs will refuse it (BadCertificateEnvironment)"
		}
	default:
		c.setSummary(theme.InfoIcon(), widget.LowImportance, noCredentialHint(k))
	}
	if cred != nil {
		if w := cred.ExpiryWarning(c.now()); w != "" {
			warning = joinNonEmpty("; ", "Certificate "+w, warning)
		}
	}
	c.credWarning.SetText(warning)
	c.credWarning.Hidden = warning == ""
	c.credWarning.Refresh()
	c.refreshTopics()
}

func (c *Console) setSummary(icon fyne.Resource, imp widget.Importance, text string) {
	c.credIcon.SetResource(icon)
	c.credSummary.Importance = imp
	c.credSummary.SetText(text)
}

func noCredentialHint(k credential.Kind) string {
	switch k {
	case credential.KindPEM:
		return "Choose the certificate (and its key if it is in another file), or drop them onto the window."
	case credential.KindP8:
		return "Choose the AuthKey_<Key ID>.p8 from the developer portal and give its Key ID and Team ID, or drop it onto the window."
	}
	return "Choose the .p12 exported from Keychain Access (certificate with its private key), or drop it onto the window."
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// keyIDFromFileName reads the Key ID out of Apple's AuthKey_<Key ID>.p8.
func keyIDFromFileName(path string) string {
	base := filepath.Base(path)
	if !strings.HasPrefix(base, "AuthKey_") || !strings.EqualFold(filepath.Ext(base), ".p8") {
		return ""
	}
	id := strings.TrimSuffix(strings.TrimPrefix(base, "AuthKey_"), filepath.Ext(base))
	if len(id) != 10 {
		return ""
	}
	return strings.ToUpper(id)
}
