package posixlocale_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	// In this order of initialisation, as in the real binary: the import
	// path apnsconsole/… sorts before fyne.io/….
	_ "apnsconsole/ui/posixlocale"
	_ "fyne.io/fyne/v2/lang"
)

// TestFyneDoesNotComplainAtStart runs this test binary again under
// LANG=C.UTF-8 and reads what Fyne logged while initialising.
func TestFyneDoesNotComplainAtStart(t *testing.T) {
	if os.Getenv("POSIXLOCALE_CHILD") == "1" {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run", "^TestFyneDoesNotComplainAtStart$")
	cmd.Env = append(os.Environ(), "POSIXLOCALE_CHILD=1", "LANG=C.UTF-8", "LC_ALL=", "LC_MESSAGES=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "Error parsing user locale") {
		t.Errorf("Fyne still logs a locale error:\n%s", out)
	}
}
