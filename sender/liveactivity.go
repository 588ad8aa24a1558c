package sender

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"apnsconsole/sender/credential"
)

// LiveActivityEvent is the aps "event" of an ActivityKit push.
type LiveActivityEvent string

// The events of a Live Activity push (APNS-REFERENCE §6.1).
const (
	LiveActivityStart  LiveActivityEvent = "start"
	LiveActivityUpdate LiveActivityEvent = "update"
	LiveActivityEnd    LiveActivityEvent = "end"
)

// ParseLiveActivityEvent reads "start", "update" or "end".
func ParseLiveActivityEvent(s string) (LiveActivityEvent, error) {
	switch e := LiveActivityEvent(strings.ToLower(strings.TrimSpace(s))); e {
	case LiveActivityStart, LiveActivityUpdate, LiveActivityEnd:
		return e, nil
	}
	return "", fmt.Errorf("%w: Live Activity event %q: use start, update or end", ErrInvalidNotification, s)
}

// LiveActivityPriorityNote is the budget note shown next to the priority
// choice (APNS-REFERENCE §6.1, Apple's ActivityKit guide).
const LiveActivityPriorityNote = "Priority 10 is delivered at once but counts toward an hourly budget the system enforces (NSSupportsLiveActivitiesFrequentUpdates raises it); past it, updates are throttled. Priority 5 does not count toward the budget: use it for updates that can wait."

// LiveActivityAlert is the alert of a Live Activity push: required to
// start one, optional on an update or end. As in Apple's ActivityKit
// example, the sound goes inside the alert dictionary.
type LiveActivityAlert struct {
	Title, Body, Sound string
}

// IsZero reports an alert with nothing in it.
func (a LiveActivityAlert) IsZero() bool { return a.Title == "" && a.Body == "" && a.Sound == "" }

// LiveActivity is what the Live Activity composer holds: one ActivityKit
// push (APNS-REFERENCE §6.1). Dates are absolute; a zero time leaves the
// key out (except Timestamp, which is then the time of building).
type LiveActivity struct {
	Event          LiveActivityEvent
	ContentState   string    // a JSON object matching the app's ActivityAttributes.ContentState
	Timestamp      time.Time // zero = now
	StaleDate      time.Time // zero = none
	DismissalDate  time.Time // zero = none (the system keeps an ended activity up to 4 hours)
	RelevanceScore *float64  // nil = none
	Alert          LiveActivityAlert

	// Start only.
	AttributesType   string // the ActivityAttributes struct's name
	Attributes       string // its static attributes, a JSON object
	InputPushToken   bool   // iOS 18: ask the new activity for its own update token
	InputPushChannel string // iOS 18: subscribe the new activity to this broadcast channel (base64 id)
}

// LiveActivityError is a mistake in a Live Activity push found before
// sending: what is wrong and what to do about it.
type LiveActivityError struct {
	Problem, Fix string
}

func (e *LiveActivityError) Error() string { return e.Problem + ": " + e.Fix }

// Unwrap makes every LiveActivityError an ErrInvalidNotification.
func (e *LiveActivityError) Unwrap() error { return ErrInvalidNotification }

