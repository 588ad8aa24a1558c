package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
	"apnsconsole/sender/simctl"
)

// envSimulator is the iOS Simulator target: `xcrun simctl push`, no
// credential, no token. ("iOS Simulator" does not fit beside the four
// others in the form's width; the row under the choices says iOS.)
const envSimulator = "Simulator"

// anyBooted is the device choice that lets simctl pick the booted one.
const anyBooted = "Any booted simulator"

// simListTimeout bounds listing the booted simulators.
const simListTimeout = 15 * time.Second

// simTarget is the iOS Simulator's row in the send bar: the booted
// simulators by name and OS, a refresh button, and why the target
// cannot be used when xcrun is missing or fails.
type simTarget struct {
	device  *widget.Select
	refresh *widget.Button
	reason  *widget.Label
	row     *fyne.Container

	devices   []simctl.Device
	want      string // a UDID to choose once the list arrives (from a document)
	listErr   error  // why the list could not be read, or xcrun is missing
	listing   bool
	listedGen int
}

// buildSimTarget adds the iOS Simulator's row under the target choices
// and follows the choice of target.
func (c *Console) buildSimTarget() {
	s := &simTarget{}
	c.simT = s
	s.device = widget.NewSelect(nil, func(string) { c.changed() })
	s.device.PlaceHolder = "(no booted simulator)"
	s.refresh = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), c.refreshSimulators)
	s.reason = widget.NewLabel("")
	s.reason.Wrapping = fyne.TextWrapWord
	s.reason.Importance = widget.WarningImportance
	s.reason.Hide()
	s.row = container.NewVBox(
		widget.NewForm(widget.NewFormItem("iOS Simulator", container.NewBorder(nil, nil, nil, s.refresh, s.device))),
		s.reason)
	s.row.Hide()
	if box, ok := c.bar.content.(*fyne.Container); ok {
		at := slices.Index(box.Objects, fyne.CanvasObject(c.bar.customRow)) + 1
		box.Objects = slices.Insert(box.Objects, at, fyne.CanvasObject(s.row))
	}
	envChanged := c.bar.envChanged
	c.bar.envChanged = func() {
		s.row.Hidden = !c.simTarget()
		s.row.Refresh()
		if c.simTarget() {
			c.refreshSimulators()
		}
		envChanged()
	}
}

// simTarget reports whether the iOS Simulator target is chosen.
func (c *Console) simTarget() bool { return c.bar != nil && c.bar.env.Selected == envSimulator }

// simDeviceChoice is the device as chosen, for telling unsaved changes.
func (c *Console) simDeviceChoice() string {
	if c.simT == nil || !c.simTarget() {
		return ""
	}
	return c.simDeviceID()
}

// simDeviceID is the chosen simulator's UDID, or "booted".
func (c *Console) simDeviceID() string {
	s := c.simT
	if i := s.device.SelectedIndex(); i > 0 && i <= len(s.devices) {
		return s.devices[i-1].UDID
	}
	if s.want != "" {
		return s.want
	}
	return simctl.Booted
}

// chooseSimulator chooses the iOS Simulator target and the device (a
// UDID, or "booted"/"" for any booted one) once it is listed.
func (c *Console) chooseSimulator(device string) {
	if device == simctl.Booted {
		device = ""
	}
	c.simT.want = device
	c.bar.env.SetSelected(envSimulator)
	c.selectWanted()
}

// refreshSimulators lists the booted simulators in the background, or
// says why it cannot.
func (c *Console) refreshSimulators() {
	s := c.simT
	tool := &simctl.Tool{}
	if err := tool.Available(); err != nil {
		c.showSimulators(nil, err)
		return
	}
	s.listedGen++
	gen := s.listedGen
	s.listing = true
	s.refresh.Disable()
	go func() {
		ctx, cancel := context.WithTimeout(c.ctx, simListTimeout)
		defer cancel()
		devices, err := tool.BootedDevices(ctx)
		c.do(func() {
			if gen == s.listedGen {
				s.listing = false
				c.showSimulators(devices, err)
			}
		})
	}()
}

// showSimulators shows the list (or why there is none) and validates.
func (c *Console) showSimulators(devices []simctl.Device, err error) {
	s := c.simT
	s.devices, s.listErr = devices, err
	s.refresh.Enable()
	opts := []string{anyBooted}
	for _, d := range devices {
		opts = append(opts, d.String())
	}
	if len(devices) == 0 {
		opts = nil
	}
	s.device.SetOptions(opts)
	switch {
	case errors.Is(err, simctl.ErrNoXcrun):
		s.reason.SetText("Needs Xcode's command-line tools on macOS: xcrun was not found. On a Mac, install Xcode and run xcode-select --install; elsewhere choose another target.")
		s.device.Disable()
		s.refresh.Disable()
	case err != nil:
		s.reason.SetText(sentence(err.Error()))
		s.device.Enable()
	case len(devices) == 0:
		s.reason.SetText("No simulator is booted: open Simulator.app (or xcrun simctl boot <UDID>), then press refresh.")
		s.device.Enable()
	default:
		s.reason.SetText("")
		s.device.Enable()
	}
	s.reason.Hidden = s.reason.Text == ""
	s.reason.Refresh()
	c.selectWanted()
	c.changed()
}

