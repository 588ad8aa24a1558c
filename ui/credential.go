package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

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

// credentialSection is the Credential section: the kind, that kind's
// files and secrets, and what was loaded. It owns the loaded credentials;
// it tells the console through changed whenever what a send would use
// may have changed, and through loadedByUser when the user loaded one.
type credentialSection struct {
	wheel wheelFields
	lines map[*widget.Entry]*formLine // each field with its wheel catcher
	win   fyne.Window
	prefs fyne.Preferences
	now   func() time.Time
	do    func(func())

	// What the section needs to know of the rest of the window.
	local func() bool                                  // the Local environment is chosen
	demo  func(credential.Kind) *credential.Credential // the simulator's demo credential, nil until it runs
	simOK func() error                                 // why the simulator did not start, if it did not

	changed      func()                       // what a send uses may have changed
	loadedByUser func(*credential.Credential) // a load the user asked for succeeded

	kind        *widget.Select
	holder      *fyne.Container // holds the form of the chosen kind
	form        *widget.Form    // the form on screen: rebuilt for each kind
	loadBtn     *widget.Button  // the form's Load button
	p12Path     *widget.Entry
	p12Password *widget.Entry
	certPath    *widget.Entry
	keyPath     *widget.Entry
	keyPassword *widget.Entry
	p8Path      *widget.Entry
	keyID       *widget.Entry
	teamID      *widget.Entry
	icon        *widget.Icon
	summary     *widget.Label
	warning     *widget.Label
	localNote   *hint
	content     fyne.CanvasObject

	keychain keychainHooks // the Keychain kind, on macOS

	creds   map[credential.Kind]*credential.Credential // loaded by the user, per kind
	errs    map[credential.Kind]string                 // why the last load of a kind failed
	loading map[credential.Kind]int                    // generation of the load in flight
	gen     int
}

func newCredentialSection(win fyne.Window, prefs fyne.Preferences, now func() time.Time, do func(func())) *credentialSection {
	s := &credentialSection{
		win: win, prefs: prefs, now: now, do: do,
		local:        func() bool { return false },
		demo:         func(credential.Kind) *credential.Credential { return nil },
		simOK:        func() error { return nil },
		changed:      func() {},
		loadedByUser: func(*credential.Credential) {},
		creds:        map[credential.Kind]*credential.Credential{},
		errs:         map[credential.Kind]string{},
		loading:      map[credential.Kind]int{},
	}
	s.kind = widget.NewSelect(kindChoices, func(string) { s.kindChanged() })

	s.p12Path = s.pathEntry("Keychain Access export, e.g. Push.p12")
	s.p12Password = s.passwordEntry("the password chosen when exporting")
	s.certPath = s.pathEntry("aps.cer or cert.pem")
	s.keyPath = s.pathEntry("key.pem (empty: the key is in the certificate file)")
	s.keyPassword = s.passwordEntry("only if the key is encrypted")
	s.p8Path = s.pathEntry("AuthKey_ABC123DEFG.p8")
	s.keyID = s.idEntry("10 characters, from Keys in the developer portal")
	s.teamID = s.idEntry("10 characters, from Membership details")
	s.lines = map[*widget.Entry]*formLine{}
	for _, e := range []*widget.Entry{s.p12Path, s.p12Password, s.certPath, s.keyPath, s.keyPassword, s.p8Path, s.keyID, s.teamID} {
		s.lines[e] = s.wheel.line(e)
	}

	s.icon = widget.NewIcon(theme.InfoIcon())
	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord
	s.warning = widget.NewLabel("")
	s.warning.Wrapping = fyne.TextWrapWord
	s.warning.Importance = widget.WarningImportance
	s.warning.Hide()
	s.localNote = newHint("The local simulator uses its own demo credential (kept in memory). What you load here is used for Sandbox, Production and Custom.")
	s.localNote.Hide()

	s.holder = container.NewStack()
	summary := container.NewBorder(nil, nil, container.NewVBox(s.icon), nil, s.summary)
	s.content = container.NewVBox(s.holder, summary, s.warning, s.localNote)
	s.buildForm()
	return s
}

