package ui

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
)

// Live Activity events, in the order shown.
var liveEvents = []string{string(sender.LiveActivityStart), string(sender.LiveActivityUpdate), string(sender.LiveActivityEnd)}

// liveAuthNote says what the reference knows about certificates and Live
// Activities, and how sure it is (APNS-REFERENCE §1.4, UNCERTAIN).
const liveAuthNote = "Credential: a .p8 token key is the sure choice. Whether a certificate may send Live Activity pushes is uncertain: Apple only says a certificate pushes to the topics it lists; a secondary source (sideshow/apns2) says token auth only."

// liveActivitySection is the Live Activity composer, shown under the
// Notification fields when the push type is liveactivity. The alert's
// title, body and sound and the priority are the Notification section's
// own fields; this section holds the rest of an ActivityKit push. Fields
// that don't apply to the chosen event are disabled, never hidden, so the
// form never moves; the one status line under it says what is wrong
// and how to fix it.
type liveActivitySection struct {
	wheel        wheelFields
	win          fyne.Window
	event        *widget.RadioGroup
	contentState *formEntry
	fromFile     *widget.Button
	timestamp    *widget.Entry
	staleDate    *widget.Entry
	dismissal    *widget.Entry
	relevance    *widget.Entry
	attrType     *widget.Entry
	attrs        *formEntry
	inputToken   *widget.Check
	inputChannel *widget.Entry
	channel      *widget.SelectEntry
	broadcastBtn *widget.Button
	status       *widget.Label
	form         *widget.Form
	dateItems    map[*widget.Entry]*widget.FormItem
	content      fyne.CanvasObject

	shown bool // the section is on (push type liveactivity)

	changed   func()
	broadcast func() // "Broadcast to channel"
}

func newLiveActivitySection(win fyne.Window) *liveActivitySection {
	s := &liveActivitySection{win: win, changed: func() {}, broadcast: func() {}}
	changed := func(string) { s.changed() }
	entry := func(placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(placeholder)
		e.OnChanged = changed
		return e
	}
	s.event = widget.NewRadioGroup(liveEvents, func(string) { s.eventChanged(); s.changed() })
	s.event.Horizontal = true
	s.event.Required = true
	s.contentState = newFormEntry(`{"progress": 0.5, "eta": "12:30"}`, 2)
	s.contentState.TextStyle.Monospace = true
	s.contentState.Wrapping = fyne.TextWrapBreak
	s.contentState.OnChanged = changed
	s.fromFile = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), s.openContentState)
	s.timestamp = entry("now (the time of sending)")
	s.staleDate = entry("in 2h · 2026-12-01T09:00:00Z · UNIX seconds")
	s.dismissal = entry("in 15m · RFC 3339 · UNIX seconds")
	s.relevance = entry("e.g. 50: higher shows first")
	s.attrType = entry("your ActivityAttributes struct, e.g. DeliveryAttributes")
	s.attrs = newFormEntry(`{"orderID": "42"}`, 1)
	s.attrs.TextStyle.Monospace = true
	s.attrs.Wrapping = fyne.TextWrapBreak
	s.attrs.OnChanged = changed
	s.inputToken = widget.NewCheck("ask the new activity for its own update token", func(bool) { s.changed() })
	s.inputChannel = entry("channel id: subscribe the new activity to a channel")
	s.channel = widget.NewSelectEntry(nil)
	s.channel.SetPlaceHolder("a channel id (see Channels)")
	s.channel.OnChanged = changed
	s.broadcastBtn = widget.NewButtonWithIcon("Broadcast", theme.MailSendIcon(), func() { s.broadcast() })
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord

	dateItem := func(label string, e *widget.Entry) *widget.FormItem {
		it := widget.NewFormItem(label, s.wheel.line(e))
		it.HintText = " "
		return it
	}
	s.dateItems = map[*widget.Entry]*widget.FormItem{
		s.timestamp: dateItem("Timestamp", s.timestamp),
		s.staleDate: dateItem("Stale date", s.staleDate),
		s.dismissal: dateItem("Dismissal", s.dismissal),
	}
	s.form = widget.NewForm(
		widget.NewFormItem("Event", s.event),
		widget.NewFormItem("Content state", container.NewBorder(nil, nil, nil, s.fromFile, s.contentState)),
		s.dateItems[s.timestamp],
		s.dateItems[s.staleDate],
		s.dateItems[s.dismissal],
		widget.NewFormItem("Relevance", s.wheel.line(s.relevance)),
		widget.NewFormItem("Attributes type", s.wheel.line(s.attrType)),
		widget.NewFormItem("Attributes", s.attrs),
		widget.NewFormItem("Input token", s.inputToken),
		widget.NewFormItem("Input channel", s.wheel.line(s.inputChannel)),
		widget.NewFormItem("Broadcast to", container.NewBorder(nil, nil, nil, s.broadcastBtn, s.wheel.line(s.channel))),
	)
	notes := newHint("The alert (title, body, sound: required to start, optional after) and the priority are the fields above; the topic is <bundle>" +
		sender.PushLiveActivity.TopicSuffix() + ".\n" + sender.LiveActivityPriorityNote + "\n" + liveAuthNote)
	title := widget.NewLabelWithStyle("Live Activity", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.content = container.NewVBox(widget.NewSeparator(), title, s.form, s.status, notes)
	s.event.SetSelected(string(sender.LiveActivityUpdate))
	s.content.Hide()
	return s
}

