package ui

import (
	"bytes"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
	"apnsconsole/sender/credential"
)

// Drop takes files dropped onto the window: a .apns or .apnsconsole
// opens as the document; a credential file goes to the field of its
// kind (.p12/.pfx, PEM certificate or key, .p8), the kind is chosen, and
// the credential is loaded. The window calls it; tests call it directly.
func (c *Console) Drop(uris []fyne.URI) {
	kind := credential.Kind(0)
	for _, u := range uris {
		if u.Scheme() != "file" {
			continue
		}
		path := u.Path()
		if isDocumentFile(path) { // .apns, .apnsconsole: opened
			c.OpenDocument(path)
			continue
		}
		switch k, field := c.fieldForFile(path); {
		case field == nil:
			c.log.Add(sender.EventWarning, toneWarning, filepath.Base(path)+" is not a credential file: drop a .p12/.pfx, a PEM certificate or key (.pem .crt .cer .key) or a .p8 key")
		default:
			field.SetText(path)
			kind = k
		}
	}
	if kind == 0 {
		return
	}
	c.cred.choose(kind)
	if kind == credential.KindP8 {
		if id := keyIDFromFileName(c.cred.p8Path.Text); id != "" {
			c.cred.keyID.SetText(id)
		}
	}
	c.cred.loadChosen()
}

// fieldForFile picks the kind and field for a dropped file by its
// extension and, for PEM files, by what the file holds.
func (c *Console) fieldForFile(path string) (credential.Kind, *widget.Entry) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".p12", ".pfx":
		return credential.KindP12, c.cred.p12Path
	case ".p8":
		return credential.KindP8, c.cred.p8Path
	case ".pem", ".crt", ".cer", ".key":
		// Read within a limit, never a FIFO or device (userfiles.go).
		data, _ := droppedPEMFile.Read(path)
		hasCert := bytes.Contains(data, []byte("CERTIFICATE-----")) || (len(data) > 0 && data[0] == 0x30) // PEM or DER
		hasKey := bytes.Contains(data, []byte("PRIVATE KEY-----"))
		switch {
		case hasKey && !hasCert:
			return credential.KindPEM, c.cred.keyPath
		case hasCert && hasKey:
			c.cred.keyPath.SetText("") // the key is in the same file
			return credential.KindPEM, c.cred.certPath
		default:
			return credential.KindPEM, c.cred.certPath
		}
	}
	return 0, nil
}
