package sender

// Reason describes one rejection reason APNs returns in a response body
// ({"reason": "..."}) or in a GOAWAY frame's debug data.
type Reason struct {
	Name        string // as sent on the wire, e.g. "BadDeviceToken"
	Status      int    // the HTTP status APNs pairs it with
	Description string // Apple's description (APNS-REFERENCE §1.6)
	Hint        string // what the user can do about it
	Retry       bool   // Apple allows retrying once the cause is fixed or after a delay
}

// Reasons lists every documented device-push reason (APNS-REFERENCE §1.6),
// in the order of Apple's table.
var Reasons = []Reason{
	{"BadCollapseId", 400, "The collapse identifier exceeds the maximum allowed size.", "Shorten the collapse id to 64 bytes or fewer.", true},
	{"BadDeviceToken", 400, "The specified device token is invalid.", "The token is for the other environment (a development build's token works only with sandbox, an App Store or TestFlight build's only with production) or it is malformed: copy it again from the device.", false},
	{"BadExpirationDate", 400, "The apns-expiration value is invalid.", "Give the expiration as UNIX seconds (an absolute date, not a time to live), or 0 to try only once.", true},
	{"BadMessageId", 400, "The apns-id value is invalid.", "Use a canonical UUID such as 123e4567-e89b-12d3-a456-4266554400a0, or leave apns-id empty so APNs makes one.", true},
	{"BadPriority", 400, "The apns-priority value is invalid.", "Use priority 10, 5 or 1; background pushes must use 5.", true},
	{"BadTopic", 400, "The apns-topic value is invalid.", "Use the app's bundle id, with the suffix its push type needs (.voip, .complication, .push-type.liveactivity …).", true},
	{"DeviceTokenNotForTopic", 400, "The device token doesn't match the specified topic.", "This token belongs to another app: check the bundle id (topic) or copy the token from this app.", false},
	{"DuplicateHeaders", 400, "One or more headers are repeated.", "Send each apns- header once.", true},
	{"IdleTimeout", 400, "Idle timeout.", "The connection sat idle too long; send again and the console opens a new one.", true},
	{"InvalidPushType", 400, "The apns-push-type value is invalid.", "Choose one of alert, background, voip, complication, fileprovider, mdm, liveactivity, location, pushtotalk, widgets, controls.", true},
	{"MissingDeviceToken", 400, "The device token isn't specified in the request :path.", "Paste a device token.", true},
	{"MissingTopic", 400, "The apns-topic header is missing and is required.", "Give a topic (the bundle id): token keys and certificates with several topics always need one.", true},
	{"PayloadEmpty", 400, "The message payload is empty.", "Type an alert or a custom payload.", true},
	{"TopicDisallowed", 400, "Pushing to this topic is not allowed.", "Choose a topic the certificate lists, or one of your team's bundle ids for a token key.", true},
	{"BadCertificate", 403, "The certificate is invalid.", "Use an Apple Push Notification service certificate issued by Apple, exported with its private key.", false},
	{"BadCertificateEnvironment", 403, "The client certificate doesn't match the environment.", "This certificate is for the other environment: switch between sandbox and production, or make a Sandbox & Production certificate.", true},
	{"ExpiredProviderToken", 403, "The provider token is stale and a new token should be generated.", "The JWT is more than an hour old or the computer's clock is wrong: check the clock and send again.", true},
	{"Forbidden", 403, "The specified action is not allowed.", "The key or certificate is not allowed to do this; check it in the developer portal.", false},
	{"InvalidProviderToken", 403, "The provider token is not valid, or the token signature can't be verified.", "Check the Key ID and Team ID against the developer portal, and that the .p8 is the key with that Key ID.", true},
	{"MissingProviderToken", 403, "No provider certificate was used to connect to APNs, and the authorization header is missing or no provider token is specified.", "Choose a credential: a certificate or a .p8 key with its Key ID and Team ID.", true},
	{"UnrelatedKeyIdInToken", 403, "The key ID in the provider token isn't related to the key ID of the token used in the first push of this connection.", "Keys from different teams or unrelated keys need their own connection: send again and the console opens a new one.", true},
	{"BadEnvironmentKeyIdInToken", 403, "The key ID in the provider token doesn't match the environment.", "This key is limited to the other environment: switch between sandbox and production.", true},
	{"BadEnvironmentKeyInToken", 403, "The key in the provider token doesn't match the environment.", "This key is limited to the other environment: switch between sandbox and production.", true},
	{"BadPath", 404, "The request contained an invalid :path value.", "The request path must be /3/device/<token>.", true},
	{"MethodNotAllowed", 405, "The specified :method value isn't POST.", "Only POST is allowed.", true},
	{"ExpiredToken", 410, "The device token has expired.", "Ask the app for a new token (it registers again at launch) and stop using this one.", false},
	{"Unregistered", 410, "The device token is inactive for the specified topic.", "The app was removed from the device or turned notifications off: stop sending to this token.", false},
	{"PayloadTooLarge", 413, "The message payload is too large.", "Make the payload at most 4096 bytes (5120 for VoIP).", false},
	{"TooManyProviderTokenUpdates", 429, "The provider's authentication token is being updated too often.", "Renew the JWT no more than once every 20 minutes on one connection.", true},
	{"TooManyRequests", 429, "Too many requests were made consecutively to the same device token.", "Wait a little before sending to this device again.", true},
	{"InternalServerError", 500, "An internal server error occurred.", "Apple's side failed: try again later.", true},
	{"ServiceUnavailable", 503, "The service is unavailable.", "Apple's side is unavailable: try again later.", true},
	{"Shutdown", 503, "The APNs server is shutting down.", "Send again: the console opens a new connection.", true},
}

// LookupReason finds a reason by its wire name. Unknown names (newer than
// this table) give ok == false; callers still show the name itself.
func LookupReason(name string) (r Reason, ok bool) {
	for _, r := range Reasons {
		if r.Name == name {
			return r, true
		}
	}
	return Reason{Name: name}, false
}