// selectedEvent is the chosen event.
func (s *liveActivitySection) selectedEvent() sender.LiveActivityEvent {
	return sender.LiveActivityEvent(s.event.Selected)
}

// eventChanged enables the fields the event uses and disables the rest;
// nothing is hidden, so the form keeps its shape.
func (s *liveActivitySection) eventChanged() {
	start := s.selectedEvent() == sender.LiveActivityStart
	end := s.selectedEvent() == sender.LiveActivityEnd
	setEnabled := func(on bool, ws ...fyne.Disableable) {
		for _, w := range ws {
			if on {
				w.Enable()
			} else {
				w.Disable()
			}
		}
	}
	setEnabled(start, s.attrType, s.attrs, s.inputToken, s.inputChannel)
	setEnabled(end, s.dismissal)
	setEnabled(!start, s.channel, s.broadcastBtn) // a broadcast cannot start an activity
	if s.form != nil {
		s.form.Refresh() // the labels follow their fields' state
	}
}

// openContentState reads the content-state JSON from a file into the field.
func (s *liveActivitySection) openContentState() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		b, err := io.ReadAll(io.LimitReader(r, sender.MaxBroadcastPayload*2+1))
		switch {
		case err != nil:
			dialog.ShowError(fmt.Errorf("reading %s: %w", r.URI().Name(), err), s.win)
		case len(b) > sender.MaxBroadcastPayload*2:
			dialog.ShowError(fmt.Errorf("%s is larger than a Live Activity payload can be (5 KB): choose the JSON file of the content state", r.URI().Name()), s.win)
		default:
			s.contentState.SetText(strings.TrimSpace(string(b)))
		}
	}, s.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	d.Show()
}

// date reads a date field: zero when empty.
func (s *liveActivitySection) date(name string, e *widget.Entry, now time.Time) (time.Time, error) {
	if strings.TrimSpace(e.Text) == "" {
		return time.Time{}, nil
	}
	t, err := sender.ParseDate(e.Text, now)
	if err != nil {
		return t, &sender.LiveActivityError{Problem: "the " + name + " " + strconv.Quote(e.Text) + " is not a date",
			Fix: `write "in 2h" (or in 30m, in 1 day), RFC 3339 such as 2026-12-01T09:00:00Z, or UNIX seconds`}
	}
	return t, nil
}

// showDates shows each date field's value back in local time under it.
func (s *liveActivitySection) showDates(now time.Time) {
	empty := map[*widget.Entry]string{
		s.timestamp: "empty: the time of sending",
		s.staleDate: "empty: never stale",
		s.dismissal: "end only · empty: the system keeps it up to 4 hours",
	}
	refresh := false
	for e, it := range s.dateItems {
		text := empty[e]
		if strings.TrimSpace(e.Text) != "" {
			if t, err := sender.ParseDate(e.Text, now); err != nil {
				text = "✗ not a date: in 2h, RFC 3339 or UNIX seconds"
			} else {
				text = "→ " + formatDate(t, now)
			}
		}
		if it.HintText != text {
			it.HintText = text
			refresh = true
		}
	}
	if refresh {
		s.form.Refresh()
	}
}

