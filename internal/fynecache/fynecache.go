// Package fynecache sets how long Fyne keeps what it has drawn once it is
// no longer on screen: textures of text, renderers of hidden widgets. Fyne
// reads it once, from the FYNE_CACHE environment variable, when its
// internal cache package is initialised, and keeps everything for a
// minute by default. The window draws many distinct lines that are soon
// off screen (each send's story in the detail pane, the rows of a bulk
// send as they scroll past): a minute of their textures is tens of
// megabytes of resident memory under a software renderer (make memory).
//
// Import it for its side effect, from main only:
//
//	import _ "apnsconsole/internal/fynecache"
//
// It imports nothing of Fyne's, so Go initialises it before any fyne.io
// package (packages are initialised in import-path order among those whose
// imports are ready: "apnsconsole/…" sorts before "fyne.io/…"; the Go
// spec's Package initialization, since Go 1.21). A FYNE_CACHE the user
// set is kept.
package fynecache

import "os"

// Duration is how long Fyne keeps a texture or renderer not drawn: long
// enough that scrolling back to a row or reopening a section seconds later
// reuses it, short enough that a burst's texts go within seconds.
const Duration = "5s"

func init() {
	if _, set := os.LookupEnv("FYNE_CACHE"); !set {
		os.Setenv("FYNE_CACHE", Duration)
	}
}
