package sender_test

import (
	"testing"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// TestEnvironmentAllows checks which environments a credential may be sent
// to: a certificate's markers decide Sandbox and Production, the local
// simulator takes every credential, and a production-only certificate
// prefers Production.
func TestEnvironmentAllows(t *testing.T) {
	a, err := apnstest.NewAuthority()
	if err != nil {
		t.Fatal(err)
	}
	issue := func(sandbox, production bool) *credential.Credential {
		pc, err := a.IssuePushCert(apnstest.PushCertSpec{BundleID: "com.example.env", Sandbox: sandbox, Production: production})
		if err != nil {
			t.Fatal(err)
		}
		c, err := credential.ParsePEM(pc.CertPEM, pc.KeyPEM, "")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name                string
		c                   *credential.Credential
		sandbox, production bool
		preferred           sender.Environment
	}{
		{"sandbox only", issue(true, false), true, false, sender.Sandbox},
		{"production only", issue(false, true), false, true, sender.Production},
		{"both", issue(true, true), true, true, sender.Sandbox},
		{"token key", &credential.Credential{Kind: credential.KindP8, KeyID: "ABC123DEFG", TeamID: "DEF123GHIJ"}, true, true, sender.Sandbox},
	}
	for _, tt := range tests {
		if got := sender.Sandbox.Allows(tt.c); got != tt.sandbox {
			t.Errorf("%s: Sandbox.Allows = %v", tt.name, got)
		}
		if got := sender.Production.Allows(tt.c); got != tt.production {
			t.Errorf("%s: Production.Allows = %v", tt.name, got)
		}
		if !sender.Local.Allows(tt.c) {
			t.Errorf("%s: Local.Allows = false", tt.name)
		}
		if got := sender.PreferredEnvironment(tt.c); got != tt.preferred {
			t.Errorf("%s: PreferredEnvironment = %v, want %v", tt.name, got, tt.preferred)
		}
	}
}
