package simulator

import (
	"testing"

	"apnsconsole/sender"
)

// The tables below are copied by hand from Apple's documentation
// (APNS-REFERENCE §1.4–1.6), a third copy beside the simulator's and the
// client's: a change to either that Apple did not make fails here.

var pinnedStatus = map[string]int{
	"BadCollapseId": 400, "BadDeviceToken": 400, "BadExpirationDate": 400, "BadMessageId": 400,
	"BadPriority": 400, "BadTopic": 400, "DeviceTokenNotForTopic": 400, "DuplicateHeaders": 400,
	"IdleTimeout": 400, "InvalidPushType": 400, "MissingDeviceToken": 400, "MissingTopic": 400,
	"PayloadEmpty": 400, "TopicDisallowed": 400,
	"BadCertificate": 403, "BadCertificateEnvironment": 403, "ExpiredProviderToken": 403,
	"Forbidden": 403, "InvalidProviderToken": 403, "MissingProviderToken": 403,
	"UnrelatedKeyIdInToken": 403, "BadEnvironmentKeyIdInToken": 403, "BadEnvironmentKeyInToken": 403,
	"BadPath":          404,
	"MethodNotAllowed": 405,
	"ExpiredToken":     410, "Unregistered": 410,
	"PayloadTooLarge":             413,
	"TooManyProviderTokenUpdates": 429, "TooManyRequests": 429,
	"InternalServerError": 500,
	"ServiceUnavailable":  503, "Shutdown": 503,
}

var pinnedSuffix = map[string]string{
	"alert": "", "background": "", "mdm": "",
	"voip":         ".voip",
	"complication": ".complication",
	"fileprovider": ".pushkit.fileprovider",
	"liveactivity": ".push-type.liveactivity",
	"location":     ".location-query",
	"pushtotalk":   ".voip-ptt",
	"widgets":      ".push-type.widgets",
	"controls":     ".push-type.controls",
}

func TestSimulatorTablesMatchApple(t *testing.T) {
	if len(appleReasons) != len(pinnedStatus) {
		t.Errorf("the simulator knows %d reasons, Apple documents %d", len(appleReasons), len(pinnedStatus))
	}
	for name, want := range pinnedStatus {
		if got := statusOf(name); got != want {
			t.Errorf("%s: status %d, want %d", name, got, want)
		}
	}
	if len(applePushTypes) != len(pinnedSuffix) {
		t.Errorf("the simulator knows %d push types, Apple documents %d", len(applePushTypes), len(pinnedSuffix))
	}
	for name, want := range pinnedSuffix {
		if !knownPushType(name) || suffixOf(name) != want {
			t.Errorf("push type %s: known %v, suffix %q, want %q", name, knownPushType(name), suffixOf(name), want)
		}
	}
	if maxPayloadOf("alert") != 4096 || maxPayloadOf("background") != 4096 || maxPayloadOf("voip") != 5120 {
		t.Errorf("payload limits %d/%d/%d, want 4096 (alert, background) and 5120 (voip)",
			maxPayloadOf("alert"), maxPayloadOf("background"), maxPayloadOf("voip"))
	}
}

// TestClientTablesMatchApple checks package sender's tables against the
// same pinned copy, so that a mistake there is caught rather than copied.
func TestClientTablesMatchApple(t *testing.T) {
	for _, r := range sender.Reasons {
		if want, ok := pinnedStatus[r.Name]; !ok || r.Status != want {
			t.Errorf("sender.Reasons %s: status %d, Apple documents %d (known %v)", r.Name, r.Status, want, ok)
		}
	}
	for _, p := range sender.PushTypes {
		if want, ok := pinnedSuffix[string(p)]; !ok || p.TopicSuffix() != want {
			t.Errorf("sender push type %s: suffix %q, Apple documents %q (known %v)", p, p.TopicSuffix(), want, ok)
		}
		want := 4096
		if p == sender.PushVoIP {
			want = 5120
		}
		if p.MaxPayload() != want {
			t.Errorf("sender push type %s: MaxPayload %d, want %d", p, p.MaxPayload(), want)
		}
	}
}

// TestEveryPushTypeOverTheWire sends each push type to its topic with
// the largest payload it takes (accepted) and one byte more (413).
func TestEveryPushTypeOverTheWire(t *testing.T) {
	f := getFixture(t)
	s, clk := startServer(t, f, nil)
	e := &env{t: t, f: f, s: s, clk: clk}
	for name, suffix := range pinnedSuffix {
		limit := 4096
		if name == "voip" {
			limit = 5120
		}
		prio := "10"
		if name == "background" {
			prio = "5"
		}
		h := func() push {
			return push{header: e.tokenHeader("apns-push-type", name, "apns-topic", DemoBundleID+suffix, "apns-priority", prio)}
		}
		p := h()
		p.body = repeat(limit)
		if a := e.viaToken(p); a.Status != 200 {
			t.Errorf("%s to %s with %d bytes: %d %s", name, DemoBundleID+suffix, limit, a.Status, a.Body)
		}
		p = h()
		p.body = repeat(limit + 1)
		if a := e.viaToken(p); a.Status != 413 || a.Reason != "PayloadTooLarge" {
			t.Errorf("%s with %d bytes: %d %s, want 413 PayloadTooLarge", name, limit+1, a.Status, a.Body)
		}
		if suffix != "" {
			p = h()
			p.header.Set("apns-topic", DemoBundleID)
			if a := e.viaToken(p); a.Status != 400 || a.Reason != "BadTopic" {
				t.Errorf("%s to a topic without its suffix: %d %s, want 400 BadTopic", name, a.Status, a.Body)
			}
		}
	}
}
