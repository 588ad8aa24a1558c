package ui

import (
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
	"apnsconsole/sender/credential/keychaintest"
)

func TestMain(m *testing.M) {
	keychaintest.RunIfStandIn() // the Keychain tests run this binary as macOS's security tool
	os.Exit(m.Run())
}

// Keychain: the push identities listed by name, bundle id, environment
// and expiry; Use loads one with one click, into memory.
func TestKeychainIdentitiesAreListedAndLoadedWithOneClick(t *testing.T) {
	auth, err := apnstest.NewAuthority()
	if err != nil {
		t.Fatal(err)
	}
	issue := func(spec apnstest.PushCertSpec) *apnstest.PushCert {
		spec.NotBefore = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		if spec.NotAfter.IsZero() {
			spec.NotAfter = time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
		}
		c, err := auth.IssuePushCert(spec)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	shop := issue(apnstest.PushCertSpec{BundleID: "com.example.shop", Sandbox: true, Production: true})
	old := issue(apnstest.PushCertSpec{BundleID: "com.example.old", CommonName: "Apple Development IOS Push Services: com.example.old", Sandbox: true,
		NotAfter: time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC)})
	sec := keychaintest.Install(t, keychaintest.Identity{Cert: shop.Cert, Key: shop.Key}, keychaintest.Identity{Cert: old.Cert, Key: old.Key})
	sec.Exports(t, keychaintest.Identity{Cert: shop.Cert, Key: shop.Key}, keychaintest.Identity{Cert: old.Cert, Key: old.Key})

	a := newTestApp(t)
	q := &uiQueue{}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	c := New(a, "test", func(c *Console) { c.do = q.do }, WithKeychain(), WithClock(func() time.Time { return now }))
	t.Cleanup(c.Close)
	h := &harness{t: t, c: c, q: q}
	c.bar.env.SetSelected(envSandbox)
	c.cred.choose(credential.KindKeychain)
	h.waitFor("the identities", func() bool { return len(c.keychain.ids) == 2 })
	assertObjectMarkup(t, "keychain_identities.xml", c.cred.content, 330)

	var use *widget.Button
	for _, row := range c.keychain.rows.Objects {
		if strings.Contains(row.(*fyne.Container).Objects[0].(*widget.Label).Text, "com.example.shop") {
			use = row.(*fyne.Container).Objects[1].(*fyne.Container).Objects[0].(*widget.Button)
		}
	}
	test.Tap(use)
	h.waitFor("the identity to load", func() bool { return c.cred.creds[credential.KindKeychain] != nil })
	cred := c.cred.creds[credential.KindKeychain]
	if cred.Info.BundleID != "com.example.shop" || !strings.Contains(c.cred.headline(), "com.example.shop") {
		t.Errorf("loaded %q, headline %q", cred.Info.BundleID, c.cred.headline())
	}
	if ref, ok := c.keychainRef(); !ok || ref.Path != keychaintest.SHA1(shop.Cert) {
		t.Errorf("document ref %+v", ref)
	}
	if c.bar.sendBtn.Disabled() {
		t.Errorf("Send is off with a Keychain identity: %s", c.bar.problem.Text)
	}
}