// Check looks for the mistakes APNs would not catch but the device would
// (it drops the push), at now. It returns the first mistake as a
// *LiveActivityError, and warnings for what is allowed but likely not
// meant. An end with a stale date and no dismissal date is fine: the
// system then keeps the ended activity for up to four hours.
func (la *LiveActivity) Check(now time.Time) (warnings []string, err error) {
	bad := func(problem, fix string) ([]string, error) {
		return nil, &LiveActivityError{Problem: problem, Fix: fix}
	}
	switch la.Event {
	case LiveActivityStart, LiveActivityUpdate, LiveActivityEnd:
	case "":
		return bad("no Live Activity event", "choose start, update or end")
	default:
		return bad(fmt.Sprintf("Live Activity event %q is unknown", la.Event), "choose start, update or end")
	}
	if strings.TrimSpace(la.ContentState) == "" {
		return bad("no content-state", `give the activity's ContentState as a JSON object, e.g. {"progress":0.5}: its keys must match your ActivityAttributes.ContentState (default JSON decoding)`)
	}
	if err := checkJSONObject(la.ContentState); err != "" {
		return bad("the content-state "+err, `write it as a JSON object whose keys match your ActivityAttributes.ContentState, e.g. {"progress":0.5}`)
	}
	if la.Event == LiveActivityStart {
		switch {
		case strings.TrimSpace(la.AttributesType) == "":
			return bad("a start needs attributes-type", "give the name of your ActivityAttributes struct, e.g. DeliveryAttributes")
		case strings.TrimSpace(la.Attributes) == "":
			return bad("a start needs attributes", `give the activity's static attributes as a JSON object, e.g. {"orderID":"42"} ({} when it has none)`)
		case la.Alert.Title == "" && la.Alert.Body == "":
			return bad("a start needs an alert", "give an alert title or body: starting a Live Activity by push always alerts the person")
		}
		if err := checkJSONObject(la.Attributes); err != "" {
			return bad("the attributes "+err, `write them as a JSON object matching your ActivityAttributes, e.g. {"orderID":"42"}`)
		}
	} else {
		switch {
		case la.AttributesType != "" || la.Attributes != "":
			return bad("attributes-type and attributes belong to a start", "leave them out of "+string(la.Event)+" pushes, or choose start")
		case la.InputPushToken:
			return bad("input-push-token belongs to a start", "leave it out, or choose start")
		case la.InputPushChannel != "":
			return bad("input-push-channel belongs to a start", "leave it out, or choose start")
		}
	}
	if la.InputPushChannel != "" {
		if _, err := base64.StdEncoding.DecodeString(la.InputPushChannel); err != nil {
			return bad(fmt.Sprintf("input-push-channel %q is not a channel id", la.InputPushChannel), "paste the base64 id `channels create` printed (e.g. dHN0LXNyY2gtY2hubA==)")
		}
	}
	if la.InputPushToken && la.InputPushChannel != "" {
		return bad("input-push-token and input-push-channel are both set", "choose one: a per-activity update token, or a broadcast channel")
	}
	if !la.StaleDate.IsZero() && la.StaleDate.Before(now) {
		return bad("the stale-date "+FormatDate(la.StaleDate, now)+" is in the past", "give a later date (e.g. \"in 2h\"), or leave it out")
	}
	if la.RelevanceScore != nil && (math.IsNaN(*la.RelevanceScore) || math.IsInf(*la.RelevanceScore, 0)) {
		return bad("the relevance-score is not a number", "give a number such as 50 (higher shows first among several activities)")
	}
	if !la.DismissalDate.IsZero() && la.Event != LiveActivityEnd {
		warnings = append(warnings, "a dismissal-date only takes effect on an end event; the device ignores it on "+string(la.Event))
	}
	if !la.DismissalDate.IsZero() && la.Event == LiveActivityEnd && la.DismissalDate.Before(now) {
		warnings = append(warnings, "the dismissal-date is in the past: the system removes the ended activity at once")
	}
	if !la.Timestamp.IsZero() && la.Timestamp.Before(now.Add(-time.Hour)) {
		warnings = append(warnings, "the timestamp is over an hour old: the system shows only the newest update, so a later one already received wins")
	}
	return warnings, nil
}

// checkJSONObject says what is wrong with s as a JSON object ("" when
// nothing).
func checkJSONObject(s string) string {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return "is not valid JSON: " + describeJSONError([]byte(s), err)
	}
	if _, ok := v.(map[string]any); !ok {
		return "is " + jsonKind(v) + ", not a JSON object"
	}
	return ""
}

