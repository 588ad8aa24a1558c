package legacy_test

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/legacy"
)

// The expected bytes were worked out with Python, independently of the
// packer:
//
//	token = binascii.unhexlify("740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad")
//	p = b'{"aps":{"alert":"Hello from 2009","badge":1,"sound":"default"}}'
//	simple:   struct.pack("!cH32sH%ds" % len(p), b'\x00', 32, token, len(p), p)   # the 2009 article
//	enhanced: struct.pack("!BIIH32sH%ds" % len(p), 1, 1, 1700000000, 32, token, len(p), p)
//	frame:    items = struct.pack("!BH32s", 1, 32, token) + struct.pack("!BH%ds" % len(p), 2, len(p), p)
//	                + struct.pack("!BHI", 3, 4, 1) + struct.pack("!BHI", 4, 4, 1700000000) + struct.pack("!BHB", 5, 1, 10)
//	          struct.pack("!BI", 2, len(items)) + items
const (
	articleToken   = "740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad"
	articlePayload = `{"aps":{"alert":"Hello from 2009","badge":1,"sound":"default"}}`
	articleSimple  = "000020740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad003f7b22617073223a7b22616c657274223a2248656c6c6f2066726f6d2032303039222c226261646765223a312c22736f756e64223a2264656661756c74227d7d"
	articleEnh     = "01000000016553f1000020740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad003f7b22617073223a7b22616c657274223a2248656c6c6f2066726f6d2032303039222c226261646765223a312c22736f756e64223a2264656661756c74227d7d"
	articleFrame   = "0200000077010020740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad02003f7b22617073223a7b22616c657274223a2248656c6c6f2066726f6d2032303039222c226261646765223a312c22736f756e64223a2264656661756c74227d7d030004000000010400046553f1000500010a"
)

// articleNotification is the article's notification with an expiration
// (ignored by the simple format) and priority 10 (implied by the simple
// and enhanced formats, item 5 in a frame).
func articleNotification() *sender.Notification {
	exp := time.Unix(1700000000, 0)
	return &sender.Notification{Token: articleToken, Payload: []byte(articlePayload), Expiration: &exp, Priority: 10}
}

var articleFrames = map[legacy.Format]string{
	legacy.FormatSimple:   articleSimple,
	legacy.FormatEnhanced: articleEnh,
	legacy.FormatFrame:    articleFrame,
}

func TestPackMatchesHandPackedBytes(t *testing.T) {
	for format, want := range articleFrames {
		got, err := format.Pack(articleNotification(), 1)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if hex.EncodeToString(got) != want {
			t.Errorf("%s:\n got %x\nwant %s", format, got, want)
		}
	}
}

func TestPackFrameLeavesOutItemsNotGiven(t *testing.T) {
	// struct.pack("!BI", 2, 55) + struct.pack("!BH32s", 1, 32, token) + struct.pack("!BH", 2, 0x0a) + b'{"aps":{}}' + struct.pack("!BHI", 3, 4, 0xdeadbeef)
	const want = "0200000037010020740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad02000a7b22617073223a7b7d7d030004deadbeef"
	got, err := legacy.FormatFrame.Pack(&sender.Notification{Token: articleToken, Payload: []byte(`{"aps":{}}`)}, 0xdeadbeef)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(got) != want {
		t.Errorf("\n got %x\nwant %s", got, want)
	}
}