// activity reads the form as a Live Activity push with alert, at now.
func (s *liveActivitySection) activity(alert sender.LiveActivityAlert, now time.Time) (*sender.LiveActivity, error) {
	la := &sender.LiveActivity{Event: s.selectedEvent(), ContentState: strings.TrimSpace(s.contentState.Text), Alert: alert}
	var err error
	if la.Timestamp, err = s.date("timestamp", s.timestamp, now); err != nil {
		return nil, err
	}
	if la.StaleDate, err = s.date("stale-date", s.staleDate, now); err != nil {
		return nil, err
	}
	if la.Event == sender.LiveActivityEnd {
		if la.DismissalDate, err = s.date("dismissal-date", s.dismissal, now); err != nil {
			return nil, err
		}
	}
	if r := strings.TrimSpace(s.relevance.Text); r != "" {
		f, err := strconv.ParseFloat(r, 64)
		if err != nil {
			return nil, &sender.LiveActivityError{Problem: "the relevance-score " + strconv.Quote(r) + " is not a number",
				Fix: "give a number such as 50 (higher shows first among several activities), or leave it empty"}
		}
		la.RelevanceScore = &f
	}
	if la.Event == sender.LiveActivityStart {
		la.AttributesType = strings.TrimSpace(s.attrType.Text)
		la.Attributes = strings.TrimSpace(s.attrs.Text)
		la.InputPushToken = s.inputToken.Checked
		la.InputPushChannel = strings.TrimSpace(s.inputChannel.Text)
	}
	return la, nil
}

// showStatus shows the check's outcome in the one status line.
func (s *liveActivitySection) showStatus(err error, notes []string) {
	var text string
	imp := widget.SuccessImportance
	var le *sender.LiveActivityError
	switch {
	case errors.As(err, &le):
		text, imp = "✗ "+sentence(le.Problem)+". "+sentence(le.Fix)+".", widget.DangerImportance
	case err != nil:
		text, imp = "✗ "+sentence(err.Error()), widget.DangerImportance
	default:
		text = "✓ Ready to " + string(s.selectedEvent()) + " the Live Activity."
		if len(notes) > 0 {
			imp = widget.WarningImportance
			text = "⚠ " + sentence(strings.Join(notes, "; ")) + "."
		}
	}
	if s.status.Text != text || s.status.Importance != imp {
		s.status.Importance = imp
		s.status.SetText(text)
	}
}

// liveProblem is a Live Activity mistake in a few words, for the line
// next to Send.
func liveProblem(err error) string {
	var le *sender.LiveActivityError
	if errors.As(err, &le) {
		return le.Problem
	}
	return "the Live Activity is not ready"
}

// liveActive reports whether the Live Activity composer is on.
func (c *Console) liveActive() bool {
	return c.la != nil && c.note.selectedPushType() == sender.PushLiveActivity
}

// syncLiveActivity shows the composer for push type liveactivity, and
// disables the Notification fields a Live Activity push has no use for.
func (c *Console) syncLiveActivity() {
	on := c.liveActive()
	if c.la == nil || on == c.la.shown {
		return
	}
	c.la.shown = on
	for _, w := range []fyne.Disableable{c.note.subtitle, c.note.badge, c.adv.custom} {
		if on {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	if on {
		c.la.content.Show()
	} else {
		c.la.content.Hide()
	}
}

// liveActivity reads the composer and the Notification fields it shares.
func (c *Console) liveActivity() (*sender.LiveActivity, error) {
	alert := sender.LiveActivityAlert{Title: c.note.title.Text, Body: c.note.body.Text, Sound: strings.TrimSpace(c.note.sound.Text)}
	return c.la.activity(alert, c.now())
}

// livePayload builds the Live Activity payload, checked, and shows the
// outcome in the composer's status line.
func (c *Console) livePayload() ([]byte, error) {
	now := c.now()
	c.la.showDates(now)
	la, err := c.liveActivity()
	var n *sender.Notification
	if err == nil {
		n, err = la.Notification("", priorityValue(c.note.priority.Selected), now)
	}
	var notes []string
	if err == nil {
		notes, _ = la.Check(now)
		topic := strings.TrimSpace(c.note.topic.Text)
		if topic == "" {
			topic = c.defaultTopic(c.cred.active())
		}
		if w := sender.LiveActivityCredentialWarning(c.cred.active(), topic); w != "" {
			if c.bar.local() {
				w += " (here: choose Kind " + kindP8Choice + " in Credential; the simulator has a demo key)"
			}
			notes = append(notes, w)
		}
	}
	c.la.showStatus(err, notes)
	if err != nil {
		return nil, err
	}
	return n.Payload, nil
}
