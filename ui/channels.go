package ui

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
	"apnsconsole/sender/credential"
)

// kindChannel marks the log rows of channel management and broadcasts.
const kindChannel sender.EventKind = "channel"

// maxChannelRows bounds the channels drawn; the rest are counted.
const maxChannelRows = 50

// channelsPanel is the Channels section: the loaded bundle's broadcast
// channels (iOS 18) with create, delete and copy. It asks the console to
// do the network work through its callbacks, and the console shows the
// answers with show and showStatus.
type channelsPanel struct {
	win        fyne.Window
	title      *hint
	list       *widget.Button
	create     *widget.Button
	rows       *fyne.Container
	status     *widget.Label
	content    fyne.CanvasObject
	ids        []string
	busy       bool
	rowButtons []*widget.Button // each listed channel's Copy and Delete

	refresh  func()
	add      func(sender.StoragePolicy)
	remove   func(id string)
	copyID   func(id string)
	selected func(id string) // a channel was copied: offered to the composer
}

func newChannelsPanel(win fyne.Window) *channelsPanel {
	p := &channelsPanel{win: win, refresh: func() {}, add: func(sender.StoragePolicy) {}, remove: func(string) {},
		copyID: func(string) {}, selected: func(string) {}}
	p.title = newHint("")
	p.list = widget.NewButtonWithIcon("List", theme.ViewRefreshIcon(), func() { p.refresh() })
	p.create = widget.NewButtonWithIcon("Create…", theme.ContentAddIcon(), p.showCreate)
	p.rows = container.NewVBox()
	p.status = widget.NewLabel("No channels listed yet: press List.")
	p.status.Wrapping = fyne.TextWrapWord
	p.content = container.NewVBox(p.title, container.NewHBox(p.list, p.create), p.rows, p.status)
	return p
}

// setBundle names the bundle and environment the panel works on; when
// they change, the channels listed for the previous ones go.
func (p *channelsPanel) setBundle(bundle, where string) {
	text := "Broadcast channels (iOS 18) of " + orDefault(bundle, "the app (type its bundle id in Topic)") + " in " + where +
		". Live Activities subscribe with input-push-channel; broadcasts update them all at once."
	if p.title.Text() == text {
		return
	}
	if p.title.Text() != "" && len(p.ids) > 0 {
		// Channels belong to one bundle in one environment: the list shown
		// was another's.
		p.show(nil)
		p.showStatus("No channels listed yet: press List.", widget.MediumImportance)
	}
	p.title.SetText(text)
}

// setBusy disables the buttons while a request is under way.
func (p *channelsPanel) setBusy(busy bool) {
	p.busy = busy
	for _, b := range append([]*widget.Button{p.list, p.create}, p.rowButtons...) {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// show lists the channels: each with its id, Copy and Delete.
func (p *channelsPanel) show(ids []string) {
	p.ids = append([]string(nil), ids...)
	p.rowButtons = p.rowButtons[:0]
	objs := make([]fyne.CanvasObject, 0, min(len(ids), maxChannelRows)+1)
	for i, id := range ids {
		if i == maxChannelRows {
			objs = append(objs, newHint(fmt.Sprintf("and %d more (copy them from the log row of the listing)", len(ids)-maxChannelRows)))
			break
		}
		label := widget.NewLabelWithStyle(id, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		label.Truncation = fyne.TextTruncateEllipsis
		label.Selectable = true
		copyBtn := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() { p.copyID(id); p.selected(id) })
		del := widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), func() { p.confirmDelete(id) })
		p.rowButtons = append(p.rowButtons, copyBtn, del)
		objs = append(objs, container.NewBorder(nil, nil, nil, container.NewHBox(copyBtn, del), label))
	}
	p.rows.Objects = objs
	p.rows.Refresh()
}

// showStatus shows the last operation's outcome.
func (p *channelsPanel) showStatus(text string, imp widget.Importance) {
	p.status.Importance = imp
	p.status.SetText(text)
}

// showCreate asks for the storage policy, explaining both, and creates.
func (p *channelsPanel) showCreate() {
	explain := newHint(sender.NoMessageStored.Explain())
	choices := []string{sender.NoMessageStored.String(), sender.MostRecentMessageStored.String()}
	policy := sender.NoMessageStored
	radio := widget.NewRadioGroup(choices, func(s string) {
		if s == choices[1] {
			policy = sender.MostRecentMessageStored
		} else {
			policy = sender.NoMessageStored
		}
		explain.SetText(policy.Explain())
	})
	radio.Required = true
	radio.SetSelected(choices[0])
	body := container.NewVBox(
		widget.NewLabel("Storage policy (it cannot be changed later):"), radio, explain)
	d := dialog.NewCustomConfirm("Create a broadcast channel", "Create", "Cancel", body, func(ok bool) {
		if ok {
			p.add(policy)
		}
	}, p.win)
	d.Resize(fyne.NewSize(480, 0))
	d.Show()
}

