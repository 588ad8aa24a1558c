// Package assets holds the files embedded in the binary: the application
// icon, drawn as a notification banner with a badge.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon (512×512 PNG), the same file FyneApp.toml
// names for `fyne package`.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)
