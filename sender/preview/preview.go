// Package preview models what iOS shows for a notification, without
// drawing anything: the window (or anything else) turns a Notification
// into a banner or lock-screen entry. It answers the questions people
// send test pushes to answer: is anything shown at all, what do the
// title, subtitle and body look like once iOS has cut them to fit, does
// it play a sound, what happens to the badge.
//
// iOS lays text out by its rendered width, so the truncation here is
// exactly as good as the Layout's Measure: the window passes its own text
// measurement (e.g. fyne.MeasureText) and width; without one, every
// character counts as one and Width is in characters, which is close for
// Latin text and too generous for wide scripts and emoji.
package preview

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"apnsconsole/sender"
)

// How iOS lays out a notification on the lock screen and in a banner:
// title and subtitle one line each, the body wrapped on up to four lines,
// each cut with an ellipsis at the end when it does not fit.
const (
	DefaultBodyLines = 4
	// DefaultWidth is the characters of a line of an iPhone banner at
	// the default text size, used when Layout.Width is 0 and Measure nil.
	DefaultWidth = 42
	Ellipsis     = "…"
)

// Layout is the space the preview is drawn in.
type Layout struct {
	// Width is a text line's width, in Measure's units (characters when
	// Measure is nil; 0 = DefaultWidth characters).
	Width float32
	// Measure gives the drawn width of text (bold for the title); nil
	// counts characters.
	Measure func(text string, bold bool) float32
	// BodyLines is the body's line limit; 0 = DefaultBodyLines.
	BodyLines int
}

// Sound is what the notification plays.
type Sound int

const (
	SoundNone     Sound = iota // no sound key: silent
	SoundDefault               // "default": the system's sound
	SoundNamed                 // a sound file of the app (SoundName)
	SoundCritical              // a critical alert: plays even when muted (SoundName)
)

// Notification is what iOS shows.
type Notification struct {
	// Shown reports a visible notification (banner, lock screen, Notification
	// Center). When false, Status says why and what happens instead.
	Shown bool
	// Silent is a background push (content-available): nothing is shown
	// and nothing plays; the app is woken.
	Silent bool
	// LiveActivity is a liveactivity push: Title and Body are the alert
	// shown with the activity's update, if it has one.
	LiveActivity bool

	Title, Subtitle string   // one line each, truncated as iOS does
	BodyLines       []string // the body as drawn: wrapped, at most Layout.BodyLines lines
	Truncated       bool     // the title, subtitle or body was cut
	// FullTitle, FullSubtitle and FullBody are the uncut texts, as the
	// expanded notification shows them.
	FullTitle, FullSubtitle, FullBody string

	Sound     Sound
	SoundName string // SoundNamed, SoundCritical: the file; SoundDefault: "default"
	Badge     *int   // the new badge number; 0 clears it; nil leaves it

	InterruptionLevel string // "", passive, active, time-sensitive, critical
	Category          string // the actions' category, if any
	ThreadID          string // the group, if any

	// Status is one line for the preview's caption, e.g. "silent: nothing
	// is shown" or "banner and lock screen, with the default sound".
	Status string
	// Notes are further facts worth showing: localized keys, a service
	// extension that may change the content, a mismatched push type.
	Notes []string
}

// Body is BodyLines joined with line breaks.
func (n *Notification) Body() string { return strings.Join(n.BodyLines, "\n") }

// Build turns a payload and its push type ("" = alert) into what iOS
// shows. The payload must be a JSON object; what iOS would ignore is
// ignored here too.
func Build(payload []byte, pushType sender.PushType, layout Layout) (*Notification, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(payload, &top); err != nil {
		return nil, fmt.Errorf("%w: the payload is not a JSON object, so there is nothing to preview: fix the JSON", sender.ErrInvalidPayload)
	}
	var aps apsFields
	if raw, ok := top["aps"]; ok {
		if err := json.Unmarshal(raw, &aps.raw); err != nil {
			return nil, fmt.Errorf(`%w: the payload's "aps" is not a dictionary, so iOS shows nothing: write it as "aps":{"alert":"Hello"}`, sender.ErrInvalidPayload)
		}
	}
	if pushType == "" {
		pushType = sender.PushAlert
	}
	layout = layout.withDefaults()
	n := &Notification{LiveActivity: pushType == sender.PushLiveActivity}
	aps.read(n)

	switch pushType {
	case sender.PushAlert, sender.PushLiveActivity:
	case sender.PushBackground:
		n.Silent = true
		n.Status = "silent: nothing is shown; iOS wakes the app in the background (when it sees fit)"
		if aps.hasAlert || n.Sound != SoundNone || n.Badge != nil {
			n.Notes = append(n.Notes, "a background push must not carry an alert, sound or badge: choose push type alert to show it")
		}
		return n, nil
	default:
		n.Status = fmt.Sprintf("not a notification: a %s push is handed to the app (%s), nothing is shown by iOS", pushType, handler(pushType))
		return n, nil
	}

	if !aps.hasAlert {
		switch {
		case n.LiveActivity:
			n.Status = "Live Activity update without an alert: the activity changes on the lock screen, no banner"
		case n.Sound != SoundNone || n.Badge != nil:
			n.Status = "no banner: " + quietEffects(n)
		case aps.contentAvailable:
			n.Silent = true
			n.Status = "silent: nothing is shown; iOS wakes the app in the background (use push type background)"
		default:
			n.Status = "nothing is shown: the payload has no alert, sound or badge"
		}
		return n, nil
	}

	n.Shown = true
	n.FullTitle, n.FullSubtitle, n.FullBody = aps.title, aps.subtitle, aps.body
	var cut bool
	n.Title, cut = oneLine(aps.title, layout, true)
	n.Truncated = n.Truncated || cut
	n.Subtitle, cut = oneLine(aps.subtitle, layout, false)
	n.Truncated = n.Truncated || cut
	n.BodyLines, cut = wrap(aps.body, layout)
	n.Truncated = n.Truncated || cut
	n.Status = shownStatus(n)
	if aps.mutable {
		n.Notes = append(n.Notes, "mutable-content: the app's Notification Service Extension may change what is shown")
	}
	return n, nil
}

