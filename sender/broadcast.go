package sender

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Broadcast is one Live Activity update (or end) sent to every device
// subscribed to a channel: POST /4/broadcasts/apps/<bundle> with
// apns-channel-id (APNS-REFERENCE §7). A broadcast cannot start an
// activity.
type Broadcast struct {
	BundleID  string // without a push-type suffix (one is stripped)
	ChannelID string // base64, as channel creation answered
	Priority  int    // 0 = 10; 5 or 10
	// Expiration nil = by the channel's storage policy, asked of channel
	// management unless known: 0 for a no-storage channel (which takes
	// nothing else), left out for a stored one.
	Expiration *time.Time
	ApnsID     string // "" = APNs makes one
	Payload    []byte // a Live Activity payload, at most MaxBroadcastPayload bytes
}

// Path is the broadcast request's path.
func (b *Broadcast) Path() string {
	return "/4/broadcasts/apps/" + url.PathEscape(strings.TrimSpace(b.BundleID))
}

// Header is the broadcast's headers with pushType as apns-push-type ("" =
// liveactivity), without authorization; apns-expiration only when
// Expiration is set.
func (b *Broadcast) Header(pushType string) http.Header {
	h := http.Header{}
	h.Set("apns-channel-id", b.ChannelID)
	h.Set("apns-push-type", cmp.Or(pushType, string(PushLiveActivity)))
	h.Set("apns-priority", strconv.Itoa(cmp.Or(b.Priority, 10)))
	if b.Expiration != nil {
		h.Set("apns-expiration", strconv.FormatInt(b.Expiration.Unix(), 10))
	}
	if b.ApnsID != "" {
		h.Set("apns-id", b.ApnsID)
	}
	h.Set("content-type", "application/json")
	return h
}

// Validate checks what can be checked without the channel: channel id,
// priority, apns-id, and a Live Activity payload of at most 5120 bytes
// that does not start an activity.
func (b *Broadcast) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidNotification, fmt.Sprintf(format, args...))
	}
	if err := checkChannelID(b.ChannelID); err != nil {
		return err
	}
	switch b.Priority {
	case 0, 5, 10:
	default:
		return bad("priority %d is not allowed for broadcasts: use 10 (immediate) or 5 (opportunistic)", b.Priority)
	}
	if b.ApnsID != "" && !uuidPattern.MatchString(b.ApnsID) {
		return bad("apns-id %q is not a UUID: use the form 123e4567-e89b-12d3-a456-4266554400a0, or leave it empty", b.ApnsID)
	}
	if b.Expiration != nil && b.Expiration.Unix() < 0 {
		return bad("the expiration is before 1970: give UNIX seconds, or 0")
	}
	if err := ValidatePayload(b.Payload, MaxBroadcastPayload); err != nil {
		return err
	}
	var p struct {
		Aps struct {
			Event string `json:"event"`
		} `json:"aps"`
	}
	if json.Unmarshal(b.Payload, &p) == nil && p.Aps.Event == string(LiveActivityStart) {
		return bad("a broadcast cannot start a Live Activity: start it with a push to the device token (with input-push-channel to subscribe it to the channel), then broadcast updates")
	}
	return nil
}

// Broadcast sends b to its channel on the broadcast host. When b has no
// Expiration it first learns the channel's storage policy (see
// Broadcast.Expiration); a non-zero expiration for a no-storage channel is
// refused before sending. APNs' answer, whatever its status, is the
// *ChannelResponse (ApnsID set on success).
func (c *ChannelClient) Broadcast(ctx context.Context, b *Broadcast) (*ChannelResponse, error) {
	bundle, err := c.checkBundleID(b.BundleID)
	if err != nil {
		return nil, c.refuse(err)
	}
	send := *b
	send.BundleID = bundle
	if err := send.Validate(); err != nil {
		return nil, c.refuse(err)
	}
	if send.Expiration == nil || send.Expiration.Unix() != 0 {
		policy, known := c.storagePolicy(ctx, bundle, send.ChannelID)
		switch {
		case send.Expiration != nil && known && policy == NoMessageStored:
			return nil, c.refuse(fmt.Errorf("%w: channel %s stores no messages (storage policy 0), so its broadcasts take only apns-expiration 0: leave the expiration out or give 0", ErrInvalidNotification, send.ChannelID))
		case send.Expiration == nil && (!known || policy == NoMessageStored):
			zero := time.Unix(0, 0)
			send.Expiration = &zero
		}
	}
	r, _, err := c.do(ctx, c.broadcastAddr(), http.MethodPost, send.Path(), send.Header(c.BroadcastPushType), send.Payload)
	if err != nil {
		return nil, err
	}
	r.ChannelID = send.ChannelID
	c.OnEvent.Emit(channelResponseEvent(r))
	return r, nil
}

// storagePolicy is the channel's policy, remembered or asked of channel
// management; known is false when management could not say (the
// broadcast then goes out with apns-expiration 0, which every channel
// takes).
func (c *ChannelClient) storagePolicy(ctx context.Context, bundle, channelID string) (p StoragePolicy, known bool) {
	if p, ok := c.remembered(channelID); ok {
		return p, true
	}
	c.OnEvent.Emit(Event{Kind: EventInfo, Text: "Asking channel management for the channel's storage policy (it decides apns-expiration)"})
	r, err := c.GetChannel(ctx, bundle, channelID)
	if err != nil || r.Status != http.StatusOK {
		c.OnEvent.Emit(Event{Kind: EventWarning, Text: "Could not learn the channel's storage policy; broadcasting with apns-expiration 0, which every channel takes"})
		return 0, false
	}
	return r.StoragePolicy, true
}

// Broadcast builds the broadcast of la to channelID of bundleID with
// priority (0 = 10; 5 or 10), for "send to channel" from a Live Activity
// composer: the same payload as a device push, checked against the
// broadcast rules (not a start, at most 5120 bytes).
func (la *LiveActivity) Broadcast(bundleID, channelID string, priority int, now time.Time) (*Broadcast, error) {
	if la.Event == LiveActivityStart {
		return nil, &LiveActivityError{Problem: "a broadcast cannot start a Live Activity",
			Fix: "start it with a push to the device token (with input-push-channel to subscribe it to the channel), then broadcast update and end"}
	}
	p, err := la.Payload(now)
	if err != nil {
		return nil, err
	}
	b := &Broadcast{BundleID: strings.TrimSuffix(bundleID, PushLiveActivity.TopicSuffix()), ChannelID: channelID, Priority: priority, Payload: p}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	return b, nil
}
