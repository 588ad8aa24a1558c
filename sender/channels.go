package sender

import (
	"cmp"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Apple's broadcast hosts (APNS-REFERENCE §7). Channel management listens
// on its own ports. Which host takes broadcasts is UNCERTAIN: Apple's
// broadcast guide uses api-broadcast[.sandbox].push.apple.com:443 (the
// default here), its command-line article api[.sandbox].push.apple.com:443;
// ChannelClient.BroadcastHost chooses.
const (
	SandboxManagementHost    = "api-manage-broadcast.sandbox.push.apple.com:2195"
	ProductionManagementHost = "api-manage-broadcast.push.apple.com:2196"
	SandboxBroadcastHost     = "api-broadcast.sandbox.push.apple.com:443"
	ProductionBroadcastHost  = "api-broadcast.push.apple.com:443"
)

// ManagementHost is Apple's channel-management host:port for e ("" for
// Local, whose address comes from the running simulator).
func (e Environment) ManagementHost() string {
	switch e {
	case Sandbox:
		return SandboxManagementHost
	case Production:
		return ProductionManagementHost
	}
	return ""
}

// BroadcastHost is Apple's broadcast host:port for e ("" for Local).
func (e Environment) BroadcastHost() string {
	switch e {
	case Sandbox:
		return SandboxBroadcastHost
	case Production:
		return ProductionBroadcastHost
	}
	return ""
}

// StoragePolicy is a channel's message-storage-policy, fixed when it is
// created (APNS-REFERENCE §7).
type StoragePolicy int

const (
	// NoMessageStored: a broadcast reaches the devices online at the time
	// and is then gone; the publishing budget is higher. Broadcasts to it
	// must carry apns-expiration 0.
	NoMessageStored StoragePolicy = 0
	// MostRecentMessageStored: APNs keeps the latest broadcast (up to 8
	// hours) for devices that were offline.
	MostRecentMessageStored StoragePolicy = 1
)

// ParseStoragePolicy reads 0 or 1 (also "none"/"no-storage" and
// "most-recent"/"stored").
func ParseStoragePolicy(s string) (StoragePolicy, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "0", "none", "no-storage", "no-message-stored":
		return NoMessageStored, nil
	case "1", "most-recent", "stored", "most-recent-message-stored":
		return MostRecentMessageStored, nil
	}
	return 0, fmt.Errorf("%w: storage policy %q: use 0 (no message stored: higher budget, offline devices miss broadcasts) or 1 (the most recent message is stored for up to 8 hours)", ErrInvalidNotification, s)
}

func (p StoragePolicy) String() string {
	switch p {
	case NoMessageStored:
		return "0 (no message stored)"
	case MostRecentMessageStored:
		return "1 (most recent message stored)"
	}
	return fmt.Sprintf("%d (unknown)", int(p))
}

// Explain is a sentence for choosing a policy: what it does and what it
// costs. It cannot be changed after the channel is made.
func (p StoragePolicy) Explain() string {
	switch p {
	case NoMessageStored:
		return "No message stored: a broadcast reaches only the devices online when it is sent, and the channel gets a higher publishing budget. Broadcasts must use apns-expiration 0."
	case MostRecentMessageStored:
		return "Most recent message stored: APNs keeps the latest broadcast for up to 8 hours and delivers it to devices that come online later."
	}
	return "Unknown storage policy."
}

// MaxBroadcastPayload is the largest broadcast payload (APNS-REFERENCE §1.5).
const MaxBroadcastPayload = 5120

// MaxChannels is how many channels an app may have per environment.
const MaxChannels = 10000

