package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender/document"
)

// SaveDocumentAs asks where to save; ext (.apnsconsole or .apns) is the
// kind offered; the name typed decides. A .apns file is an export of the
// payload: the window's document stays the one it was.
func (c *Console) SaveDocumentAs(ext string) { c.saveAs(ext, nil) }

// saveAs is SaveDocumentAs; after, if set, runs once the file is written
// (the window closes, another document opens).
func (c *Console) saveAs(ext string, after func()) {
	dir, name := homeDir(), "Untitled"+ext
	if c.doc.path != "" {
		dir = filepath.Dir(c.doc.path)
		name = strings.TrimSuffix(filepath.Base(c.doc.path), filepath.Ext(c.doc.path)) + ext
	}
	title := "Save As"
	if ext == document.APNsExt {
		title = "Save Payload as .apns"
	}
	c.pathDialog(title, "Save", filepath.Join(dir, name), []string{ext}, true, func(path string) {
		if !isDocumentFile(path) {
			path += ext
		}
		save := func() {
			if c.write(path, ext == document.APNsExt) && after != nil {
				after()
			}
		}
		if _, err := os.Stat(path); err == nil {
			dialog.NewConfirm("Replace "+filepath.Base(path)+"?", "A file of that name is already in "+filepath.Dir(path)+". Replacing it overwrites it.",
				func(ok bool) {
					if ok {
						save()
					}
				}, c.win).Show()
			return
		}
		save()
	})
}

// browseDocument asks which document to open.
func (c *Console) browseDocument() {
	c.unlessUnsaved(func() {
		dir := homeDir()
		if c.doc.path != "" {
			dir = filepath.Dir(c.doc.path)
		}
		c.pathDialog("Open", "Open", dir+string(filepath.Separator), []string{document.ConsoleExt, document.APNsExt}, false, c.openNow)
	})
}

// pathDialog asks for a file's path: a path box (a full path may be typed
// or pasted; ~ is the home folder) and Browse…, Fyne's file dialog, which
// fills the box. done gets the path, cleaned; a folder that does not
// exist, or for opening a file that does not, is said in the dialog.
func (c *Console) pathDialog(title, confirm, initial string, exts []string, saving bool, done func(path string)) {
	box := widget.NewEntry()
	box.SetText(initial)
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	problem.Wrapping = fyne.TextWrapWord
	problem.Hide()
	var d dialog.Dialog
	browse := widget.NewButton("Browse…", func() {
		set := func(u fyne.URI) {
			if u != nil {
				box.SetText(u.Path())
			}
		}
		var fd *dialog.FileDialog
		if saving {
			fd = dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
				if err != nil {
					problem.SetText(sentence(err.Error()))
					problem.Show()
					return
				}
				if w != nil {
					set(w.URI())
					w.Close()
					os.Remove(w.URI().Path()) // Fyne made it empty; Save writes it, atomically
				}
			}, c.win)
			fd.SetFileName(filepath.Base(expandHome(box.Text)))
		} else {
			fd = dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
				if r != nil {
					set(r.URI())
					r.Close()
				}
			}, c.win)
		}
		fd.SetFilter(storage.NewExtensionFileFilter(exts))
		if l, err := storage.ListerForURI(storage.NewFileURI(existingDir(expandHome(box.Text)))); err == nil {
			fd.SetLocation(l)
		}
		fd.Resize(fyne.NewSize(760, 520))
		fd.Show()
	})
	accept := func() {
		path := filepath.Clean(expandHome(strings.TrimSpace(box.Text)))
		if err := checkPath(path, saving); err != nil {
			problem.SetText(sentence(err.Error()))
			problem.Show()
			d.Show() // its buttons hid it: it stays, saying why
			return
		}
		d.Hide()
		done(path)
	}
	box.OnSubmitted = func(string) { accept() }
	content := container.NewVBox(
		widget.NewLabel("Path ("+strings.Join(exts, " or ")+"; type or paste a full path):"),
		container.NewBorder(nil, nil, nil, browse, box),
		problem)
	d = dialog.NewCustomConfirm(title, confirm, "Cancel", content, func(ok bool) {
		if ok {
			accept()
		}
	}, c.win)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
	c.win.Canvas().Focus(box)
}

