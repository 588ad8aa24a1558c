package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// runBroadcast is `send --channel ID --live-activity update|end …`: one
// Live Activity payload to every device subscribed to the channel.
func runBroadcast(ctx context.Context, f *sendFlags, stdout, stderr io.Writer) int {
	out := newPrinter(stdout, stderr, f.json, f.verbose)
	if len(f.tokens) > 0 || f.tokensFile != "" {
		return out.fail(inputError{errors.New("--channel broadcasts to the channel's subscribers, not to device tokens: leave --token and --tokens out, or --channel out")})
	}
	if f.collapseID != "" {
		return out.fail(inputError{errors.New("--collapse-id does not go with --channel: broadcasts have no collapse id")})
	}
	if strings.EqualFold(f.event, string(sender.LiveActivityStart)) {
		return out.fail(inputError{errors.New("a broadcast cannot start a Live Activity: start it with a push to the device token (--input-push-channel ID subscribes it to the channel), then broadcast update and end")})
	}
	payload, err := f.liveActivityPayload()
	if err != nil {
		return out.fail(err)
	}
	cred, err := f.load()
	if err != nil {
		return out.fail(err)
	}
	tgt, err := f.resolveTarget(&cred, !f.dryRun)
	if err != nil {
		return out.fail(err)
	}
	defer tgt.close()
	if tgt.env == sender.Local && !f.credentialFlags.chosen() {
		if err := useDemoTokenKey(&cred, tgt); err != nil {
			return out.fail(err)
		}
	}
	bundle := strings.TrimSuffix(f.topic, sender.PushLiveActivity.TopicSuffix())
	switch {
	case bundle != "":
	case tgt.env == sender.Local && !f.credentialFlags.chosen():
		bundle = apnstest.DemoBundleID
	case cred != nil:
		bundle = cred.DefaultTopic()
	}
	if bundle == "" {
		return out.fail(inputError{errors.New("no bundle id: give --topic com.example.app (the app's bundle id; a .p8 key covers all of its team's apps)")})
	}
	b := &sender.Broadcast{BundleID: bundle, ChannelID: f.channel, Priority: f.priority, ApnsID: f.apnsID, Payload: payload}
	if f.expiration != "" {
		t, err := parseExpiration(f.expiration, time.Now())
		if err != nil {
			return out.fail(inputError{err})
		}
		b.Expiration = &t
	}
	if err := b.Validate(); err != nil {
		return out.fail(inputError{err})
	}
	for _, d := range f.dates {
		fmt.Fprintln(stderr, "note:", d)
	}
	for _, w := range f.warnings {
		out.warn(w)
	}
	c := &sender.ChannelClient{Credential: cred, Environment: tgt.env, RootCAs: tgt.roots, OnEvent: out.event,
		BroadcastHost: cmpOr(f.broadcastHost, tgt.host), ManagementHost: cmpOr(f.manageHost, tgt.host)}
	defer c.Close()
	if f.dryRun {
		printBroadcastDryRun(stdout, stderr, b, cred, cmpOr(c.BroadcastHost, tgt.env.BroadcastHost(), "<local simulator>"))
		return exitOK
	}
	if cred == nil {
		return out.fail(fmt.Errorf("%w: give --p8 FILE --key-id ID --team-id ID (or a certificate; or try --env local)", sender.ErrNoCredential))
	}
	r, err := c.Broadcast(ctx, b)
	if err != nil {
		return failChannel(out, stdout, f.json, f.channel, err)
	}
	if f.json {
		fmt.Fprintln(stdout, marshalJSON(channelJSON{Status: r.Status, Reason: r.Reason, ChannelID: r.ChannelID, ApnsID: r.ApnsID,
			RequestID: r.RequestID, DurationMS: r.Duration.Milliseconds()}))
	} else if r.OK() {
		printChannelAnswer(stdout, stderr, "broadcast", r, false)
	} else {
		fmt.Fprintf(stdout, "✗ channel %s  %s\n", r.ChannelID, r.Summary())
	}
	if !r.OK() {
		return exitRejected
	}
	return exitOK
}

// printBroadcastDryRun prints the exact broadcast request; apns-expiration,
// when not given, is decided when sending by the channel's storage policy.
func printBroadcastDryRun(w, notes io.Writer, b *sender.Broadcast, cred *credential.Credential, addr string) {
	fmt.Fprintf(w, "POST https://%s%s HTTP/2\n", addr, b.Path())
	h := b.Header("")
	for _, k := range []string{"Apns-Channel-Id", "Apns-Push-Type", "Apns-Priority", "Apns-Expiration", "Apns-Id", "Content-Type"} {
		if v := h.Get(k); v != "" {
			fmt.Fprintf(w, "%s: %s\n", strings.ToLower(k), v)
		}
	}
	if cred != nil && cred.Kind == credential.KindP8 {
		fmt.Fprintf(w, "authorization: bearer <ES256 JWT, kid %s, iss %s, signed when sent>\n", cred.KeyID, cred.TeamID)
	}
	fmt.Fprintf(w, "content-length: %d\n\n%s\n", len(b.Payload), b.Payload)
	if b.Expiration == nil {
		fmt.Fprintln(notes, "note: apns-expiration is decided when sending: 0 for a channel with storage policy 0 (no message stored), left out for policy 1; give --expiration 0 to fix it")
	}
}

func cmpOr(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
