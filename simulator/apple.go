package simulator

// Apple's tables, written out here from Apple's documentation
// (APNS-REFERENCE §1.4–1.6) rather than taken from package sender, so that
// a mistake in the client's tables is caught by the simulator instead of
// copied into it. Tests pin every entry literally.

// appleReasons is the HTTP status of each reason APNs answers ("Handling
// notification responses from APNs").
var appleReasons = map[string]int{
	"BadCollapseId":               400,
	"BadDeviceToken":              400,
	"BadExpirationDate":           400,
	"BadMessageId":                400,
	"BadPriority":                 400,
	"BadTopic":                    400,
	"DeviceTokenNotForTopic":      400,
	"DuplicateHeaders":            400,
	"IdleTimeout":                 400,
	"InvalidPushType":             400,
	"MissingDeviceToken":          400,
	"MissingTopic":                400,
	"PayloadEmpty":                400,
	"TopicDisallowed":             400,
	"BadCertificate":              403,
	"BadCertificateEnvironment":   403,
	"ExpiredProviderToken":        403,
	"Forbidden":                   403,
	"InvalidProviderToken":        403,
	"MissingProviderToken":        403,
	"UnrelatedKeyIdInToken":       403,
	"BadEnvironmentKeyIdInToken":  403, // Apple's spelling
	"BadEnvironmentKeyInToken":    403, // the spelling APNs has been seen to send
	"BadPath":                     404,
	"MethodNotAllowed":            405,
	"ExpiredToken":                410,
	"Unregistered":                410,
	"PayloadTooLarge":             413,
	"TooManyProviderTokenUpdates": 429,
	"TooManyRequests":             429,
	"InternalServerError":         500,
	"ServiceUnavailable":          503,
	"Shutdown":                    503,
}

// appleUsualReason is the reason APNs usually gives with a status, for a
// fault rule that names only the status.
var appleUsualReason = map[int]string{
	400: "BadDeviceToken",
	403: "Forbidden",
	404: "BadPath",
	405: "MethodNotAllowed",
	410: "Unregistered",
	413: "PayloadTooLarge",
	429: "TooManyRequests",
	500: "InternalServerError",
	503: "ServiceUnavailable",
}

// applePushTypes are the apns-push-type values with the suffix each
// requires on the apns-topic ("Sending notification requests to APNs").
var applePushTypes = []struct{ name, suffix string }{
	{"alert", ""},
	{"background", ""},
	{"voip", ".voip"},
	{"complication", ".complication"},
	{"fileprovider", ".pushkit.fileprovider"},
	{"mdm", ""},
	{"liveactivity", ".push-type.liveactivity"},
	{"location", ".location-query"},
	{"pushtotalk", ".voip-ptt"},
	{"widgets", ".push-type.widgets"},
	{"controls", ".push-type.controls"},
}

// Payload limits over HTTP/2: 4 KB, 5 KB for VoIP.
const (
	appleMaxPayload     = 4096
	appleMaxVoIPPayload = 5120
)

// knownPushType reports whether Apple documents the push type.
func knownPushType(p string) bool {
	for _, t := range applePushTypes {
		if t.name == p {
			return true
		}
	}
	return false
}

// suffixOf is the topic suffix push type p requires.
func suffixOf(p string) string {
	for _, t := range applePushTypes {
		if t.name == p {
			return t.suffix
		}
	}
	return ""
}

// maxPayloadOf is the largest payload APNs takes for push type p.
func maxPayloadOf(p string) int {
	if p == "voip" {
		return appleMaxVoIPPayload
	}
	return appleMaxPayload
}