func (s *credentialSection) pathEntry(placeholder string) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder(placeholder)
	e.OnSubmitted = func(string) { s.loadChosen() }
	return e
}

func (s *credentialSection) passwordEntry(placeholder string) *widget.Entry {
	e := widget.NewPasswordEntry()
	e.SetPlaceHolder(placeholder)
	e.OnSubmitted = func(string) { s.loadChosen() }
	return e
}

// idEntry is the Key ID or Team ID field: applied as typed (a .p8 load is
// cheap), so the error goes as soon as the right value is there.
func (s *credentialSection) idEntry(placeholder string) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder(placeholder)
	e.OnSubmitted = func(string) { s.loadChosen() }
	e.OnChanged = func(string) {
		if s.chosen() == credential.KindP8 && strings.TrimSpace(s.p8Path.Text) != "" {
			r := s.request()
			r.quiet = true // typing is not a user's load: no log line per key
			s.load(r)
			return
		}
		s.changed()
	}
	return e
}

// fileRow is a path entry with its Browse button.
func (s *credentialSection) fileRow(e *widget.Entry, exts []string) fyne.CanvasObject {
	browse := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() { s.browse(e, exts) })
	return container.NewBorder(nil, nil, nil, browse, s.lines[e])
}

// buildForm makes a new form for the chosen kind and puts it on screen in
// place of the previous one. (Changing a Form's items in place keeps the
// previous kind's widgets under the new labels.)
func (s *credentialSection) buildForm() {
	items := []*widget.FormItem{widget.NewFormItem("Kind", s.kind)}
	switch s.chosen() {
	case credential.KindP12:
		items = append(items,
			widget.NewFormItem("File", s.fileRow(s.p12Path, extP12)),
			widget.NewFormItem("Password", s.lines[s.p12Password]))
	case credential.KindPEM:
		items = append(items,
			widget.NewFormItem("Certificate", s.fileRow(s.certPath, extPEM)),
			widget.NewFormItem("Key", s.fileRow(s.keyPath, extPEM)),
			widget.NewFormItem("Key password", s.lines[s.keyPassword]))
	case credential.KindP8:
		items = append(items,
			widget.NewFormItem("Key file", s.fileRow(s.p8Path, extP8)),
			widget.NewFormItem("Key ID", s.lines[s.keyID]),
			widget.NewFormItem("Team ID", s.lines[s.teamID]))
	case credential.KindKeychain:
		items = append(items, widget.NewFormItem("Identity", s.keychain.panel()))
	}
	s.loadBtn = widget.NewButtonWithIcon("Load", theme.ViewRefreshIcon(), s.loadChosen)
	items = append(items, widget.NewFormItem("", container.NewHBox(s.loadBtn)))
	s.form = widget.NewForm(items...)
	s.holder.Objects = []fyne.CanvasObject{s.form}
	s.holder.Refresh()
}

// chosen is the chosen kind.
func (s *credentialSection) chosen() credential.Kind {
	switch s.kind.Selected {
	case kindPEMChoice:
		return credential.KindPEM
	case kindP8Choice:
		return credential.KindP8
	case kindKeychainChoice:
		return credential.KindKeychain
	}
	return credential.KindP12
}

func (s *credentialSection) choose(k credential.Kind) { s.kind.SetSelected(kindChoice(k)) }

func kindChoice(k credential.Kind) string {
	switch k {
	case credential.KindPEM:
		return kindPEMChoice
	case credential.KindP8:
		return kindP8Choice
	case credential.KindKeychain:
		return kindKeychainChoice
	}
	return kindP12Choice
}

func kindName(k credential.Kind) string {
	switch k {
	case credential.KindPEM:
		return "pem"
	case credential.KindP8:
		return "p8"
	case credential.KindKeychain:
		return "keychain"
	}
	return "p12"
}

func parseKindName(s string) credential.Kind {
	switch s {
	case "pem":
		return credential.KindPEM
	case "p8":
		return credential.KindP8
	case "keychain":
		return credential.KindKeychain
	}
	return credential.KindP12
}

func (s *credentialSection) kindChanged() {
	s.buildForm()
	s.show()
	s.changed()
}