// selectWanted selects the wanted device if listed, else the first
// choice.
func (c *Console) selectWanted() {
	s := c.simT
	if len(s.devices) == 0 {
		return
	}
	for i, d := range s.devices {
		if d.UDID == s.want {
			s.device.SetSelectedIndex(i + 1)
			s.want = ""
			return
		}
	}
	if s.device.SelectedIndex() < 0 {
		s.device.SetSelectedIndex(0)
	}
}

// simBundle is the app the simulator's push goes to: the topic without
// a push type's suffix, else the loaded certificate's bundle id.
func (c *Console) simBundle() string {
	if t := strings.TrimSpace(c.note.topic.Text); t != "" {
		return bundleOf(t)
	}
	if cred := c.cred.userCredential(); cred != nil {
		return bundleOf(cred.DefaultTopic())
	}
	return ""
}

// simProblem says why a push to the iOS Simulator cannot go, if so.
func (c *Console) simProblem(perr error) (short string, err error) {
	s := c.simT
	switch {
	case errors.Is(s.listErr, simctl.ErrNoXcrun):
		return "needs Xcode's command-line tools on macOS (see iOS Simulator)", s.listErr
	case s.listing && len(s.devices) == 0:
		return "looking for booted simulators…", errors.New("listing")
	case s.listErr != nil:
		return "simctl cannot list the simulators (see iOS Simulator)", s.listErr
	case len(s.devices) == 0:
		return "no simulator is booted (see iOS Simulator)", errors.New("none booted")
	case perr != nil:
		return "the payload is not valid (see Payload)", perr
	case c.simBundle() == "":
		return "type the app's bundle id in Topic (see Notification)", errors.New("no bundle")
	}
	return "", nil
}

// validateSimulator is validate for the iOS Simulator: a payload, a
// bundle id and a booted simulator; no credential and no token.
func (c *Console) validateSimulator() {
	p, perr := c.payload()
	c.pview.show(p, perr, c.payloadLimit())
	c.adv.showExpiration(c.now())
	short, err := c.simProblem(perr)
	c.ready = err == nil
	if err != nil {
		c.bar.showProblem("Send is off: " + short)
	} else {
		c.bar.showProblem("")
	}
	c.bar.showMismatch("", "")
	device := "the booted simulator"
	if i := c.simT.device.SelectedIndex(); i > 0 {
		device = c.simT.devices[i-1].String()
	}
	c.bar.target.SetText("→ " + device + " via xcrun simctl push (no credential or token needed)")
	c.showHeaders()
	c.updateSendButton()
	if !c.sending {
		c.bar.sendBtn.SetText("Send")
	}
}

// sendToSimulator pushes the payload to the app on the chosen simulator
// with xcrun simctl, in the background; the row's story shows the
// command and simctl's output.
func (c *Console) sendToSimulator() {
	c.validate()
	if !c.ready {
		return
	}
	p, err := c.payload()
	if err != nil {
		return
	}
	udid, bundle := c.simDeviceID(), c.simBundle()
	label := "booted simulator"
	if i := c.simT.device.SelectedIndex(); i > 0 {
		label = c.simT.devices[i-1].String()
	}
	c.sends++
	seq := c.sends
	c.sending = true
	c.showLog()
	c.updateSendButton()
	c.save()
	go func() {
		row := c.log.beginSend("simulator", udid, fmt.Sprintf("Send %d → %s (iOS Simulator, xcrun simctl push) · app %s", seq, label, bundle))
		c.log.addStory(row, fmt.Sprintf("payload (%d bytes):", len(p)), indentLines(prettyJSON(p)))
		tool := &simctl.Tool{OnEvent: func(ev sender.Event) { c.log.addToRow(row, ev) }}
		push, err := tool.Push(c.ctx, udid, bundle, p)
		c.log.finishSimRow(row, push, err)
		c.do(func() { c.sent(row) })
	}()
}

// finishSimRow sets a simulator push's outcome.
func (p *LogPane) finishSimRow(e *logEntry, push *simctl.Push, err error) {
	p.mu.Lock()
	if err != nil {
		e.Status, e.Tone = "error", toneFailure
		e.Story = append(e.Story, "outcome: not delivered: "+err.Error())
	} else {
		e.Status, e.Tone, e.Latency = "delivered", toneSuccess, push.Duration
		e.Story = append(e.Story, "outcome: delivered to the app by simctl")
	}
	p.scheduleLocked()
	p.mu.Unlock()
}
