package ui

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
	"apnsconsole/sender/legacy"
)

// Protocol choices, in the order shown.
const (
	protoHTTP2  = "HTTP/2"
	protoBinary = "Binary (legacy)"
)

// Binary formats offered, newest first.
var formatChoices = []string{
	string(legacy.FormatFrame),
	string(legacy.FormatEnhanced),
	string(legacy.FormatSimple),
}

// buildProtocol makes the protocol choice shown in Advanced,
// with the binary format beside it when the binary protocol is chosen.
func (c *Console) buildProtocol() fyne.CanvasObject {
	c.format = widget.NewSelect(formatChoices, func(string) { c.protocolChanged() })
	c.format.SetSelected(string(legacy.FormatFrame))
	c.protocol = widget.NewRadioGroup([]string{protoHTTP2, protoBinary}, func(string) { c.protocolChanged() })
	c.protocol.Horizontal = true
	c.protocol.Required = true
	c.protocol.SetSelected(protoHTTP2)
	c.format.Hide()
	return container.NewHBox(c.protocol, c.format)
}

// binary reports whether the legacy binary protocol is chosen.
func (c *Console) binary() bool { return c.protocol != nil && c.protocol.Selected == protoBinary }

// binaryFormat is the chosen binary format.
func (c *Console) binaryFormat() legacy.Format {
	f, err := legacy.ParseFormat(c.format.Selected)
	if err != nil {
		return legacy.FormatFrame
	}
	return f
}

func (c *Console) protocolChanged() {
	if c.format == nil || c.bar == nil {
		return // still building
	}
	if c.binary() {
		c.format.Show()
		if c.restored && !c.bar.local() {
			c.log.Add(sender.EventWarning, toneWarning, legacy.RetiredNotice)
		}
	} else {
		c.format.Hide()
	}
	c.dropClient()
	if c.binary() && c.bar.local() {
		c.startGateway()
	}
	c.changed()
}

// payloadLimit is the largest payload the chosen protocol takes: the
// binary format's, or the push type's over HTTP/2.
func (c *Console) payloadLimit() int {
	if c.binary() {
		return c.binaryFormat().PayloadLimit()
	}
	return c.note.selectedPushType().MaxPayload()
}

// binaryProblem says why the chosen credential can't use the binary
// protocol: it authenticates with a TLS client certificate only.
func (c *Console) binaryProblem() error {
	if c.binary() && c.cred.chosen() == credential.KindP8 {
		return errors.New("the binary protocol needs a certificate (.p12 or PEM pair): token keys (.p8) only work with HTTP/2")
	}
	return nil
}

// startGateway starts the local binary gateway in the background.
func (c *Console) startGateway() {
	go func() {
		c.gateway()
		c.do(c.validate)
	}()
}

// gateway returns the in-process binary gateway of the Local environment,
// started on first use beside the simulator and sharing its CA and demo
// credentials. Safe from any goroutine.
func (c *Console) gateway() (*apnstest.Gateway, error) {
	sim, err := c.simulator()
	if err != nil {
		return nil, err
	}
	c.simMu.Lock()
	defer c.simMu.Unlock()
	c.mu.Lock()
	gw, err, closed := c.gw, c.gwErr, c.closed
	c.mu.Unlock()
	if closed {
		return nil, errClosing
	}
	if gw != nil || err != nil {
		return gw, err
	}
	gw, err = startGateway(sim)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		if gw != nil {
			gw.Close()
		}
		return nil, errClosing
	}
	c.gw, c.gwErr = gw, err
	return gw, err
}

func startGateway(sim *apnstest.Server) (gw *apnstest.Gateway, err error) {
	defer func() {
		if r := recover(); r != nil { // apnstest panics like httptest when it can't start
			err = fmt.Errorf("the local binary gateway did not start (%v): check that this computer allows listening on 127.0.0.1, or choose HTTP/2", r)
		}
	}()
	return apnstest.NewGateway(sim.Authority, sim.Demo), nil
}
