package preview

import (
	"encoding/json"
	"strconv"
	"strings"
)

// apsFields is what the preview reads of the aps dictionary.
type apsFields struct {
	raw map[string]json.RawMessage

	hasAlert              bool
	title, subtitle, body string
	contentAvailable      bool
	mutable               bool
	soundInAlert          json.RawMessage
}

// read fills n's sound, badge, level, category and thread, and a's texts.
func (a *apsFields) read(n *Notification) {
	get := func(key string, v any) bool {
		raw, ok := a.raw[key]
		return ok && json.Unmarshal(raw, v) == nil
	}
	var num json.Number
	if get("content-available", &num) && num.String() == "1" {
		a.contentAvailable = true
	}
	if get("mutable-content", &num) && num.String() == "1" {
		a.mutable = true
	}
	if get("badge", &num) {
		if b, err := strconv.Atoi(num.String()); err == nil && b >= 0 {
			n.Badge = &b
		}
	}
	get("interruption-level", &n.InterruptionLevel)
	get("category", &n.Category)
	get("thread-id", &n.ThreadID)
	a.readAlert(n)
	sound := a.raw["sound"]
	if sound == nil {
		sound = a.soundInAlert // Live Activities put the sound in the alert
	}
	readSound(sound, n)
}

// readAlert reads the alert: a string is the body; a dictionary gives
// title, subtitle and body, or their localization keys.
func (a *apsFields) readAlert(n *Notification) {
	raw, ok := a.raw["alert"]
	if !ok {
		return
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		a.body, a.hasAlert = s, s != ""
		return
	}
	var d map[string]json.RawMessage
	if json.Unmarshal(raw, &d) != nil {
		return
	}
	text := func(key, locKey, argsKey string) string {
		var v string
		if r, ok := d[key]; ok {
			if json.Unmarshal(r, &v) == nil && v != "" {
				return v
			}
			// Live Activities may give {"loc-key": …, "loc-args": […]} in place of the text.
			var loc struct {
				Key  string   `json:"loc-key"`
				Args []string `json:"loc-args"`
			}
			if json.Unmarshal(r, &loc) == nil && loc.Key != "" {
				return a.localized(n, key, loc.Key, loc.Args)
			}
		}
		var k string
		if json.Unmarshal(d[locKey], &k) == nil && k != "" {
			var args []string
			_ = json.Unmarshal(d[argsKey], &args)
			return a.localized(n, key, k, args)
		}
		return ""
	}
	a.title = text("title", "title-loc-key", "title-loc-args")
	a.subtitle = text("subtitle", "subtitle-loc-key", "subtitle-loc-args")
	a.body = text("body", "loc-key", "loc-args")
	a.soundInAlert = d["sound"]
	a.hasAlert = a.title != "" || a.subtitle != "" || a.body != ""
}

// localized stands in for a text the app localizes: the key, with its
// arguments, and a note saying so.
func (a *apsFields) localized(n *Notification, field, key string, args []string) string {
	n.Notes = append(n.Notes, "the "+field+" is localized by the app: iOS shows its text for the key "+key+", here the key stands in")
	if len(args) == 0 {
		return key
	}
	return key + " (" + strings.Join(args, ", ") + ")"
}

// readSound reads a sound name or a critical-alert sound dictionary.
func readSound(raw json.RawMessage, n *Notification) {
	if raw == nil {
		return
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		switch s {
		case "":
		case "default":
			n.Sound, n.SoundName = SoundDefault, s
		default:
			n.Sound, n.SoundName = SoundNamed, s
		}
		return
	}
	var d struct {
		Critical json.Number `json:"critical"`
		Name     string      `json:"name"`
	}
	if json.Unmarshal(raw, &d) != nil || d.Name == "" {
		return
	}
	n.Sound, n.SoundName = SoundNamed, d.Name
	if d.Name == "default" {
		n.Sound = SoundDefault
	}
	if d.Critical.String() == "1" {
		n.Sound = SoundCritical
	}
}
