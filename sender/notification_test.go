package sender_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
)

func TestValidateRefusesWhatAPNsWould(t *testing.T) {
	before1970 := time.Unix(-1, 0)
	epoch := time.Unix(0, 0)
	ok := func() *sender.Notification {
		return &sender.Notification{Token: apnstest.DemoToken, Payload: []byte(`{"aps":{"alert":"x"}}`)}
	}
	cases := []struct {
		name string
		edit func(n *sender.Notification)
		want string // "" = valid
	}{
		{"valid", func(n *sender.Notification) {}, ""},
		{"no token", func(n *sender.Notification) { n.Token = "" }, "no device token"},
		{"unknown push type", func(n *sender.Notification) { n.PushType = "banner" }, `unknown push type "banner"`},
		{"priority 7", func(n *sender.Notification) { n.Priority = 7 }, "priority 7"},
		{"background at 10", func(n *sender.Notification) {
			n.PushType, n.Priority = sender.PushBackground, 10
			n.Payload = []byte(`{"aps":{"content-available":1}}`)
		}, "background pushes must use priority 5"},
		{"background at 5", func(n *sender.Notification) {
			n.PushType, n.Priority = sender.PushBackground, 5
			n.Payload = []byte(`{"aps":{"content-available":1}}`)
		}, ""},
		{"collapse id of 64 bytes", func(n *sender.Notification) { n.CollapseID = strings.Repeat("é", 32) }, ""},
		{"collapse id of 65 bytes", func(n *sender.Notification) { n.CollapseID = strings.Repeat("a", 65) }, "65 bytes, over the 64-byte limit"},
		{"apns-id not a UUID", func(n *sender.Notification) { n.ApnsID = "123e4567e89b12d3a4564266554400a0" }, "is not a UUID"},
		{"apns-id a UUID", func(n *sender.Notification) { n.ApnsID = "123e4567-e89b-12d3-a456-4266554400a0" }, ""},
		{"expiration before 1970", func(n *sender.Notification) { n.Expiration = &before1970 }, "before 1970"},
		{"expiration 0", func(n *sender.Notification) { n.Expiration = &epoch }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := ok()
			c.edit(n)
			err := n.Validate()
			if c.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if c.name != "no token" && !errors.Is(err, sender.ErrInvalidNotification) {
				t.Errorf("%v does not wrap ErrInvalidNotification", err)
			}
		})
	}
}