// confirmDelete asks before deleting: it cannot be undone.
func (p *channelsPanel) confirmDelete(id string) {
	d := dialog.NewConfirm("Delete this channel?",
		"Channel "+id+" will be deleted. This cannot be undone: the Live Activities subscribed to it get no more broadcasts, and a stored message may still be delivered.",
		func(ok bool) {
			if ok {
				p.remove(id)
			}
		}, p.win)
	d.SetConfirmText("Delete")
	d.SetDismissText("Cancel")
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// channelJob is a channel request read from the form on the UI goroutine.
type channelJob struct {
	what    string // "List channels", "Create channel", …
	bundle  string
	envName string
	env     sender.Environment
	kind    credential.Kind
	cred    *credential.Credential // nil in Local: the demo credential of kind
	host    string                 // the custom target's host:port
	roots   *x509.CertPool
}

// channelBundle is the bundle id the channels belong to: the topic
// without its push-type suffix.
func (c *Console) channelBundle() string {
	t := strings.TrimSpace(c.note.topic.Text)
	if t == "" {
		t = c.defaultTopic(c.cred.active())
	}
	return bundleOf(t)
}

// showChannelsTarget names the bundle and environment in the panel.
func (c *Console) showChannelsTarget() {
	if c.ch != nil {
		c.ch.setBundle(c.channelBundle(), envDescription(c.bar.envName()))
	}
}

// newChannelJob reads what a channel request needs from the form.
func (c *Console) newChannelJob(what string) (channelJob, error) {
	job := channelJob{what: what, bundle: c.channelBundle(), envName: c.bar.envName(), env: c.environment(), kind: c.cred.chosen()}
	if job.bundle == "" {
		return job, errors.New("no bundle id: type the app's bundle id in Topic (Notification section)")
	}
	if !c.bar.local() {
		job.cred = c.cred.userCredential()
		if job.cred == nil {
			return job, fmt.Errorf("%w: load a .p8 key or a certificate in the Credential section", sender.ErrNoCredential)
		}
	}
	if c.bar.custom() {
		var err error
		if job.host, job.roots, err = c.bar.customTarget(); err != nil {
			return job, err
		}
	}
	return job, nil
}

// channelClient makes the client for a job (on a background goroutine:
// Local may start the simulator).
func (c *Console) channelClient(job channelJob) (*sender.ChannelClient, error) {
	cc := &sender.ChannelClient{Credential: job.cred, Environment: job.env, RootCAs: job.roots, Now: c.now,
		ManagementHost: job.host, BroadcastHost: job.host}
	if job.envName == "local" {
		sim, err := c.simulator()
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		cc.Credential = c.demo[job.kind]
		c.mu.Unlock()
		cc.ManagementHost, cc.BroadcastHost, cc.RootCAs = sim.Addr, sim.Addr, sim.Authority.Pool()
	}
	return cc, nil
}

// runChannel does one channel request in the background, as one log row
// with its story, and hands the answer to then on the UI goroutine (r is
// nil when there was no answer).
func (c *Console) runChannel(what string, op func(ctx context.Context, cc *sender.ChannelClient, bundle string) (*sender.ChannelResponse, error), then func(r *sender.ChannelResponse, err error)) {
	if c.ch.busy {
		return // one request at a time: the buttons are off meanwhile
	}
	job, err := c.newChannelJob(what)
	if err != nil {
		c.ch.showStatus("✗ "+what+": "+err.Error(), widget.DangerImportance)
		c.log.Add(kindChannel, toneFailure, what+" not sent: "+err.Error())
		return
	}
	c.ch.setBusy(true)
	c.la.broadcastBtn.Disable()
	go func() {
		row := &logEntry{Time: time.Now(), Kind: kindChannel, Env: job.envName, Tone: toneHeading,
			Text: what + " · bundle " + job.bundle + " · " + envDescription(job.envName) + " · sending…"}
		c.log.push(row)
		var r *sender.ChannelResponse
		cc, err := c.channelClient(job)
		if err == nil {
			cc.OnEvent = func(ev sender.Event) { c.log.addToRow(row, ev) }
			ctx, cancel := context.WithTimeout(c.ctx, 30*time.Second)
			r, err = op(ctx, cc, job.bundle)
			cancel()
			cc.Close()
		}
		c.log.finishChannelRow(row, r, err)
		c.do(func() {
			c.ch.setBusy(false)
			c.la.eventChanged()
			switch {
			case err != nil:
				c.ch.showStatus("✗ "+what+": "+err.Error(), widget.DangerImportance)
			case r.OK():
				c.ch.showStatus("✓ "+what+": "+r.Summary(), widget.SuccessImportance)
			default:
				c.ch.showStatus("✗ "+what+": "+r.Summary(), widget.DangerImportance)
			}
			then(r, err)
		})
	}()
}

// finishChannelRow ends a channel row with APNs' answer or the error.
func (p *LogPane) finishChannelRow(e *logEntry, r *sender.ChannelResponse, err error) {
	p.mu.Lock()
	switch {
	case err != nil:
		e.Status, e.Tone = "error", toneFailure
		e.Story = append(e.Story, "outcome: not sent: "+err.Error())
	default:
		e.Status, e.Latency = fmt.Sprintf("%d %s", r.Status, orDefault(r.Reason, http.StatusText(r.Status))), r.Duration
		e.Tone = toneSuccess
		e.Story = append(e.Story, "outcome: "+r.Summary())
		if !r.OK() {
			e.Tone = toneFailure
		}
		if r.ChannelID != "" {
			e.Story = append(e.Story, "    channel: "+r.ChannelID)
		}
		if len(r.Channels) > 0 {
			e.Story = append(e.Story, fmt.Sprintf("    %d channels:", len(r.Channels)))
			for _, id := range r.Channels {
				e.Story = append(e.Story, "      "+id)
			}
		}
	}
	e.Text = e.Status + " · " + strings.TrimSuffix(e.Text, " · sending…") // the outcome first: long rows are cut at the right
	p.scheduleLocked()
	p.mu.Unlock()
}

// listChannels lists the bundle's channels into the panel.
func (c *Console) listChannels() {
	c.runChannel("List channels", func(ctx context.Context, cc *sender.ChannelClient, bundle string) (*sender.ChannelResponse, error) {
		return cc.ListChannels(ctx, bundle)
	}, func(r *sender.ChannelResponse, err error) {
		if err == nil && r.OK() {
			c.ch.show(r.Channels)
			c.la.channel.SetOptions(r.Channels)
			c.ch.showStatus("✓ "+plural(len(r.Channels), "channel")+".", widget.SuccessImportance)
		}
	})
}

// createChannel creates a channel, then lists them again.
func (c *Console) createChannel(policy sender.StoragePolicy) {
	c.runChannel("Create channel, storage policy "+policy.String(), func(ctx context.Context, cc *sender.ChannelClient, bundle string) (*sender.ChannelResponse, error) {
		return cc.CreateChannel(ctx, bundle, policy)
	}, func(r *sender.ChannelResponse, err error) {
		if err == nil && r.OK() {
			c.la.channel.SetText(r.ChannelID)
			c.listChannels()
		}
	})
}

// deleteChannel deletes a channel, then lists them again.
func (c *Console) deleteChannel(id string) {
	c.runChannel("Delete channel "+id, func(ctx context.Context, cc *sender.ChannelClient, bundle string) (*sender.ChannelResponse, error) {
		return cc.DeleteChannel(ctx, bundle, id)
	}, func(r *sender.ChannelResponse, err error) {
		if err == nil && r.OK() {
			// A deleted channel can no longer be broadcast to: it leaves
			// "Broadcast to".
			if strings.TrimSpace(c.la.channel.Text) == id {
				c.la.channel.SetText("")
			}
			c.listChannels()
		}
	})
}

// broadcastLive sends the composer's update or end to the chosen channel.
func (c *Console) broadcastLive() {
	id := strings.TrimSpace(c.la.channel.Text)
	la, err := c.liveActivity()
	var n *sender.Notification
	if err == nil {
		n, err = la.Notification("", priorityValue(c.note.priority.Selected), c.now())
	}
	if err == nil && id == "" {
		err = errors.New("no channel: create or copy one in the Channels section, or paste its id")
	}
	if err != nil {
		c.log.Add(kindChannel, toneFailure, "Broadcast not sent: "+err.Error())
		c.la.showStatus(err, nil)
		return
	}
	b := &sender.Broadcast{ChannelID: id, Priority: n.Priority, Payload: n.Payload}
	c.runChannel("Broadcast "+string(la.Event)+" to channel "+id, func(ctx context.Context, cc *sender.ChannelClient, bundle string) (*sender.ChannelResponse, error) {
		b.BundleID = bundle
		return cc.Broadcast(ctx, b)
	}, func(*sender.ChannelResponse, error) {})
}

// buildChannels makes the Channels panel and wires it.
func (c *Console) buildChannels() *channelsPanel {
	p := newChannelsPanel(c.win)
	p.refresh = c.listChannels
	p.add = c.createChannel
	p.remove = c.deleteChannel
	p.copyID = func(id string) { c.app.Clipboard().SetContent(id) }
	p.selected = func(id string) { c.la.channel.SetText(id) }
	return p
}
