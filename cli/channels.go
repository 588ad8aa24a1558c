package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
)

// channelsFlags are `apns-console channels`' flags: send's credential and
// target flags, the bundle, the channel and the storage policy.
type channelsFlags struct {
	credentialFlags
	bundle        string
	channel       string
	storagePolicy string
	json          bool
	verbose       bool
}

const channelsUsage = `Usage: apns-console channels create|list|get|delete --bundle BUNDLE [flags]

Manages the iOS 18 broadcast channels of an app (Live Activity updates to
every subscribed device at once), in one environment:
  create --storage-policy 0|1   make a channel and print its id
                                0: no message stored (higher budget; offline devices miss broadcasts)
                                1: the most recent message is stored for up to 8 hours
  list                          print the app's channel ids, one per line
  get --channel ID              print the channel's storage policy
  delete --channel ID           delete the channel (it cannot be undone)
Broadcast to a channel with: apns-console send --channel ID --live-activity update …

Flags:
`

// channelActions are the words `channels` takes first.
var channelActions = []string{"create", "list", "get", "delete"}

func runChannels(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	action := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
		if !slices.Contains(channelActions, action) {
			fmt.Fprintf(stderr, "error: unknown channels action %q: use create, list, get or delete\n", action)
			return exitFailure
		}
	}
	fs := flag.NewFlagSet(strings.TrimSpace("channels "+action), flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f channelsFlags
	f.credentialFlags.register(fs)
	fs.StringVar(&f.bundle, "bundle", "", "the app's bundle `ID` (default: the certificate's), without a push-type suffix")
	fs.StringVar(&f.channel, "channel", "", "the channel `ID` (get, delete)")
	fs.StringVar(&f.storagePolicy, "storage-policy", "", "create: 0 (no message stored) or 1 (most recent message stored)")
	fs.BoolVar(&f.json, "json", false, "print the answer as one JSON object")
	fs.BoolVar(&f.verbose, "v", false, "print the connection events (DNS, TLS, request, response)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), channelsUsage)
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if action == "" {
		fmt.Fprint(stderr, "error: say what to do: apns-console channels create|list|get|delete --bundle BUNDLE …\n")
		return exitFailure
	}
	out := newPrinter(stdout, stderr, f.json, f.verbose)
	if fs.NArg() > 0 {
		return out.fail(fmt.Errorf("unexpected argument %q: flags go after the action, e.g. channels get --channel ID", fs.Arg(0)))
	}
	if err := f.check(action); err != nil {
		return out.fail(err)
	}
	cred, err := f.load()
	if err != nil {
		return out.fail(err)
	}
	tgt, err := f.resolveTarget(&cred, true)
	if err != nil {
		return out.fail(err)
	}
	defer tgt.close()
	if cred == nil {
		return out.fail(fmt.Errorf("%w: give --p8 FILE --key-id ID --team-id ID, --p12 FILE --password P, or --cert FILE --key FILE (or try --env local)", sender.ErrNoCredential))
	}
	bundle := f.bundle
	if bundle == "" {
		if bundle = cred.DefaultTopic(); bundle == "" {
			return out.fail(errors.New("no bundle id: give --bundle com.example.app (a .p8 key covers all of its team's apps)"))
		}
	}
	c := &sender.ChannelClient{Credential: cred, Environment: tgt.env, ManagementHost: tgt.host, RootCAs: tgt.roots, OnEvent: out.event}
	defer c.Close()
	var r *sender.ChannelResponse
	switch action {
	case "create":
		policy, _ := sender.ParseStoragePolicy(f.storagePolicy)
		r, err = c.CreateChannel(ctx, bundle, policy)
	case "list":
		r, err = c.ListChannels(ctx, bundle)
	case "get":
		r, err = c.GetChannel(ctx, bundle, f.channel)
	case "delete":
		r, err = c.DeleteChannel(ctx, bundle, f.channel)
	}
	if err != nil {
		return failChannel(out, stdout, f.json, f.channel, err)
	}
	printChannelAnswer(stdout, stderr, action, r, f.json)
	if !r.OK() {
		return exitRejected
	}
	return exitOK
}

// check refuses flags that don't go with the action.
func (f *channelsFlags) check(action string) error {
	switch {
	case action == "create" && f.storagePolicy == "":
		return inputError{errors.New("create needs --storage-policy: 0 (no message stored: higher budget, offline devices miss broadcasts) or 1 (the most recent message is kept up to 8 hours); it cannot be changed later")}
	case action == "create":
		if _, err := sender.ParseStoragePolicy(f.storagePolicy); err != nil {
			return inputError{err}
		}
	case f.storagePolicy != "":
		return inputError{fmt.Errorf("--storage-policy goes with create only: a channel's policy cannot be changed (see it with get)")}
	}
	switch {
	case (action == "get" || action == "delete") && f.channel == "":
		return inputError{fmt.Errorf("%s needs --channel ID: see the ids with `apns-console channels list`", action)}
	case (action == "create" || action == "list") && f.channel != "":
		return inputError{fmt.Errorf("--channel goes with get and delete, not %s", action)}
	}
	return nil
}

// channelJSON is --json's object.
type channelJSON struct {
	Status        int      `json:"status"`
	Reason        string   `json:"reason,omitempty"`
	ChannelID     string   `json:"channel_id,omitempty"`
	StoragePolicy *int     `json:"storage_policy,omitempty"`
	PushType      string   `json:"push_type,omitempty"`
	Channels      []string `json:"channels,omitempty"`
	RequestID     string   `json:"request_id,omitempty"`
	ApnsID        string   `json:"apns_id,omitempty"`
	DurationMS    int64    `json:"duration_ms"`
	Error         string   `json:"error,omitempty"`
}

// failChannel reports a request that got no answer (refused input, no
// connection, a GOAWAY): on stderr, and with --json also as an object on
// stdout, as send does for a token. The exit code is 2.
func failChannel(out *printer, stdout io.Writer, asJSON bool, channelID string, err error) int {
	if errors.Is(err, sender.ErrInvalidNotification) {
		err = inputError{err}
	}
	if asJSON {
		j := channelJSON{ChannelID: channelID, Error: err.Error()}
		var ga *sender.GoAwayError
		if errors.As(err, &ga) {
			j.Reason = ga.Reason
		}
		fmt.Fprintln(stdout, marshalJSON(j))
	}
	return out.fail(err)
}

// printChannelAnswer prints what a script wants on stdout: create the new
// id, list the ids (one a line), get the policy, delete a line. A
// rejection's explained reason goes to stderr (errw), so that
// id=$(apns-console channels create …) never takes an error for an id;
// with --json the answer is on stdout either way.
func printChannelAnswer(w, errw io.Writer, action string, r *sender.ChannelResponse, asJSON bool) {
	if asJSON {
		j := channelJSON{Status: r.Status, Reason: r.Reason, ChannelID: r.ChannelID, PushType: r.PushType, Channels: r.Channels,
			RequestID: r.RequestID, ApnsID: r.ApnsID, DurationMS: r.Duration.Milliseconds()}
		if r.OK() && (action == "create" || action == "get") {
			p := int(r.StoragePolicy)
			j.StoragePolicy = &p
		}
		if action == "list" && r.OK() && j.Channels == nil {
			j.Channels = []string{}
		}
		fmt.Fprintln(w, marshalJSON(j))
		return
	}
	if !r.OK() {
		fmt.Fprintf(errw, "✗ %s\n", r.Summary())
		return
	}
	switch action {
	case "create":
		fmt.Fprintln(w, r.ChannelID)
	case "list":
		for _, id := range r.Channels {
			fmt.Fprintln(w, id)
		}
	case "get":
		fmt.Fprintf(w, "%s  storage-policy %s  push-type %s\n", r.ChannelID, r.StoragePolicy, r.PushType)
	case "delete":
		fmt.Fprintf(w, "deleted %s (%d %s)\n", r.ChannelID, r.Status, http.StatusText(r.Status))
	case "broadcast":
		fmt.Fprintf(w, "✓ channel %s  %d OK  apns-id %s  (%s)\n", r.ChannelID, r.Status, r.ApnsID, r.Duration.Round(time.Millisecond))
	}
}

// printChannelLines prints serve's ready-to-paste Live Activity and channel
// commands (token key, the demo bundle) for a simulator on addr whose
// files are in dir.
func printChannelLines(w io.Writer, env sender.Environment, addr, dir string) {
	p := func(name string) string { return filepath.Join(dir, name) }
	common := fmt.Sprintf("--env %s --host %s --ca %s --p8 %s --key-id %s --team-id %s", env, addr, p(apnstest.FileCA), p(apnstest.FileDemoP8), apnstest.DemoKeyID, apnstest.DemoTeamID)
	fmt.Fprintln(w, "Live Activities (token key):")
	fmt.Fprintf(w, "  apns-console send %s --topic %s --token %s --live-activity start --content-state '{\"progress\":0}' --attributes-type DeliveryAttributes --attributes '{\"order\":\"42\"}' --title 'On its way' --alert 'Order 42' -v\n",
		common, apnstest.DemoBundleID, apnstest.DemoToken)
	fmt.Fprintln(w, "Broadcast channels (same address; the id create prints goes after --channel):")
	fmt.Fprintf(w, "  apns-console channels create %s --bundle %s --storage-policy 0\n", common, apnstest.DemoBundleID)
	fmt.Fprintf(w, "  apns-console channels list %s --bundle %s\n", common, apnstest.DemoBundleID)
	fmt.Fprintf(w, "  apns-console send %s --topic %s --channel ID --live-activity update --content-state '{\"progress\":0.5}' -v\n", common, apnstest.DemoBundleID)
}
