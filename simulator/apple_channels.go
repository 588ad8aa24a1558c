package simulator

// Apple's tables for environments, push types' names used in code and
// broadcast channels, written out from Apple's documentation
// (APNS-REFERENCE §1, §7) like apple.go, not taken from package sender.

// Environment is the APNs environment a server acts as: Sandbox
// (api.sandbox.push.apple.com, development builds' tokens) or Production.
type Environment string

// The environments.
const (
	Sandbox    Environment = "sandbox"
	Production Environment = "production"
)

// PushType is an apns-push-type value as a request sent it.
type PushType string

// pushLiveActivity is the push type of Live Activity updates (§6).
const pushLiveActivity PushType = "liveactivity"

// StoragePolicy is a broadcast channel's message-storage-policy (§7):
// NoMessageStored (0) or MostRecentMessageStored (1).
type StoragePolicy int

// The storage policies.
const (
	NoMessageStored         StoragePolicy = 0 // broadcasts reach devices online at the time; apns-expiration must be 0
	MostRecentMessageStored StoragePolicy = 1 // the latest broadcast is kept for devices that were offline
)

// Broadcast limits (§1.5, §7).
const (
	appleMaxBroadcastPayload = 5120  // bytes
	appleMaxChannels         = 10000 // channels per app and environment; past it, CannotCreateChannelConfig
)

// appleChannelReasons is the HTTP status of the reasons channel management
// and broadcasts answer that device pushes do not, or answer with another
// status (Apple's "Handling error responses from APNs", S11); other
// reasons are appleReasons'.
var appleChannelReasons = map[string]int{
	"FeatureNotEnabled":         400,
	"MissingChannelId":          400,
	"BadChannelId":              400,
	"ChannelNotRegistered":      400,
	"BadRequestParams":          400,
	"BadRequestPayload":         400,
	"MissingPushType":           400,
	"InvalidPushType":           400,
	"CannotCreateChannelConfig": 400,
	"BadExpirationDate":         400,
	"TopicDisallowed":           400,
	"TopicMismatch":             403,
	"PayloadTooLarge":           413,
	"Service Unavailable":       503, // sic, in Apple's table
}

// channelStatusOf is the HTTP status answered with a channel or broadcast
// reason (400 for a name in neither table).
func channelStatusOf(reason string) int {
	if st, ok := appleChannelReasons[reason]; ok {
		return st
	}
	return statusOf(reason)
}