func (l Layout) withDefaults() Layout {
	if l.Measure == nil {
		l.Measure = func(s string, _ bool) float32 { return float32(utf8.RuneCountInString(s)) }
		if l.Width <= 0 {
			l.Width = DefaultWidth
		}
	}
	if l.BodyLines <= 0 {
		l.BodyLines = DefaultBodyLines
	}
	return l
}

func handler(p sender.PushType) string {
	switch p {
	case sender.PushVoIP:
		return "PushKit; the app reports a call with CallKit"
	case sender.PushComplication:
		return "the watch complication updates"
	case sender.PushFileProvider:
		return "the File Provider extension"
	case sender.PushMDM:
		return "device management checks in"
	case sender.PushLocation:
		return "the Location Push Service Extension"
	case sender.PushPushToTalk:
		return "the Push to Talk framework"
	case sender.PushWidgets, sender.PushControls:
		return "WidgetKit reloads"
	}
	return "not documented"
}

// quietEffects says what a notification without an alert does.
func quietEffects(n *Notification) string {
	var parts []string
	if n.Sound != SoundNone {
		parts = append(parts, "plays "+soundText(n))
	}
	if n.Badge != nil {
		parts = append(parts, badgeText(*n.Badge))
	}
	return strings.Join(parts, " and ")
}

func shownStatus(n *Notification) string {
	var s string
	switch n.InterruptionLevel {
	case "passive":
		s = "delivered quietly to the Notification Center (passive): no banner, no sound, the screen stays dark"
	case "time-sensitive":
		s = "banner and lock screen, marked Time Sensitive (breaks through Focus)"
	case "critical":
		s = "critical alert: banner and lock screen even in Focus and when muted (needs Apple's entitlement)"
	default:
		s = "banner and lock screen"
	}
	if n.InterruptionLevel != "passive" {
		if n.Sound != SoundNone {
			s += ", with " + soundText(n)
		} else {
			s += ", without a sound"
		}
	}
	if n.Badge != nil {
		s += "; " + badgeText(*n.Badge)
	}
	return s
}

func soundText(n *Notification) string {
	switch n.Sound {
	case SoundDefault:
		return "the default sound"
	case SoundCritical:
		return "the critical sound " + n.SoundName
	}
	return "the sound " + n.SoundName
}

func badgeText(b int) string {
	if b == 0 {
		return "clears the badge"
	}
	return fmt.Sprintf("sets the badge to %d", b)
}

// oneLine is s on one line (line breaks become spaces), cut with an
// ellipsis when wider than the layout.
func oneLine(s string, l Layout, bold bool) (string, bool) {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if fitPrefix(r, "", l, bold) == len(r) {
		return string(r), false
	}
	return ellipsize(r, l, bold), true
}

// ellipsize cuts r where r+"…" fits, at a character boundary (as iOS's
// tail truncation does), dropping trailing spaces.
func ellipsize(r []rune, l Layout, bold bool) string {
	n := fitPrefix(r, Ellipsis, l, bold)
	return strings.TrimRight(string(r[:n]), " ") + Ellipsis
}

// fitPrefix is how many of r's first runes, followed by suffix, fit in a
// line. It measures only prefixes up to one rune past a line, so a huge
// text costs no more than a short one.
func fitPrefix(r []rune, suffix string, l Layout, bold bool) int {
	n := 0
	for n < len(r) && l.Measure(string(r[:n+1])+suffix, bold) <= l.Width {
		n++
	}
	return n
}

func fits(s string, l Layout) bool {
	r := []rune(s)
	return fitPrefix(r, "", l, false) == len(r)
}

// wrap lays the body out as iOS does: its own line breaks kept, lines
// wrapped at spaces (a word wider than a line is broken anywhere), at most
// l.BodyLines lines, the last cut with an ellipsis when text is left.
func wrap(body string, l Layout) ([]string, bool) {
	if strings.TrimSpace(body) == "" {
		return nil, false
	}
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		lines = wrapParagraph(para, l, lines)
		if len(lines) > l.BodyLines {
			break
		}
	}
	if len(lines) <= l.BodyLines {
		return lines, false
	}
	last := lines[l.BodyLines-1]
	lines = lines[:l.BodyLines]
	if last != "" && fits(last+Ellipsis, l) {
		lines[l.BodyLines-1] = strings.TrimRight(last, " ") + Ellipsis
	} else {
		lines[l.BodyLines-1] = ellipsize([]rune(last), l, false)
	}
	return lines, true
}

// wrapParagraph appends paragraph p's lines to lines, wrapped greedily at
// spaces, and stops once there are more lines than the layout shows.
func wrapParagraph(p string, l Layout, lines []string) []string {
	words := strings.Fields(p)
	if len(words) == 0 {
		return append(lines, "")
	}
	line := ""
	for _, w := range words {
		if len(lines) > l.BodyLines {
			return lines
		}
		candidate := w
		if line != "" {
			candidate = line + " " + w
		}
		if fits(candidate, l) {
			line = candidate
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		// A word wider than a line is broken between characters.
		r := []rune(w)
		for len(lines) <= l.BodyLines {
			n := fitPrefix(r, "", l, false)
			if n == len(r) {
				break
			}
			n = max(n, 1)
			lines = append(lines, string(r[:n]))
			r = r[n:]
		}
		line = string(r)
	}
	return append(lines, line)
}
