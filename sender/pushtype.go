package sender

import "strings"

// PushType is the apns-push-type header (APNS-REFERENCE §1.4).
type PushType string

const (
	PushAlert        PushType = "alert"
	PushBackground   PushType = "background"
	PushVoIP         PushType = "voip"
	PushComplication PushType = "complication"
	PushFileProvider PushType = "fileprovider"
	PushMDM          PushType = "mdm"
	PushLiveActivity PushType = "liveactivity"
	PushLocation     PushType = "location"
	PushPushToTalk   PushType = "pushtotalk"
	PushWidgets      PushType = "widgets"
	PushControls     PushType = "controls"
)

// PushTypes lists every push type Apple documents, alert first.
var PushTypes = []PushType{PushAlert, PushBackground, PushVoIP, PushComplication,
	PushFileProvider, PushMDM, PushLiveActivity, PushLocation, PushPushToTalk,
	PushWidgets, PushControls}

// TopicSuffix is what the push type appends to the bundle id to make the
// apns-topic ("" for alert, background and mdm).
func (p PushType) TopicSuffix() string {
	switch p {
	case PushVoIP:
		return ".voip"
	case PushComplication:
		return ".complication"
	case PushFileProvider:
		return ".pushkit.fileprovider"
	case PushLiveActivity:
		return ".push-type.liveactivity"
	case PushLocation:
		return ".location-query"
	case PushPushToTalk:
		return ".voip-ptt"
	case PushWidgets:
		return ".push-type.widgets"
	case PushControls:
		return ".push-type.controls"
	}
	return ""
}

// Known reports whether Apple documents the push type.
func (p PushType) Known() bool {
	for _, k := range PushTypes {
		if k == p {
			return true
		}
	}
	return false
}

// TopicFor gives the apns-topic for sending this push type to bundleID,
// adding the suffix unless the bundle id already carries it.
func (p PushType) TopicFor(bundleID string) string {
	s := p.TopicSuffix()
	if s == "" || strings.HasSuffix(bundleID, s) {
		return bundleID
	}
	return bundleID + s
}

// MaxPayload is the largest payload APNs takes for this push type over
// HTTP/2: 5120 bytes for VoIP, 4096 for the rest (APNS-REFERENCE §1.5).
func (p PushType) MaxPayload() int {
	if p == PushVoIP {
		return 5120
	}
	return 4096
}
