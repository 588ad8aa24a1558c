package ui

import (
	"bytes"
	"os"
	"regexp"
	"testing"

	"apnsconsole/assets"
)

// The window's title, app id and icon are the packaged app's
// (FyneApp.toml, read by fyne package): one name, one id, one icon.
func TestTitleIDAndIconMatchThePackage(t *testing.T) {
	toml, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	field := func(name string) string {
		m := regexp.MustCompile(`(?m)^\s*` + name + `\s*=\s*"([^"]*)"`).FindSubmatch(toml)
		if m == nil {
			t.Fatalf("FyneApp.toml has no %s", name)
		}
		return string(m[1])
	}
	if got := field("ID"); got != AppID {
		t.Errorf("FyneApp.toml ID %q, the window's app id %q", got, AppID)
	}
	if got := field("Name"); got != WindowTitle {
		t.Errorf("FyneApp.toml Name %q, the window's title %q", got, WindowTitle)
	}
	icon, err := os.ReadFile("../" + field("Icon"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(icon, assets.Icon.Content()) {
		t.Errorf("the window's icon is not FyneApp.toml's %s", field("Icon"))
	}
	c := New(newTestApp(t), "test")
	t.Cleanup(c.Close)
	if c.Window().Title() != WindowTitle {
		t.Errorf("a new window is titled %q, want %q", c.Window().Title(), WindowTitle)
	}
}
