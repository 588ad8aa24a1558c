package ui

import (
	"strings"
	"testing"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/legacy"
)

// gateway waits for the console's local binary gateway to be up.
func (h *harness) gateway() *apnstest.Gateway {
	h.t.Helper()
	var gw *apnstest.Gateway
	h.waitFor("the local binary gateway", func() bool {
		h.c.mu.Lock()
		defer h.c.mu.Unlock()
		if h.c.gwErr != nil {
			h.t.Fatalf("gateway: %v", h.c.gwErr)
		}
		gw = h.c.gw
		return gw != nil && !h.c.bar.sendBtn.Disabled()
	})
	return gw
}

func TestBinaryProtocolSendsToTheLocalGateway(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	if c.format.Visible() {
		t.Error("the binary format choice shows while HTTP/2 is chosen")
	}
	c.protocol.SetSelected(protoBinary)
	if !c.format.Visible() {
		t.Error("the binary format choice is hidden with the binary protocol chosen")
	}
	gw := h.gateway()
	if !strings.Contains(c.bar.target.Text(), gw.Addr+" (local binary gateway)") {
		t.Errorf("target = %q, want the local gateway", c.bar.target.Text())
	}

	h.sendAndWait()
	h.waitForLog("Send 1 → "+gw.Addr, "binary protocol", "Frame: identifier", "No error response within")
	got := gw.Accepted()
	if len(got) != 1 || got[0].Token != apnstest.DemoToken || string(got[0].Format) != string(legacy.FormatFrame) {
		t.Fatalf("gateway took %+v, want one frame for the demo token", got)
	}

	// The simple format (as in the 2009 article), with its 256-byte limit.
	c.format.SetSelected(string(legacy.FormatSimple))
	if !strings.Contains(c.pview.status.Text, "/ 256 bytes") {
		t.Errorf("payload status = %q, want the simple format's 256-byte limit", c.pview.status.Text)
	}
	c.sections.Open(3)
	c.adv.custom.SetText(`{"note":"` + strings.Repeat("x", 300) + `"}`)
	if !c.bar.sendBtn.Disabled() || !strings.Contains(c.pview.status.Text, "/ 256 bytes") {
		t.Errorf("300-byte payload in the simple format: Send disabled %v, status %q", c.bar.sendBtn.Disabled(), c.pview.status.Text)
	}
	c.adv.custom.SetText("")
	h.sendAndWait()
	h.waitFor("the simple frame", func() bool { return len(gw.Accepted()) == 2 })
	if f := gw.Accepted()[1].Format; string(f) != string(legacy.FormatSimple) {
		t.Errorf("second frame format %s, want simple", f)
	}
}

func TestBinaryProtocolRefusesATokenKeyAndWarnsAboutApple(t *testing.T) {
	h := newHarness(t)
	h.simulator()
	c := h.c
	c.protocol.SetSelected(protoBinary)
	c.cred.kind.SetSelected(kindP8Choice)
	if !c.bar.sendBtn.Disabled() || !strings.Contains(c.bar.problem.Text, "needs a certificate") {
		t.Errorf("binary with a .p8: Send disabled %v, problem %q", c.bar.sendBtn.Disabled(), c.bar.problem.Text)
	}
	c.cred.kind.SetSelected(kindP12Choice)
	c.bar.setEnvironment(sender.Sandbox)
	h.waitForLog("Apple retired the binary provider API")
	if !strings.Contains(c.bar.target.Text(), legacy.SandboxGateway) {
		t.Errorf("target = %q, want Apple's sandbox gateway", c.bar.target.Text())
	}
}
