package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// liveActivityFlags are send's flags for ActivityKit pushes (--live-activity
// …) and broadcasts to a channel (--channel, broadcast.go). The alert comes
// from send's --alert, --title and --sound.
type liveActivityFlags struct {
	event            string
	contentState     string
	attributesType   string
	attributes       string
	timestamp        string
	staleDate        string
	dismissalDate    string
	relevanceScore   string
	inputPushToken   bool
	inputPushChannel string
	channel          string
	broadcastHost    string
	manageHost       string

	dates    []string // the dates as read, in local time, printed once the target is known
	warnings []string // likely mistakes that do not stop the send
	now      time.Time
}

func (f *liveActivityFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.event, "live-activity", "", "send a Live Activity push: start, update or end (topic <bundle>.push-type.liveactivity, push type liveactivity)")
	fs.StringVar(&f.contentState, "content-state", "", "with --live-activity: the ContentState as a JSON object, or @FILE")
	fs.StringVar(&f.attributesType, "attributes-type", "", "with --live-activity start: the name of the ActivityAttributes struct")
	fs.StringVar(&f.attributes, "attributes", "", "with --live-activity start: the static attributes as a JSON object, or @FILE")
	fs.StringVar(&f.timestamp, "timestamp", "", "with --live-activity: the update's `DATE` (default now)")
	fs.StringVar(&f.staleDate, "stale-date", "", "with --live-activity: when the content goes stale: `DATE` as \"in 2h\", RFC 3339 or UNIX seconds")
	fs.StringVar(&f.dismissalDate, "dismissal-date", "", "with --live-activity end: when to remove the ended activity (`DATE`; default: up to 4 hours later)")
	fs.StringVar(&f.relevanceScore, "relevance-score", "", "with --live-activity: a `NUMBER`; the highest shows first among several activities")
	fs.BoolVar(&f.inputPushToken, "input-push-token", false, "with --live-activity start (iOS 18): the new activity gets its own update token")
	fs.StringVar(&f.inputPushChannel, "input-push-channel", "", "with --live-activity start (iOS 18): subscribe the new activity to broadcast channel `ID`")
	fs.StringVar(&f.channel, "channel", "", "broadcast to channel `ID` instead of device tokens (with --live-activity update or end and --topic BUNDLE)")
	fs.StringVar(&f.broadcastHost, "broadcast-host", "", "`HOST:PORT` for --channel (default: --host, else api-broadcast[.sandbox].push.apple.com:443; Apple's command-line article uses api[.sandbox].push.apple.com:443 instead)")
	fs.StringVar(&f.manageHost, "manage-host", "", "`HOST:PORT` of channel management, asked for a --channel's storage policy (default: --host, else Apple's for --env)")
}

// chosen reports whether --live-activity was given.
func (f *liveActivityFlags) chosen() bool { return f.event != "" }

// dispatchLiveActivity refuses combinations that cannot work and runs a
// broadcast (--channel) itself; done reports that it did, or failed.
func (f *sendFlags) dispatchLiveActivity(ctx context.Context, binary bool, stdout, stderr io.Writer) (code int, done bool) {
	fail := func(msg string) (int, bool) {
		fmt.Fprintln(stderr, "error:", msg)
		return exitFailure, true
	}
	if !f.liveActivityFlags.chosen() {
		for _, v := range []struct{ name, value string }{{"content-state", f.contentState}, {"attributes-type", f.attributesType},
			{"attributes", f.attributes}, {"stale-date", f.staleDate}, {"dismissal-date", f.dismissalDate}, {"relevance-score", f.relevanceScore},
			{"input-push-channel", f.inputPushChannel}, {"timestamp", f.timestamp}, {"channel", f.channel}} {
			if v.value != "" {
				return fail(fmt.Sprintf("--%s belongs to a Live Activity push: add --live-activity start, update or end", v.name))
			}
		}
		if f.inputPushToken {
			return fail("--input-push-token belongs to a Live Activity start: add --live-activity start")
		}
		return 0, false
	}
	if binary {
		return fail("Live Activities need the HTTP/2 API: leave --protocol binary out")
	}
	if f.payload != "" || f.badge != "" || f.subtitle != "" {
		return fail("--payload, --badge and --subtitle don't go into a Live Activity push: give --content-state (and --alert, --title, --sound for its alert)")
	}
	if pt := sender.PushType(f.pushType); pt != sender.PushAlert && pt != sender.PushLiveActivity {
		return fail(fmt.Sprintf("--push-type %s does not go with --live-activity, whose push type is liveactivity: leave --push-type out", f.pushType))
	}
	if f.channel != "" {
		return runBroadcast(ctx, f, stdout, stderr), true // broadcast.go
	}
	if f.broadcastHost != "" || f.manageHost != "" {
		return fail("--broadcast-host and --manage-host go with --channel ID")
	}
	return 0, false
}