// checkPath says what is wrong with a path typed to save to or open.
func checkPath(path string, saving bool) error {
	if path == "." || path == "" {
		return errors.New("type the file's path, or choose it with Browse…")
	}
	if saving {
		if fi, err := os.Stat(path); err == nil && fi.IsDir() {
			return fmt.Errorf("%s is a folder: add the file's name", path)
		}
		if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
			return fmt.Errorf("the folder %s does not exist: create it first, or choose another with Browse…", filepath.Dir(path))
		}
		return nil
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return fmt.Errorf("there is no file %s: check the path, or choose it with Browse…", path)
	case fi.IsDir():
		return fmt.Errorf("%s is a folder: add the file's name, or choose it with Browse…", path)
	}
	return nil
}

func homeDir() string {
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return "."
}

// expandHome reads a leading ~ as the home folder.
func expandHome(p string) string {
	if p == "~" {
		return homeDir()
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		return filepath.Join(homeDir(), rest)
	}
	return p
}

// existingDir is the nearest folder of p that exists.
func existingDir(p string) string {
	for d := p; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
		if d == filepath.Dir(d) {
			return homeDir()
		}
	}
}

// unlessUnsaved runs then at once, or once the user has saved the
// changes or chosen not to (doc.confirm asks).
func (c *Console) unlessUnsaved(then func()) {
	if !c.dirty() {
		then()
		return
	}
	c.doc.confirm(then)
}

// askToSave asks, as desktop applications do, whether to save the
// changes: Save (then goes on once saved), Don't Save (then goes on, the
// changes are lost), Cancel (nothing happens).
func (c *Console) askToSave(then func()) {
	name := "Untitled"
	if c.doc.path != "" {
		name = filepath.Base(c.doc.path)
	}
	var d *dialog.CustomDialog
	save := widget.NewButton("Save", func() {
		d.Hide()
		if c.doc.path != "" {
			if c.saveTo(c.doc.path) {
				then()
			}
			return
		}
		c.saveAs(document.ConsoleExt, then)
	})
	save.Importance = widget.HighImportance
	dont := widget.NewButton("Don't Save", func() { d.Hide(); then() })
	cancel := widget.NewButton("Cancel", func() { d.Hide() })
	text := widget.NewLabel("Do you want to save the changes you made to " + name + "?\nYour changes will be lost if you don't save them.")
	text.Wrapping = fyne.TextWrapWord
	d = dialog.NewCustomWithoutButtons("Unsaved changes", text, c.win)
	d.SetButtons([]fyne.CanvasObject{dont, cancel, save})
	d.Resize(fyne.NewSize(460, 0))
	d.Show()
}

// showFileError shows a file's problem: the cause, then the fix.
func (c *Console) showFileError(err error) { fileErrorDialog(err, c.win).Show() }

// fileErrorDialog is the dialog of a file's problem.
func fileErrorDialog(err error, win fyne.Window) dialog.Dialog {
	title, text := "Cannot use this file", err.Error()
	var de *document.Error
	if errors.As(err, &de) {
		text = period(sentence(de.Problem)) + "\n\n" + period(sentence(de.Fix))
		if de.Path != "" {
			title = filepath.Base(de.Path)
		}
		if errors.Is(err, document.ErrCredentialMissing) {
			title = "Opened, but a file is missing"
		}
	}
	return dialog.NewInformation(title, text, win)
}

// addRecent puts path first in File → Open Recent.
func (c *Console) addRecent(path string) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	list := []string{path}
	for _, p := range c.prefs.StringList(prefRecent) {
		if p != path && len(list) < maxRecent {
			list = append(list, p)
		}
	}
	c.prefs.SetStringList(prefRecent, list)
	if c.win.MainMenu() != nil {
		c.win.SetMainMenu(c.buildMenu())
	}
}

// recentMenu is File → Open Recent.
func (c *Console) recentMenu() *fyne.MenuItem {
	item := fyne.NewMenuItem("Open Recent", nil)
	var items []*fyne.MenuItem
	for _, p := range c.prefs.StringList(prefRecent) {
		p := p
		items = append(items, fyne.NewMenuItem(p, func() { c.OpenDocument(p) }))
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem("No recent documents", nil)
		none.Disabled = true
		items = append(items, none)
	}
	item.ChildMenu = fyne.NewMenu("", items...)
	return item
}

// period ends a sentence with a full stop, unless it ends with code (a
// JSON example) or punctuation already.
func period(s string) string {
	if s == "" || strings.ContainsAny(s[len(s)-1:], ".!?}]\"'`") {
		return s
	}
	return s + "."
}