// ChannelReasons are the reasons of channel management and broadcasts
// that device pushes don't have, or describe otherwise (APNS-REFERENCE §7,
// Apple's S11); LookupChannelReason falls back to Reasons.
var ChannelReasons = []Reason{
	{"FeatureNotEnabled", 400, "The broadcast capability is not enabled for this app.", "Turn on Broadcast Capability for the identifier in Certificates, Identifiers & Profiles (it cannot be done in Xcode).", false},
	{"MissingChannelId", 400, "The apns-channel-id header is missing.", "Give the channel id `channels create` printed.", true},
	{"BadChannelId", 400, "The apns-channel-id value is not a valid channel id.", "Paste the base64 channel id exactly as `channels create` or `channels list` printed it.", true},
	{"ChannelNotRegistered", 400, "The channel does not exist for this app in this environment.", "It was deleted, or made in the other environment or for another bundle id: check with `channels list`, or create a new one.", false},
	{"BadRequestParams", 400, "The request parameters are not valid.", "Check the bundle id and the path.", true},
	{"BadRequestPayload", 400, "The request body is not valid.", `Create takes {"message-storage-policy": 0 or 1, "push-type": "LiveActivity"}.`, true},
	{"MissingPushType", 400, "The apns-push-type header is missing.", "Broadcasts need apns-push-type liveactivity.", true},
	{"InvalidPushType", 400, "The push type is not allowed here: the only allowed value is LiveActivity.", "Broadcast channels carry only Live Activity updates.", true},
	{"CannotCreateChannelConfig", 400, "The app has reached its channel limit.", "An app may have 10,000 channels per environment: delete channels you no longer use.", false},
	{"BadExpirationDate", 400, "The apns-expiration value is invalid for this channel.", "A channel with storage policy 0 (no message stored) takes only apns-expiration 0.", true},
	{"TopicDisallowed", 400, "Pushing to this topic is not allowed.", "Use a bundle id your credential covers: one of your team's apps with a token key, the certificate's own app with a certificate. Channels take the bare bundle id: one ending in a push-type suffix (.push-type.liveactivity) is refused too.", true},
	{"TopicMismatch", 403, "The topic does not match the certificate.", "Use the bundle id the certificate is for, or a token key of the app's team.", false},
	{"PayloadTooLarge", 413, "The message payload is too large.", "A broadcast payload may be at most 5120 bytes.", false},
	{"Service Unavailable", 503, "The service is unavailable.", "Apple's side is unavailable: try again later.", true},
}

// LookupChannelReason finds a reason of the channel or broadcast APIs,
// then of device pushes.
func LookupChannelReason(name string) (Reason, bool) {
	for _, r := range ChannelReasons {
		if r.Name == name {
			return r, true
		}
	}
	return LookupReason(name)
}

// ChannelResponse is APNs' answer to a channel-management request or a
// broadcast.
type ChannelResponse struct {
	Host          string // host:port that answered
	Status        int
	Reason        string        // "" on success
	RequestID     string        // apns-request-id: the request's or APNs' own
	ApnsID        string        // apns-id (broadcasts)
	ChannelID     string        // create: the new channel's id; get, delete, broadcast: the channel asked about
	StoragePolicy StoragePolicy // get
	PushType      string        // get: "LiveActivity"
	Channels      []string      // list
	Duration      time.Duration
}

// OK reports a 2xx answer: 200, 201 (created) or 204 (deleted).
func (r *ChannelResponse) OK() bool { return r != nil && r.Status >= 200 && r.Status < 300 }

// Explanation is Apple's description of the reason and a hint.
func (r *ChannelResponse) Explanation() (description, hint string) {
	if r.OK() {
		return "Done.", ""
	}
	if reason, ok := LookupChannelReason(r.Reason); ok {
		return reason.Description, reason.Hint
	}
	return unknownReason(r.Status, r.Reason), ""
}

// Summary is one line: "201 Created · channel dHN0…" or "400 BadChannelId · …".
func (r *ChannelResponse) Summary() string {
	if r.OK() {
		s := fmt.Sprintf("%d %s", r.Status, http.StatusText(r.Status))
		if r.ChannelID != "" {
			s += " · channel " + r.ChannelID
		}
		if r.ApnsID != "" {
			s += " · apns-id " + r.ApnsID
		}
		return s
	}
	desc, hint := r.Explanation()
	s := fmt.Sprintf("%d %s · %s", r.Status, cmp.Or(Printable(r.Reason), http.StatusText(r.Status)), desc)
	if hint != "" {
		s += " " + hint
	}
	return s
}