// browseMain opens the picker of the chosen kind's main file.
func (s *credentialSection) browseMain() {
	switch s.chosen() {
	case credential.KindPEM:
		s.browse(s.certPath, extPEM)
	case credential.KindP8:
		s.browse(s.p8Path, extP8)
	default:
		s.browse(s.p12Path, extP12)
	}
}

// browse opens a file picker filtered to exts, sized to the window and
// starting in the folder of the path already typed; the chosen file goes
// into e and is loaded.
func (s *credentialSection) browse(e *widget.Entry, exts []string) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, s.win)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		e.SetText(path)
		s.loadChosen()
	}, s.win)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	// The list view shows whole file names; the grid cuts them.
	d.SetView(dialog.ListView)
	if dir := startFolder(e.Text, s.prefs.String(prefLastFolder)); dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	size := s.win.Canvas().Size()
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
	quiet               bool // a load at launch or while typing: not announced, a missing password is not an error yet
}

func (s *credentialSection) request() loadRequest {
	k := s.chosen()
	r := loadRequest{kind: k}
	switch k {
	case credential.KindP12:
		r.path, r.secret = strings.TrimSpace(s.p12Path.Text), s.p12Password.Text
	case credential.KindPEM:
		r.path, r.path2, r.secret = strings.TrimSpace(s.certPath.Text), strings.TrimSpace(s.keyPath.Text), s.keyPassword.Text
	case credential.KindP8:
		r.path = strings.TrimSpace(s.p8Path.Text)
		r.keyID, r.teamID = strings.ToUpper(strings.TrimSpace(s.keyID.Text)), strings.ToUpper(strings.TrimSpace(s.teamID.Text))
		if r.keyID == "" {
			r.keyID = keyIDFromFileName(r.path)
		}
	case credential.KindKeychain:
		r.path = s.keychain.chosen() // the identity's SHA-1
	}
	return r
}

// loadChosen loads the chosen kind's files in the background.
func (s *credentialSection) loadChosen() { s.load(s.request()) }

func (s *credentialSection) load(r loadRequest) {
	if r.path == "" {
		s.errs[r.kind] = ""
		delete(s.creds, r.kind)
		s.show()
		s.changed()
		return
	}
	s.gen++
	gen := s.gen
	s.loading[r.kind] = gen
	s.show()
	go func() {
		cred, err := loadCredential(r)
		s.do(func() { s.loaded(r, gen, cred, err) })
	}()
}

func loadCredential(r loadRequest) (*credential.Credential, error) {
	switch r.kind {
	case credential.KindPEM:
		return credential.LoadPEM(r.path, r.path2, r.secret)
	case credential.KindP8:
		return credential.LoadP8(r.path, r.keyID, r.teamID)
	case credential.KindKeychain:
		return exportKeychainIdentity(r.path)
	}
	return credential.LoadP12(r.path, r.secret)
}

// loaded takes a load's outcome. It never changes the environment: the
// send bar says when the credential does not fit the chosen one.
func (s *credentialSection) loaded(r loadRequest, gen int, cred *credential.Credential, err error) {
	if s.loading[r.kind] != gen {
		return // a newer load of this kind is under way
	}
	delete(s.loading, r.kind)
	if err != nil {
		delete(s.creds, r.kind)
		msg := err.Error()
		if r.quiet && r.secret == "" && (errors.Is(err, credential.ErrWrongPassword) || errors.Is(err, credential.ErrKeyPasswordNeeded)) {
			msg = filepath.Base(r.path) + " is protected: type its password and press Enter or Load"
		}
		s.errs[r.kind] = msg
	} else {
		s.errs[r.kind] = ""
		s.creds[r.kind] = cred
		if r.kind == credential.KindP8 && s.keyID.Text == "" && cred.KeyID != "" {
			s.keyID.SetText(cred.KeyID)
		}
		if r.kind != credential.KindKeychain {
			s.prefs.SetString(prefLastFolder, filepath.Dir(r.path))
		}
		if !r.quiet {
			s.loadedByUser(cred)
		}
	}
	s.show()
	s.changed()
}

// loaded is the credential the user loaded for the chosen kind, if any.
func (s *credentialSection) userCredential() *credential.Credential { return s.creds[s.chosen()] }

