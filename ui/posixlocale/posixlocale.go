// Package posixlocale keeps Fyne quiet under the POSIX locale. Debian's
// default C.UTF-8 (and C.utf8, POSIX.UTF-8) reach Fyne as the language
// tag "C", which it cannot parse, so every start logged a "Fyne error:
// Error parsing user locale C" before a command's own output. Fyne accepts
// the bare "C", which means the same locale, so this package rewrites the
// variable Fyne reads to that.
//
// Import it for its side effect: its import path sorts before fyne.io, so
// Go initialises it before Fyne's lang package reads the locale.
package posixlocale

import (
	"os"
	"strings"
)

func init() { useBareC() }

// useBareC rewrites the locale variable in force from C.* or POSIX.* to C.
func useBareC() {
	// Fyne reads the first non-empty of these, as gettext does.
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.") {
			os.Setenv(name, "C")
		}
		return
	}
}
