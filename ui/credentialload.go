package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender/credential"
)

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
		s.keyIDFromFile()
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
	typed               bool // a load as the Key ID or Team ID is typed: announced once it succeeds
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
		before := s.creds[r.kind]
		s.creds[r.kind] = cred
		if r.secret != "" {
			s.passwords[r.path] = r.secret
		}
		if r.typed && (before == nil || before.Summary(s.now()) != cred.Summary(s.now())) {
			r.quiet = false // typing the last ID made it load: said once
		}
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

// keyIDFromFile fills an empty Key ID from the .p8's file name,
// AuthKey_<Key ID>.p8, as Apple names it.
func (s *credentialSection) keyIDFromFile() {
	if strings.TrimSpace(s.keyID.Text) == "" {
		if id := keyIDFromFileName(strings.TrimSpace(s.p8Path.Text)); id != "" {
			s.keyID.SetText(id)
		}
	}
}

// password is the password that opened path in this session, "" if none.
func (s *credentialSection) password(path string) string { return s.passwords[path] }
