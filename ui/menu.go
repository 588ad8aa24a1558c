package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// fileMenu is the File menu: the credential file, Copy as cURL and Send.
func (c *Console) fileMenu(openCredential, send *fyne.MenuItem) *fyne.Menu {
	curl := fyne.NewMenuItem("Copy as cURL", c.CopyCurl)
	curl.Shortcut = curlShortcut
	curl.Icon = theme.ContentCopyIcon()
	return fyne.NewMenu("File", openCredential, fyne.NewMenuItemSeparator(), curl, send)
}
