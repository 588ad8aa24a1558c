package ui

import (
	"apnsconsole/sender"
)

// payloadTemplate is where a push type's payload starts: the custom JSON,
// whether it keeps an alert, and the priority Apple asks for.
type payloadTemplate struct {
	custom   string
	alert    bool
	priority int // 0: the default
}

// templateFor is the starting payload of a push type (APNS-REFERENCE §1.4):
// a background push carries content-available only and goes at priority
// 5; a VoIP, location or file-provider push carries the app's own data.
// Live Activities have their own composer (liveactivity.go) instead.
func templateFor(p sender.PushType) (payloadTemplate, bool) {
	switch p {
	case sender.PushBackground:
		return payloadTemplate{custom: `{"aps": {"content-available": 1}}`, priority: 5}, true
	case sender.PushVoIP:
		return payloadTemplate{custom: `{"aps": {}, "caller": "Jane Appleseed", "handle": "+1 555 0100"}`, priority: 10}, true
	case sender.PushLocation:
		return payloadTemplate{custom: `{"aps": {}}`, priority: 10}, true
	case sender.PushComplication:
		return payloadTemplate{custom: `{"aps": {}, "complication": {}}`}, true
	case sender.PushFileProvider:
		return payloadTemplate{custom: `{"container-identifier": "NSFileProviderRootContainerItemIdentifier"}`}, true
	case sender.PushMDM:
		return payloadTemplate{custom: `{"mdm": "PushMagic-from-the-device"}`}, true
	case sender.PushPushToTalk:
		return payloadTemplate{custom: `{"aps": {}, "activeSpeaker": "Jane"}`, priority: 10}, true
	case sender.PushWidgets, sender.PushControls:
		return payloadTemplate{custom: `{"aps": {"content-changed": true}}`}, true
	}
	return payloadTemplate{}, false
}
