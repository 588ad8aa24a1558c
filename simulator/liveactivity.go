package simulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// DeviceWouldDrop starts every warning about a payload APNs accepts but the
// device would throw away.
const DeviceWouldDrop = "the device would drop this: "

// checkLiveActivity applies what APNs itself checks on a Live Activity push
// beyond the topic suffix (checked for every push type): priority 5 or 10
// (APNS-REFERENCE §6.1; Apple documents no reason for 1, BadPriority is the
// simulator's choice).
func checkLiveActivity(req *request) *verdict {
	if req.effective == pushLiveActivity && req.priority == 1 {
		return reject("BadPriority")
	}
	return nil
}

// liveActivityWarnings lists what is wrong with an accepted Live Activity
// payload on the device's side (APNS-REFERENCE §6.1): APNs delivers it, and
// ActivityKit drops it. Each warning starts with DeviceWouldDrop. Other push
// types get none.
func liveActivityWarnings(pushType PushType, body []byte) []string {
	if pushType != pushLiveActivity {
		return nil
	}
	var payload struct {
		Aps map[string]json.RawMessage `json:"aps"`
	}
	if err := json.Unmarshal(body, &payload); err != nil || payload.Aps == nil {
		return []string{DeviceWouldDrop + `the payload has no "aps" dictionary`}
	}
	aps := payload.Aps
	var w []string
	drop := func(format string, args ...any) { w = append(w, DeviceWouldDrop+fmt.Sprintf(format, args...)) }
	var event string
	if raw, ok := aps["event"]; !ok {
		drop(`no "event" (start, update or end)`)
	} else if json.Unmarshal(raw, &event) != nil || event != "start" && event != "update" && event != "end" {
		drop(`"event" is %s, not "start", "update" or "end"`, raw)
	}
	if raw, ok := aps["timestamp"]; !ok {
		drop(`no "timestamp" (UNIX seconds of the update; the device shows only the newest)`)
	} else if !isJSONNumber(raw) {
		drop(`"timestamp" is %s, not a number of seconds`, raw)
	}
	if raw, ok := aps["content-state"]; !ok {
		drop(`no "content-state" (the activity's ContentState)`)
	} else if !isJSONObject(raw) {
		drop(`"content-state" is %s, not a JSON object`, raw)
	}
	for _, key := range []string{"stale-date", "dismissal-date", "relevance-score"} {
		if raw, ok := aps[key]; ok && !isJSONNumber(raw) {
			drop(`%q is %s, not a number`, key, raw)
		}
	}
	if event == "start" {
		if _, ok := aps["attributes-type"]; !ok {
			drop(`a start without "attributes-type" (the ActivityAttributes struct's name)`)
		}
		if raw, ok := aps["attributes"]; !ok {
			drop(`a start without "attributes"`)
		} else if !isJSONObject(raw) {
			drop(`"attributes" is %s, not a JSON object`, raw)
		}
		if _, ok := aps["alert"]; !ok {
			drop(`a start without an "alert"`)
		}
	}
	return w
}

func isJSONObject(raw json.RawMessage) bool {
	return bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{"))
}

func isJSONNumber(raw json.RawMessage) bool {
	var n json.Number
	return json.Unmarshal(raw, &n) == nil && !strings.HasPrefix(string(bytes.TrimSpace(raw)), `"`)
}
