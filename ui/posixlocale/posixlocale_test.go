package posixlocale

import (
	"os"
	"testing"
)

// The test binary links Fyne's lang package through the test helper below,
// so a child run of it shows whether Fyne still complains.
func TestPOSIXLocaleIsRewrittenToC(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"C.UTF-8", "C"}, {"C.utf8", "C"}, {"POSIX.UTF-8", "C"}, {"en_US.UTF-8", "en_US.UTF-8"}, {"C", "C"},
	} {
		t.Setenv("LC_ALL", "")
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", tc.in)
		useBareC()
		if got := os.Getenv("LANG"); got != tc.want {
			t.Errorf("LANG=%s became %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestOnlyTheVariableInForceIsTouched(t *testing.T) {
	t.Setenv("LC_ALL", "en_GB.UTF-8")
	t.Setenv("LANG", "C.UTF-8")
	useBareC()
	if os.Getenv("LANG") != "C.UTF-8" || os.Getenv("LC_ALL") != "en_GB.UTF-8" {
		t.Errorf("LC_ALL is in force; nothing should change: LANG=%q LC_ALL=%q", os.Getenv("LANG"), os.Getenv("LC_ALL"))
	}
}