func TestPackChecksBeforeSending(t *testing.T) {
	payload := func(size int) []byte { // {"aps":{},"x":"aaa…"} of exactly size bytes
		return []byte(`{"aps":{},"x":"` + strings.Repeat("a", size-17) + `"}`)
	}
	token := func(size int) string { return strings.Repeat("ab", size) }
	cases := []struct {
		format legacy.Format
		n      sender.Notification
		want   error  // nil = packs
		text   string // in the error
	}{
		{legacy.FormatSimple, sender.Notification{Token: articleToken, Payload: payload(256)}, nil, ""},
		{legacy.FormatSimple, sender.Notification{Token: articleToken, Payload: payload(257)}, sender.ErrPayloadTooLarge, "257 bytes, 1 over the 256-byte limit"},
		{legacy.FormatEnhanced, sender.Notification{Token: articleToken, Payload: payload(256)}, nil, ""},
		{legacy.FormatEnhanced, sender.Notification{Token: articleToken, Payload: payload(257)}, sender.ErrPayloadTooLarge, "frame format, which takes up to 2048"},
		{legacy.FormatFrame, sender.Notification{Token: articleToken, Payload: payload(2048)}, nil, ""},
		{legacy.FormatFrame, sender.Notification{Token: articleToken, Payload: payload(2049)}, sender.ErrPayloadTooLarge, "2049 bytes, 1 over the 2048-byte limit"},
		{legacy.FormatFrame, sender.Notification{Token: articleToken, Payload: []byte(`{"alert":"x"}`)}, sender.ErrInvalidPayload, `no "aps"`},
		{legacy.FormatFrame, sender.Notification{Token: token(100), Payload: payload(20)}, nil, ""},
		{legacy.FormatFrame, sender.Notification{Token: token(101), Payload: payload(20)}, sender.ErrInvalidNotification, "101 bytes; the binary protocol takes at most 100"},
		{legacy.FormatEnhanced, sender.Notification{Token: token(80), Payload: payload(20)}, nil, ""}, // packs; the gateway says 5
		{legacy.FormatFrame, sender.Notification{Payload: payload(20)}, sender.ErrInvalidNotification, "no device token"},
		{legacy.FormatFrame, sender.Notification{Token: "740f47", Payload: payload(20), Priority: 5}, nil, ""},
		{legacy.FormatEnhanced, sender.Notification{Token: articleToken, Payload: payload(20), Priority: 5}, sender.ErrInvalidNotification, "frame format for priority 5"},
		{legacy.FormatFrame, sender.Notification{Token: articleToken, Payload: payload(20), Priority: 1}, sender.ErrInvalidNotification, "only in the HTTP/2 API"},
		{legacy.FormatFrame, sender.Notification{Token: "{length = 32, bytes = 0x740f4707 bebcf74f ... 462c7eaf 61bb78ad }", Payload: payload(20)}, sender.ErrInvalidToken, ""},
	}
	for _, c := range cases {
		_, err := c.format.Pack(&c.n, 1)
		switch {
		case c.want == nil && err != nil:
			t.Errorf("%s, token %d hex digits, payload %d bytes: %v", c.format, len(c.n.Token), len(c.n.Payload), err)
		case c.want != nil && !errors.Is(err, c.want):
			t.Errorf("%s, token %d hex digits, payload %d bytes: error %v, want %v", c.format, len(c.n.Token), len(c.n.Payload), err, c.want)
		case c.want != nil && !strings.Contains(err.Error(), c.text):
			t.Errorf("%s: error %q lacks %q", c.format, err, c.text)
		}
	}
	late := time.Unix(1<<32, 0)
	if _, err := legacy.FormatFrame.Pack(&sender.Notification{Token: articleToken, Payload: payload(20), Expiration: &late}, 1); !errors.Is(err, sender.ErrInvalidNotification) {
		t.Errorf("an expiration after 2106 packed: %v", err)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]legacy.Format{"simple": legacy.FormatSimple, "0": legacy.FormatSimple, "Enhanced": legacy.FormatEnhanced,
		"1": legacy.FormatEnhanced, "frame": legacy.FormatFrame, "2": legacy.FormatFrame, "": legacy.FormatFrame} {
		if got, err := legacy.ParseFormat(in); err != nil || got != want {
			t.Errorf("legacy.ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := legacy.ParseFormat("json"); err == nil || !strings.Contains(err.Error(), "use simple") {
		t.Errorf("legacy.ParseFormat(json) = %v", err)
	}
	var zero legacy.Format
	if zero.Command() != 2 || zero.PayloadLimit() != 2048 || legacy.FormatSimple.Command() != 0 || legacy.FormatEnhanced.Command() != 1 || legacy.FormatEnhanced.PayloadLimit() != 256 {
		t.Error("commands or payload limits are off")
	}
}

func TestIgnoredListsWhatBinaryCannotCarry(t *testing.T) {
	n := &sender.Notification{Token: articleToken, Payload: []byte(`{"aps":{}}`), Topic: "com.example.demo", PushType: sender.PushVoIP, CollapseID: "x", ApnsID: "123e4567-e89b-12d3-a456-4266554400a0"}
	got := strings.Join(legacy.FormatEnhanced.Ignored(n), "\n")
	for _, want := range []string{"topic", "push type", "collapse id", "apns-id", "expiry: with none given it is 0"} {
		if !strings.Contains(got, want) {
			t.Errorf("Ignored lacks %q:\n%s", want, got)
		}
	}
	if w := legacy.FormatFrame.Ignored(&sender.Notification{Token: articleToken, PushType: sender.PushAlert}); len(w) != 0 {
		t.Errorf("a plain alert has ignored settings: %q", w)
	}
}

func TestFrameLayoutNamesEveryField(t *testing.T) {
	want := map[legacy.Format][]string{
		legacy.FormatSimple:   {"command 0 (simple)", "token length 32", "device token", "payload length 63", "payload"},
		legacy.FormatEnhanced: {"command 1 (enhanced)", "identifier 1", "expiry 1700000000 (2023-11-14T22:13:20Z)", "token length 32", "device token", "payload length 63", "payload"},
		legacy.FormatFrame: {"command 2 (frame)", "frame length 119", "item 1 (device token), 32 bytes", "device token", "item 2 (payload), 63 bytes", "payload",
			"item 3 (identifier), 4 bytes", "identifier 1", "item 4 (expiration), 4 bytes", "expiration 1700000000 (2023-11-14T22:13:20Z)", "item 5 (priority), 1 bytes", "priority 10"},
	}
	for format, h := range articleFrames {
		b, _ := hex.DecodeString(h)
		fields, err := legacy.FrameLayout(b)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		var labels []string
		end := 0
		for _, f := range fields {
			if f.Offset != end {
				t.Errorf("%s: field %q at %d, want %d", format, f.Label, f.Offset, end)
			}
			end += len(f.Bytes)
			labels = append(labels, f.Label)
		}
		if strings.Join(labels, "|") != strings.Join(want[format], "|") {
			t.Errorf("%s: labels\n%q\nwant\n%q", format, labels, want[format])
		}
		if end != len(b) {
			t.Errorf("%s: the fields cover %d of %d bytes", format, end, len(b))
		}
	}
	for _, bad := range []string{"", "03", "0000", "0200000005010020", "000020"} {
		b, _ := hex.DecodeString(bad)
		if _, err := legacy.FrameLayout(b); !errors.Is(err, legacy.ErrMalformedFrame) {
			t.Errorf("FrameLayout(%s) = %v, want ErrMalformedFrame", bad, err)
		}
	}
}

func TestHexDumpShowsEveryByte(t *testing.T) {
	b, _ := hex.DecodeString(articleSimple)
	lines := legacy.HexDump(b)
	if len(lines) != (len(b)+15)/16 {
		t.Fatalf("%d lines for %d bytes", len(lines), len(b))
	}
	if !strings.HasPrefix(lines[0], "00000000  00 00 20 74 0f 47 07 be  bc f7 4f 9b 7c 25 d4 8e") {
		t.Errorf("first line %q", lines[0])
	}
}

func TestHexDumpOfNoBytesHasNoLines(t *testing.T) {
	if lines := legacy.HexDump(nil); len(lines) != 0 {
		t.Errorf("HexDump(nil) = %q, want no lines", lines)
	}
}
