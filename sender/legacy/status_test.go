package legacy_test

import (
	"errors"
	"strings"
	"testing"

	"apnsconsole/sender"
	"apnsconsole/sender/legacy"
)

func TestEveryStatusHasMeaningAndHint(t *testing.T) {
	// Apple's table (APNS-REFERENCE §4.4): 9 is unused, 10 is Shutdown.
	apple := map[uint8]string{0: "No errors encountered", 1: "Processing error", 2: "Missing device token", 3: "Missing topic",
		4: "Missing payload", 5: "Invalid token size", 6: "Invalid topic size", 7: "Invalid payload size", 8: "Invalid token",
		10: "Shutdown", 128: "Protocol error", 255: "None (unknown)"}
	names := map[string]bool{}
	for code, desc := range apple {
		s := legacy.LookupStatus(code)
		if s.Code != code || s.Description != desc {
			t.Errorf("status %d = %+v, want %q", code, s, desc)
		}
		if s.Hint == "" || s.Name == "" || strings.ContainsAny(s.Name, " ()") {
			t.Errorf("status %d: name %q, hint %q", code, s.Name, s.Hint)
		}
		if names[s.Name] {
			t.Errorf("status %d: name %q used twice", code, s.Name)
		}
		names[s.Name] = true
	}
	if len(legacy.Statuses) != len(apple) {
		t.Errorf("the table has %d statuses, Apple %d", len(legacy.Statuses), len(apple))
	}
	for _, code := range []uint8{9, 11, 200} {
		s := legacy.LookupStatus(code)
		if !strings.Contains(s.Description, "never defined") || s.Hint == "" {
			t.Errorf("undefined status %d = %+v", code, s)
		}
	}
	if got := legacy.LookupStatus(legacy.StatusShutdown).String(); got != "10 Shutdown" {
		t.Errorf("String() = %q", got)
	}
}

func TestBinaryErrorResponseBytes(t *testing.T) {
	p, err := legacy.ParseErrorResponse([]byte{8, 8, 0, 0, 0x01, 0x02})
	if err != nil || p.Status != 8 || p.Identifier != 258 {
		t.Fatalf("parse = %+v, %v", p, err)
	}
	if got := p.String(); got != "status 8 (Invalid token) for identifier 258" {
		t.Errorf("String() = %q", got)
	}
	if b := (legacy.ErrorResponse{Status: 10, Identifier: 0xdeadbeef}).Bytes(); string(b) != "\x08\x0a\xde\xad\xbe\xef" {
		t.Errorf("Bytes() = % x", b)
	}
	for _, bad := range [][]byte{{8, 8, 0, 0, 0}, {2, 8, 0, 0, 0, 1}, []byte("HTTP/1")} {
		if _, err := legacy.ParseErrorResponse(bad); !errors.Is(err, legacy.ErrNotErrorResponse) || !strings.Contains(err.Error(), "port 2195") {
			t.Errorf("parse % x = %v", bad, err)
		}
	}
}

func TestExplainResponse(t *testing.T) {
	desc, hint := legacy.ExplainResponse(&sender.Response{Status: 200})
	if !strings.Contains(desc, "No error response") || hint != "" {
		t.Errorf("accepted: %q, %q", desc, hint)
	}
	desc, hint = legacy.ExplainResponse(&sender.Response{Status: 8, Reason: "InvalidToken"})
	if desc != "Invalid token." || !strings.Contains(hint, "sandbox gateway") {
		t.Errorf("status 8: %q, %q", desc, hint)
	}
}

func TestBinaryHosts(t *testing.T) {
	cases := []struct {
		env               sender.Environment
		gateway, feedback string
	}{
		{sender.Sandbox, "gateway.sandbox.push.apple.com:2195", "feedback.sandbox.push.apple.com:2196"},
		{sender.Production, "gateway.push.apple.com:2195", "feedback.push.apple.com:2196"},
		{sender.Local, "", ""},
	}
	for _, c := range cases {
		if g, f := legacy.GatewayHost(c.env), legacy.FeedbackHost(c.env); g != c.gateway || f != c.feedback {
			t.Errorf("%s: %s, %s", c.env, g, f)
		}
		bc := &legacy.Client{Environment: c.env}
		fc := &legacy.FeedbackClient{Environment: c.env}
		if bc.Addr() != c.gateway || fc.Addr() != c.feedback {
			t.Errorf("%s: clients aim at %s and %s", c.env, bc.Addr(), fc.Addr())
		}
	}
	if !strings.Contains(legacy.RetiredNotice, "31 March 2021") || !strings.Contains(legacy.RetiredNotice, "HTTP/2") {
		t.Errorf("RetiredNotice = %q", legacy.RetiredNotice)
	}
}