// active is the credential a send uses now: the simulator's demo
// credential of the chosen kind in Local, else the one the user loaded.
func (s *credentialSection) active() *credential.Credential {
	if s.local() {
		return s.demo(s.chosen())
	}
	return s.userCredential()
}

// problem says why the credential can't be used for a send, if so.
func (s *credentialSection) problem() error {
	k := s.chosen()
	if s.local() {
		return s.simOK() // the demo credential is there, or will be once the simulator runs
	}
	if s.loading[k] != 0 {
		return errors.New("the credential is still loading")
	}
	cred := s.creds[k]
	if cred == nil {
		if e := s.errs[k]; e != "" {
			return errors.New("credential: " + e)
		}
		return errors.New("no credential: " + noCredentialHint(k))
	}
	return cred.CheckValidity(s.now())
}

// headline names the credential in use, for the section's header when it
// is collapsed.
func (s *credentialSection) headline() string {
	cred := s.active()
	if cred == nil {
		return "Credential"
	}
	name := cred.Kind.String()
	if cred.IsCertificate() && cred.Info.BundleID != "" {
		name = cred.Info.BundleID
	} else if cred.KeyID != "" {
		name = "key " + cred.KeyID
	}
	if r := []rune(name); len(r) > 32 {
		name = string(r[:31]) + "…"
	}
	if s.local() {
		name += " (simulator demo)"
	}
	return "Credential · " + name
}

// show updates the summary lines under the form.
func (s *credentialSection) show() {
	k := s.chosen()
	local := s.local()
	s.localNote.Hidden = !local
	s.localNote.Refresh()
	cred := s.active()
	warning := ""
	switch {
	case s.loading[k] != 0:
		s.setSummary(theme.ViewRefreshIcon(), widget.MediumImportance, "Loading…")
	case s.errs[k] != "":
		// Shown in Local too: the user just tried to load it.
		s.setSummary(theme.NewErrorThemedResource(theme.ErrorIcon()), widget.DangerImportance, s.errs[k])
	case local && cred != nil:
		s.setSummary(theme.NewSuccessThemedResource(theme.ConfirmIcon()), widget.MediumImportance,
			"Simulator demo "+cred.Kind.String()+": "+cred.Summary(s.now()))
	case local:
		if err := s.simOK(); err != nil {
			s.setSummary(theme.NewErrorThemedResource(theme.ErrorIcon()), widget.DangerImportance, err.Error())
		} else {
			s.setSummary(theme.InfoIcon(), widget.MediumImportance, "Starting the local simulator…")
		}
	case cred != nil:
		s.setSummary(theme.NewSuccessThemedResource(theme.ConfirmIcon()), widget.MediumImportance, cred.Summary(s.now()))
	default:
		s.setSummary(theme.InfoIcon(), widget.MediumImportance, noCredentialHint(k))
	}
	if cred != nil {
		if w := cred.ExpiryWarning(s.now()); w != "" {
			warning = "Certificate " + w
		}
	}
	s.warning.SetText(warning)
	s.warning.Hidden = warning == ""
	s.warning.Refresh()
}

func (s *credentialSection) setSummary(icon fyne.Resource, imp widget.Importance, text string) {
	s.icon.SetResource(icon)
	s.summary.Importance = imp
	s.summary.SetText(text)
}

// fit says whether the user's credential fits env, and which environment
// it is for when it does not.
func fit(cred *credential.Credential, env sender.Environment) (ok bool, want sender.Environment) {
	if cred == nil || env.Allows(cred) {
		return true, ""
	}
	return false, sender.PreferredEnvironment(cred)
}

func noCredentialHint(k credential.Kind) string {
	switch k {
	case credential.KindPEM:
		return "Choose the certificate (and its key if it is in another file), or drop them onto the window."
	case credential.KindP8:
		return "Choose the AuthKey_<Key ID>.p8 from the developer portal and give its Key ID and Team ID, or drop it onto the window."
	case credential.KindKeychain:
		return "Choose a push identity from the login keychain (Use), or press refresh to list them again."
	}
	return "Choose the .p12 exported from Keychain Access (certificate with its private key), or drop it onto the window."
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
