package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"apnsconsole/sender/document"
)

// Document shortcuts (Cmd on macOS): New, Open, Save, Save As; the
// credential file moves to Shift+O.
var (
	newShortcut            = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	openShortcut           = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	openCredentialShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	saveShortcut           = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	saveAsShortcut         = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
)

// initWorkflows starts the document, preview and Keychain parts once the
// preferences are applied.
func (c *Console) initWorkflows() {
	c.initDocuments()
	c.updatePreview()
}

// fileMenu is the File menu: documents, the credential file, Copy as
// cURL and Send.
func (c *Console) fileMenu(openCredential, send *fyne.MenuItem) *fyne.Menu {
	item := func(label string, sc fyne.Shortcut, icon fyne.Resource, f func()) *fyne.MenuItem {
		i := fyne.NewMenuItem(label, f)
		i.Shortcut, i.Icon = sc, icon
		return i
	}
	openCredential.Shortcut = openCredentialShortcut
	return fyne.NewMenu("File",
		item("New", newShortcut, theme.DocumentCreateIcon(), c.NewDocument),
		item("Open…", openShortcut, theme.FolderOpenIcon(), c.browseDocument),
		c.recentMenu(),
		item("Save", saveShortcut, theme.DocumentSaveIcon(), c.SaveDocument),
		item("Save As…", saveAsShortcut, nil, func() { c.SaveDocumentAs(document.ConsoleExt) }),
		item("Save Payload as .apns…", nil, nil, func() { c.SaveDocumentAs(document.APNsExt) }),
		fyne.NewMenuItemSeparator(),
		openCredential,
		fyne.NewMenuItemSeparator(),
		item("Copy as cURL", curlShortcut, theme.ContentCopyIcon(), c.CopyCurl),
		send)
}
