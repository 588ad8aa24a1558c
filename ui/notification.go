package ui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
)

// Priority choices, in the order shown.
const (
	priorityDefault = "Default (header omitted: 10)"
	priority10      = "10 · immediately"
	priority5       = "5 · power-considerate"
	priority1       = "1 · lowest, no wake"
)

var priorityChoices = []string{priorityDefault, priority10, priority5, priority1}

func priorityValue(choice string) int {
	switch choice {
	case priority10:
		return 10
	case priority5:
		return 5
	case priority1:
		return 1
	}
	return 0
}

func priorityChoice(v int) string {
	switch v {
	case 10:
		return priority10
	case 5:
		return priority5
	case 1:
		return priority1
	}
	return priorityDefault
}

// notificationSection is the Notification section: the alert, badge,
// sound, topic, push type and priority. It tells the console through
// changed, and asks it through useTemplate to start the payload of a push
// type (the custom JSON lives in the Advanced section).
type notificationSection struct {
	wheel        wheelFields
	body         *formEntry
	title        *widget.Entry
	subtitle     *widget.Entry
	badge        *widget.Entry
	sound        *widget.Entry
	topic        *widget.SelectEntry
	topicOptions []string
	shownType    sender.PushType // the push type the topic was last made for // the certificate's topics, offered in topic
	pushType     *widget.Select
	priority     *widget.Select
	template     *widget.Button // "Start a <type> payload", shown when the push type has one
	content      fyne.CanvasObject

	badgeErr *widget.Label // what is wrong with the badge, under it

	changed     func()
	typeChanged func() // the push type changed: the topic's placeholder follows
	useTemplate func(payloadTemplate)
}

func newNotificationSection() *notificationSection {
	s := &notificationSection{changed: func() {}, typeChanged: func() {}, useTemplate: func(payloadTemplate) {}, shownType: sender.PushAlert}
	changed := func(string) { s.changed() }
	entry := func(placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(placeholder)
		e.OnChanged = changed
		return e
	}
	s.body = newFormEntry("the alert text", 2)
	s.body.OnChanged = changed
	s.title = entry("optional")
	s.subtitle = entry("optional")
	s.badge = entry("number on the app icon; 0 clears it")
	s.sound = entry(`e.g. default`)
	s.topic = widget.NewSelectEntry(nil)
	s.topic.OnChanged = changed
	s.pushType = widget.NewSelect(pushTypeChoices(), func(string) { s.pushTypeChanged() })
	s.priority = widget.NewSelect(priorityChoices, changed)
	s.template = widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() {
		if t, ok := templateFor(s.selectedPushType()); ok {
			s.useTemplate(t)
		}
	})
	s.template.Hide()
	s.badgeErr = widget.NewLabel("")
	s.badgeErr.Importance = widget.DangerImportance
	s.badgeErr.Wrapping = fyne.TextWrapWord
	s.badgeErr.Hide()

	s.content = widget.NewForm(
		widget.NewFormItem("Alert", s.body),
		widget.NewFormItem("Title", s.wheel.line(s.title)),
		widget.NewFormItem("Subtitle", s.wheel.line(s.subtitle)),
		widget.NewFormItem("Badge", container.NewVBox(s.wheel.line(s.badge), s.badgeErr)),
		widget.NewFormItem("Sound", s.wheel.line(s.sound)),
		widget.NewFormItem("Push type", container.NewBorder(nil, nil, nil, s.template, s.pushType)),
		widget.NewFormItem("Topic", s.wheel.line(s.topic)),
		widget.NewFormItem("Priority", s.priority),
	)
	return s
}

func pushTypeChoices() []string {
	out := make([]string, len(sender.PushTypes))
	for i, p := range sender.PushTypes {
		out[i] = string(p)
	}
	return out
}

func (s *notificationSection) selectedPushType() sender.PushType {
	if s.pushType.Selected == "" {
		return sender.PushAlert
	}
	return sender.PushType(s.pushType.Selected)
}

// pushTypeChanged gives the topic the new push type's suffix in place of
// the previous one (com.example.app.voip → com.example.app.push-type.
// liveactivity), unless the user typed a suffix the previous push type
// does not use; an empty topic follows by its placeholder. It offers the
// push type's starting payload.
func (s *notificationSection) pushTypeChanged() {
	pt, prev := s.selectedPushType(), s.shownType
	s.shownType = pt
	if t := strings.TrimSpace(s.topic.Text); t != "" && t == prev.TopicFor(bundleOf(t)) {
		if next := pt.TopicFor(bundleOf(t)); next != t {
			s.topic.SetText(next)
		}
	}
	if _, ok := templateFor(pt); ok {
		s.template.SetText("Start a " + string(pt) + " payload")
		s.template.Show()
	} else {
		s.template.Hide()
	}
	s.typeChanged()
	s.changed()
}

// bundleOf is the topic without a push type's suffix.
func bundleOf(topic string) string {
	best := ""
	for _, p := range sender.PushTypes {
		if suf := p.TopicSuffix(); suf != "" && strings.HasSuffix(topic, suf) && len(suf) > len(best) {
			best = suf
		}
	}
	return strings.TrimSuffix(topic, best)
}

// message is what the user typed, as the sender's Message (custom JSON
// comes from the Advanced section).
func (s *notificationSection) message(custom string) (sender.Message, error) {
	m := sender.Message{
		Body:     s.body.Text,
		Title:    s.title.Text,
		Subtitle: s.subtitle.Text,
		Sound:    strings.TrimSpace(s.sound.Text),
		Custom:   custom,
	}
	if b := strings.TrimSpace(s.badge.Text); b != "" {
		n, err := strconv.Atoi(b)
		if err != nil || n < 0 {
			return m, fmt.Errorf("%w: %q is not a whole number: type the number to show on the app icon, 0 to clear it, or nothing to leave it", errBadge, b)
		}
		m.Badge = &n
	}
	return m, nil
}

// errBadge marks the badge's error, shown under its field.
var errBadge = errors.New("badge")

// showBadge says under the badge field what is wrong with it ("" when
// nothing).
func (s *notificationSection) showBadge(err error) {
	if err == nil {
		s.badgeErr.Hide()
		return
	}
	s.badgeErr.SetText(sentence(strings.TrimPrefix(err.Error(), "badge: ")))
	s.badgeErr.Show()
}

// typed lists the alert fields that hold text, by their labels.
func (s *notificationSection) typed() []string {
	var out []string
	for _, f := range []struct {
		label string
		text  string
	}{{"Alert", s.body.Text}, {"Title", s.title.Text}, {"Subtitle", s.subtitle.Text}, {"Badge", s.badge.Text}, {"Sound", s.sound.Text}} {
		if strings.TrimSpace(f.text) != "" {
			out = append(out, f.label)
		}
	}
	return out
}

// apply fills the fields from a push type's starting payload: the alert
// fields are emptied when the type carries no alert.
func (s *notificationSection) apply(t payloadTemplate) {
	if !t.alert {
		for _, e := range []*widget.Entry{s.title, s.subtitle, s.badge, s.sound} {
			e.SetText("")
		}
		s.body.SetText("")
	}
	s.priority.SetSelected(priorityChoice(t.priority))
}
