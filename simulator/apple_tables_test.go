package simulator

import (
	"bytes"
	"testing"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/legacy"
)

// The simulator's own tables agree with the client's, each written from
// Apple's documentation separately: a difference is a mistake in one.

func TestEnvironmentsAndPushTypesAgreeWithSender(t *testing.T) {
	if string(Sandbox) != string(sender.Sandbox) || string(Production) != string(sender.Production) {
		t.Errorf("environments %q %q, sender's %q %q", Sandbox, Production, sender.Sandbox, sender.Production)
	}
	if string(pushLiveActivity) != string(sender.PushLiveActivity) {
		t.Errorf("live activity push type %q, sender's %q", pushLiveActivity, sender.PushLiveActivity)
	}
}

func TestChannelTablesAgreeWithSender(t *testing.T) {
	if int(NoMessageStored) != int(sender.NoMessageStored) || int(MostRecentMessageStored) != int(sender.MostRecentMessageStored) {
		t.Error("storage policies differ from sender's")
	}
	if appleMaxChannels != sender.MaxChannels || appleMaxBroadcastPayload != sender.MaxBroadcastPayload {
		t.Errorf("limits %d %d, sender's %d %d", appleMaxChannels, appleMaxBroadcastPayload, sender.MaxChannels, sender.MaxBroadcastPayload)
	}
	for _, r := range sender.ChannelReasons {
		if got := channelStatusOf(r.Name); got != r.Status {
			t.Errorf("%s: %d, sender's %d", r.Name, got, r.Status)
		}
	}
	for name, st := range appleChannelReasons {
		if r, ok := sender.LookupChannelReason(name); !ok || r.Status != st {
			t.Errorf("%s %d: sender has %v %d", name, st, ok, r.Status)
		}
	}
}

func TestBinaryTablesAgreeWithLegacy(t *testing.T) {
	pairs := [][2]uint8{
		{binaryNoErrors, legacy.StatusNoErrors}, {binaryProcessingError, legacy.StatusProcessingError},
		{binaryMissingDeviceToken, legacy.StatusMissingDeviceToken}, {binaryMissingTopic, legacy.StatusMissingTopic},
		{binaryMissingPayload, legacy.StatusMissingPayload}, {binaryInvalidTokenSize, legacy.StatusInvalidTokenSize},
		{binaryInvalidTopicSize, legacy.StatusInvalidTopicSize}, {binaryInvalidPayloadSize, legacy.StatusInvalidPayloadSize},
		{binaryInvalidToken, legacy.StatusInvalidToken}, {binaryShutdown, legacy.StatusShutdown},
		{binaryProtocolError, legacy.StatusProtocolError}, {binaryUnknown, legacy.StatusUnknown},
	}
	for _, p := range pairs {
		if p[0] != p[1] {
			t.Errorf("status %d, legacy's %d", p[0], p[1])
		}
	}
	for _, f := range [][2]string{{string(FormatSimple), string(legacy.FormatSimple)}, {string(FormatEnhanced), string(legacy.FormatEnhanced)}, {string(FormatFrame), string(legacy.FormatFrame)}} {
		if f[0] != f[1] {
			t.Errorf("format %q, legacy's %q", f[0], f[1])
		}
	}
	if got, want := binaryErrorResponse(8, 0x01020304), (legacy.ErrorResponse{Status: 8, Identifier: 0x01020304}).Bytes(); !bytes.Equal(got, want) || !bytes.Equal(got, []byte{8, 8, 1, 2, 3, 4}) {
		t.Errorf("error response % x, legacy's % x", got, want)
	}
	at := time.Unix(1700000000, 0).UTC()
	tok := bytes.Repeat([]byte{0xab}, 32)
	got := appendFeedbackTuple(nil, FeedbackTuple{Time: at, Token: tok})
	if want := legacy.AppendFeedbackTuple(nil, legacy.FeedbackTuple{Time: at, Token: tok}); !bytes.Equal(got, want) || len(got) != 38 {
		t.Errorf("feedback tuple % x, legacy's % x", got, want)
	}
}