// Payload checks la at now (see Check) and builds its payload: an aps
// dictionary holding timestamp, event, content-state, the dates, the
// relevance score, the start keys and the alert, in that order, compact
// and without HTML escaping. Timestamp is now when not given.
func (la *LiveActivity) Payload(now time.Time) ([]byte, error) {
	if _, err := la.Check(now); err != nil {
		return nil, err
	}
	ts := la.Timestamp
	if ts.IsZero() {
		ts = now
	}
	var aps jsonObject
	aps.set("timestamp", encodeJSONValue(ts.Unix()))
	aps.set("event", encodeJSONValue(string(la.Event)))
	state, err := compactObject(la.ContentState)
	if err != nil {
		return nil, err
	}
	aps.set("content-state", state)
	if !la.StaleDate.IsZero() {
		aps.set("stale-date", encodeJSONValue(la.StaleDate.Unix()))
	}
	if !la.DismissalDate.IsZero() {
		aps.set("dismissal-date", encodeJSONValue(la.DismissalDate.Unix()))
	}
	if la.RelevanceScore != nil {
		aps.set("relevance-score", encodeJSONValue(*la.RelevanceScore))
	}
	if la.Event == LiveActivityStart {
		aps.set("attributes-type", encodeJSONValue(la.AttributesType))
		v, err := compactObject(la.Attributes)
		if err != nil {
			return nil, err
		}
		aps.set("attributes", v)
		if la.InputPushToken {
			aps.set("input-push-token", encodeJSONValue(1))
		}
		if la.InputPushChannel != "" {
			aps.set("input-push-channel", encodeJSONValue(la.InputPushChannel))
		}
	}
	if !la.Alert.IsZero() {
		var alert jsonObject
		for _, f := range []struct{ key, value string }{{"title", la.Alert.Title}, {"body", la.Alert.Body}, {"sound", la.Alert.Sound}} {
			if f.value != "" {
				alert.set(f.key, encodeJSONValue(f.value))
			}
		}
		aps.set("alert", alert.encode())
	}
	return jsonObject{{"aps", aps.encode()}}.encode(), nil
}

// compactObject re-encodes a checked JSON object compactly, keeping its
// key order.
func compactObject(text string) (json.RawMessage, error) {
	o, err := parseJSONObject([]byte(text))
	if err != nil {
		return nil, &LiveActivityError{Problem: "cannot read the JSON object: " + err.Error(), Fix: "write a JSON object"}
	}
	if o == nil {
		return json.RawMessage("{}"), nil
	}
	return o.encode(), nil
}

// LiveActivityTopic is the apns-topic of Live Activity pushes to bundleID's
// devices: <bundle>.push-type.liveactivity.
func LiveActivityTopic(bundleID string) string { return PushLiveActivity.TopicFor(bundleID) }

// Notification builds the device push for la: payload (see Payload),
// topic <bundle>.push-type.liveactivity, push type liveactivity, and
// priority 10 when priority is 0 (see LiveActivityPriorityNote). The
// token is left for the caller (copy the notification per token).
// bundleID may carry the suffix already; with "" the topic is resolved
// from a certificate when sending.
func (la *LiveActivity) Notification(bundleID string, priority int, now time.Time) (*Notification, error) {
	switch priority {
	case 0:
		priority = 10
	case 5, 10:
	default:
		return nil, &LiveActivityError{Problem: fmt.Sprintf("priority %d is not allowed for Live Activity pushes", priority),
			Fix: "use 10 (immediate, counts toward the hourly budget) or 5 (opportunistic)"}
	}
	p, err := la.Payload(now)
	if err != nil {
		return nil, err
	}
	if err := ValidatePayload(p, PushLiveActivity.MaxPayload()); err != nil {
		return nil, err
	}
	n := &Notification{PushType: PushLiveActivity, Priority: priority, Payload: p}
	if bundleID != "" {
		n.Topic = LiveActivityTopic(strings.TrimSuffix(bundleID, PushLiveActivity.TopicSuffix()))
	}
	return n, nil
}