// liveActivity reads the composer's flags into a sender.LiveActivity.
func (f *sendFlags) liveActivity() (*sender.LiveActivity, error) {
	f.now = time.Now()
	ev, err := sender.ParseLiveActivityEvent(f.event)
	if err != nil {
		return nil, inputError{fmt.Errorf("--live-activity %q: use start, update or end", f.event)}
	}
	la := &sender.LiveActivity{
		Event:            ev,
		AttributesType:   f.attributesType,
		InputPushToken:   f.inputPushToken,
		InputPushChannel: f.inputPushChannel,
		Alert:            sender.LiveActivityAlert{Title: f.title, Body: f.alert, Sound: f.sound},
	}
	if la.ContentState, err = readJSONArg("content-state", f.contentState); err != nil {
		return nil, err
	}
	if la.Attributes, err = readJSONArg("attributes", f.attributes); err != nil {
		return nil, err
	}
	for _, d := range []struct {
		name, value string
		to          *time.Time
	}{{"timestamp", f.timestamp, &la.Timestamp}, {"stale-date", f.staleDate, &la.StaleDate}, {"dismissal-date", f.dismissalDate, &la.DismissalDate}} {
		if d.value == "" {
			continue
		}
		t, err := sender.ParseDate(d.value, f.now)
		if err != nil {
			return nil, inputError{fmt.Errorf("--%s %w", d.name, err)}
		}
		*d.to = t
		f.dates = append(f.dates, fmt.Sprintf("%s %s", d.name, sender.FormatDate(t, f.now)))
	}
	if f.relevanceScore != "" {
		s, err := strconv.ParseFloat(f.relevanceScore, 64)
		if err != nil || math.IsNaN(s) || math.IsInf(s, 0) {
			return nil, inputError{fmt.Errorf("--relevance-score %q is not a number: give one such as 50 (the highest shows first)", f.relevanceScore)}
		}
		la.RelevanceScore = &s
	}
	warnings, err := la.Check(f.now)
	if err != nil {
		return nil, inputError{err}
	}
	f.warnings = append(f.warnings, warnings...)
	return la, nil
}

// readJSONArg reads a flag given as JSON or @FILE.
func readJSONArg(name, v string) (string, error) {
	if !strings.HasPrefix(v, "@") {
		return v, nil
	}
	data, err := payloadFile("--"+name, sender.PushLiveActivity).Read(v[1:])
	if err != nil {
		return "", inputError{fmt.Errorf("cannot read the --%s file: %w", name, err)}
	}
	return string(data), nil
}

// liveActivityPayload is buildPayload for --live-activity.
func (f *sendFlags) liveActivityPayload() ([]byte, error) {
	la, err := f.liveActivity()
	if err != nil {
		return nil, err
	}
	p, err := la.Payload(f.now)
	if err != nil {
		return nil, inputError{err}
	}
	if err := sender.ValidatePayload(p, sender.PushLiveActivity.MaxPayload()); err != nil {
		return nil, inputError{err}
	}
	return p, nil
}

// applyLiveActivity sets the headers of a Live Activity push on the
// per-token template: push type liveactivity, priority 10 unless 5 was
// chosen, and the topic with its .push-type.liveactivity suffix.
func (f *sendFlags) applyLiveActivity(n *sender.Notification) error {
	if !f.liveActivityFlags.chosen() {
		return nil
	}
	switch n.Priority {
	case 0:
		n.Priority = 10
	case 5, 10:
	default:
		return inputError{fmt.Errorf("--priority %d is not allowed for Live Activity pushes: use 10 (immediate; counts toward the hourly budget) or 5 (opportunistic)", n.Priority)}
	}
	n.PushType = sender.PushLiveActivity
	if n.Topic != "" {
		n.Topic = sender.LiveActivityTopic(strings.TrimSuffix(n.Topic, sender.PushLiveActivity.TopicSuffix()))
	}
	return nil
}

// prepareLiveActivity runs once the target is known: with the local
// simulator and no credential it sends with the demo token key (Live
// Activities are a token-auth feature; the demo certificate lists no
// liveactivity topic) to the demo bundle; it warns about a certificate
// and prints the dates as read, in local time.
func (f *sendFlags) prepareLiveActivity(base *sender.Notification, cred **credential.Credential, tgt *target, out *printer, stderr io.Writer) error {
	if !f.liveActivityFlags.chosen() {
		return nil
	}
	if tgt.env == sender.Local && !f.credentialFlags.chosen() {
		if err := useDemoTokenKey(cred, tgt); err != nil {
			return err
		}
		if base.Topic == "" {
			base.Topic = sender.LiveActivityTopic(apnstest.DemoBundleID)
		}
	}
	for _, d := range f.dates {
		fmt.Fprintln(stderr, "note:", d)
	}
	for _, w := range f.warnings {
		out.warn(w)
	}
	if *cred != nil {
		if topic, err := base.ResolveTopic(*cred); err == nil {
			if w := sender.LiveActivityCredentialWarning(*cred, topic); w != "" {
				out.warn(w)
			}
		}
	}
	if base.Priority == 10 && f.verbose {
		out.info(sender.LiveActivityPriorityNote)
	}
	return nil
}

// useDemoTokenKey sets *cred to the in-process simulator's demo .p8 key
// (when the target started one): Live Activities and broadcasts are
// token-auth features, and the demo certificate lists no liveactivity
// topic.
func useDemoTokenKey(cred **credential.Credential, tgt *target) error {
	if tgt.simulator == nil {
		return nil
	}
	demo, err := credential.ParseP8(tgt.simulator.Demo.Key.P8, apnstest.DemoKeyID, apnstest.DemoTeamID)
	if err != nil {
		return fmt.Errorf("cannot read the simulator's demo key (%v): this is a bug in apns-console, please report it", err)
	}
	*cred = demo
	return nil
}
