package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
)

// Create a channel, see it listed, broadcast to it (200), delete it,
// broadcast again (400 ChannelNotRegistered): the panel and the log say
// each step.
func TestChannelsCreateListBroadcastDelete(t *testing.T) {
	h := newHarness(t)
	sim := h.simulator()
	c := h.c
	c.note.pushType.SetSelected(string(sender.PushLiveActivity))
	c.la.contentState.SetText(`{"progress": 0.5}`)
	c.validate()
	idle := func() bool { return !c.ch.busy }

	c.createChannel(sender.MostRecentMessageStored)
	h.waitFor("the channel to be created and listed", func() bool { return idle() && len(c.ch.ids) == 1 })
	id := c.ch.ids[0]
	if got := sim.Channels(apnstest.DemoBundleID); len(got) != 1 || got[0] != id {
		t.Fatalf("simulator channels %v, panel %v", got, c.ch.ids)
	}
	if c.la.channel.Text != id {
		t.Errorf("composer channel = %q, want the new one %q", c.la.channel.Text, id)
	}
	h.waitForLog("Create channel", "201 Created", "List channels", "200 OK")

	test.Tap(c.la.broadcastBtn)
	h.waitFor("the broadcast", idle)
	if n := len(sim.Broadcasts()); n != 1 {
		t.Fatalf("simulator took %d broadcasts, want 1\nlog:\n%s", n, h.logText())
	}
	h.waitForLog("Broadcast update to channel " + id + " · bundle " + apnstest.DemoBundleID)

	c.deleteChannel(id)
	h.waitFor("the delete and the listing", func() bool { return idle() && len(c.ch.ids) == 0 && strings.Contains(h.logText(), "204") })
	// The deleted channel leaves "Broadcast to".
	if c.la.channel.Text != "" {
		t.Errorf("Broadcast to still holds the deleted channel %q", c.la.channel.Text)
	}

	// Typed again by hand, it is refused by APNs.
	c.la.channel.SetText(id)
	test.Tap(c.la.broadcastBtn)
	h.waitFor("the second broadcast", idle)
	h.waitForLog("400 ChannelNotRegistered")
	if !strings.Contains(c.ch.status.Text, "ChannelNotRegistered") {
		t.Errorf("panel status = %q", c.ch.status.Text)
	}
}

// The Channels panel with channels listed, and the delete confirmation
// saying that it cannot be undone.
func TestChannelsPanelAndDeleteConfirmation(t *testing.T) {
	newTestApp(t)
	w := test.NewTempWindow(t, nil)
	p := newChannelsPanel(w)
	w.SetContent(p.content)
	w.Resize(fyne.NewSize(540, 420))
	p.setBundle("com.example.demo", "local simulator")
	ids := []string{"dHN0LXNyY2gtY2hubA==", "Y2hhbm5lbC10d28tMDAwMDE=", "Y2hhbm5lbC10aHJlZS0wMDAwMg=="}
	p.show(ids)
	p.showStatus("✓ 3 channels.", 0)
	test.AssertRendersToMarkup(t, "channels_listed.xml", w.Canvas())

	var deleted string
	p.remove = func(id string) { deleted = id }
	p.confirmDelete(ids[1])
	test.AssertRendersToMarkup(t, "channels_delete_confirm.xml", w.Canvas())
	if deleted != "" {
		t.Fatal("deleted before confirming")
	}

	// Another environment: the channels listed were the other one's.
	p.setBundle("com.example.demo", "Apple sandbox")
	if len(p.ids) != 0 || len(p.rows.Objects) != 0 {
		t.Errorf("after a change of environment the panel still lists %v", p.ids)
	}
}