// LiveActivityCredentialWarning says what the reference knows about
// sending Live Activity pushes with cred, "" when there is nothing to say
// (token keys, the usual choice). It never refuses: APNS-REFERENCE §1.4
// gives token-only as a secondary source's claim (sideshow/apns2's
// comments, [L]); Apple itself only says a certificate can push to the
// topics it lists. So a certificate whose topics leave out topic gets a
// warning naming both, and a certificate that does list it gets none.
func LiveActivityCredentialWarning(cred *credential.Credential, topic string) string {
	if !cred.IsCertificate() {
		return ""
	}
	for _, t := range cred.Topics() {
		if t.Name == topic {
			return ""
		}
	}
	listed := "only its bundle id"
	if ts := cred.Topics(); len(ts) > 0 {
		names := make([]string, len(ts))
		for i, t := range ts {
			names[i] = t.Name
		}
		listed = strings.Join(names, ", ")
	}
	return fmt.Sprintf("Live Activity pushes with a certificate: Apple says a certificate can push only to the topics it lists, and this one lists %s, not %s; sideshow/apns2 (a secondary source) says liveactivity is token-auth only. APNs will most likely refuse it (TopicDisallowed or BadTopic): use a .p8 token key", listed, topic)
}

// ErrBadDate is wrapped by ParseDate's errors.
var ErrBadDate = errors.New("bad date")

// ParseDate reads a date as typed: "in 2h" (also "in 90m", "in 1h30m",
// "in 2 hours", "in 1 day"), "now", RFC 3339 ("2026-12-01T09:00:00Z", or
// with a zone offset), or UNIX seconds. Relative dates are counted from
// now and cut to whole seconds.
func ParseDate(s string, now time.Time) (time.Time, error) {
	text := strings.TrimSpace(s)
	lower := strings.ToLower(text)
	switch {
	case lower == "now":
		return now.Truncate(time.Second), nil
	case strings.HasPrefix(lower, "in "):
		if d, ok := parseFriendlyDuration(strings.TrimSpace(lower[3:])); ok {
			return now.Add(d).Truncate(time.Second), nil
		}
	default:
		if d, err := time.ParseDuration(lower); err == nil && d > 0 {
			return now.Add(d).Truncate(time.Second), nil
		}
	}
	if secs, ok := parseEpoch(text); ok {
		return time.Unix(secs, 0), nil
	}
	if t, err := time.Parse(time.RFC3339, text); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%w: %q: write \"in 2h\" (or in 30m, in 1 day), a date such as 2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00, or UNIX seconds such as %d", ErrBadDate, s, now.Add(2*time.Hour).Unix())
}

func parseEpoch(s string) (int64, bool) {
	if s == "" || len(s) > 12 {
		return 0, false
	}
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// parseFriendlyDuration reads a Go duration ("1h30m") or "N unit" pairs
// ("2 hours", "1 day 3 hours", "45 min").
func parseFriendlyDuration(s string) (time.Duration, bool) {
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, true
	}
	units := map[string]time.Duration{
		"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
		"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
		"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
		"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	}
	f := strings.Fields(strings.ReplaceAll(s, ",", " "))
	if len(f) == 0 || len(f)%2 != 0 {
		return 0, false
	}
	var total time.Duration
	for i := 0; i < len(f); i += 2 {
		n, ok := parseEpoch(f[i])
		u, known := units[f[i+1]]
		if !ok || !known || n > 100000 {
			return 0, false
		}
		total += time.Duration(n) * u
	}
	return total, total > 0
}

// FormatDate shows a date back in local time with its UNIX seconds and
// how far it is from now: "Sun 29 Nov 2026 17:43:11 CET (1796661791, in 2h0m0s)".
func FormatDate(t, now time.Time) string {
	d := t.Sub(now.Truncate(time.Second)).Round(time.Second)
	rel := "now"
	switch {
	case d > 0:
		rel = "in " + d.String()
	case d < 0:
		rel = (-d).String() + " ago"
	}
	return fmt.Sprintf("%s (%d, %s)", t.Local().Format("Mon 2 Jan 2006 15:04:05 MST"), t.Unix(), rel)
}
