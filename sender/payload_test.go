package sender

import (
	"errors"
	"strings"
	"testing"
)

func intPtr(n int) *int { return &n }

func TestBuildPayload(t *testing.T) {
	tests := []struct {
		name string
		m    Message
		want string
	}{
		{"body only is a string alert", Message{Body: "Hello"}, `{"aps":{"alert":"Hello"}}`},
		{"title makes a dictionary", Message{Title: "Game Request", Body: "Bob wants to play poker"},
			`{"aps":{"alert":{"title":"Game Request","body":"Bob wants to play poker"}}}`},
		{"title, subtitle and body", Message{Title: "Game Request", Subtitle: "Five Card Draw", Body: "Bob wants to play poker"},
			`{"aps":{"alert":{"title":"Game Request","subtitle":"Five Card Draw","body":"Bob wants to play poker"}}}`},
		{"subtitle alone is a dictionary", Message{Subtitle: "s"}, `{"aps":{"alert":{"subtitle":"s"}}}`},
		{"badge 0 clears and is sent", Message{Badge: intPtr(0)}, `{"aps":{"badge":0}}`},
		{"badge and sound", Message{Badge: intPtr(9), Sound: "bingbong.aiff"}, `{"aps":{"badge":9,"sound":"bingbong.aiff"}}`},
		{"HTML characters are not escaped", Message{Body: `<b>Tom & Jerry</b> "quoted"`}, `{"aps":{"alert":"<b>Tom & Jerry</b> \"quoted\""}}`},
		{"non-ASCII stays as typed", Message{Body: "Grüße 👋"}, `{"aps":{"alert":"Grüße 👋"}}`},
		{"custom keys go next to aps, in order", Message{Body: "Hi", Custom: `{"zeta": 1, "gameID": "12345678", "nested": {"a": [1, 2]}}`},
			`{"aps":{"alert":"Hi"},"zeta":1,"gameID":"12345678","nested":{"a":[1,2]}}`},
		{"custom aps merges into aps", Message{Body: "Hi", Custom: `{"aps": {"category": "GAME_INVITATION", "thread-id": "t1"}, "gameID": "1"}`},
			`{"aps":{"alert":"Hi","category":"GAME_INVITATION","thread-id":"t1"},"gameID":"1"}`},
		{"typed fields win over custom aps", Message{Body: "typed", Badge: intPtr(0), Sound: "default", Custom: `{"aps": {"alert": {"loc-key": "X"}, "badge": 5, "sound": "a.aiff", "mutable-content": 1}}`},
			`{"aps":{"alert":"typed","badge":0,"sound":"default","mutable-content":1}}`},
		{"custom alone", Message{Custom: `{"aps":{"content-available":1}}`}, `{"aps":{"content-available":1}}`},
		{"custom without aps gets an empty aps", Message{Custom: `{"messageID":"ABCDEFGHIJ"}`}, `{"aps":{},"messageID":"ABCDEFGHIJ"}`},
		{"custom HTML characters and big numbers kept", Message{Custom: `{"html":"<a href=\"x\">&amp;</a>","big":12345678901234567890}`, Body: "b"},
			`{"aps":{"alert":"b"},"html":"<a href=\"x\">&amp;</a>","big":12345678901234567890}`},
		{"blank custom is none", Message{Body: "b", Custom: "  \n "}, `{"aps":{"alert":"b"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := BuildPayload(tt.m)
			if err != nil {
				t.Fatalf("BuildPayload: %v", err)
			}
			if string(p) != tt.want {
				t.Fatalf("BuildPayload =\n %s\nwant\n %s", p, tt.want)
			}
		})
	}
}

func TestBuildPayloadRefuses(t *testing.T) {
	tests := []struct {
		name    string
		m       Message
		problem string
	}{
		{"nothing typed", Message{}, "nothing to send"},
		{"only an empty custom aps", Message{Custom: `{"aps":{}}`}, "nothing to send"},
		{"custom syntax error names line and column", Message{Body: "b", Custom: "{\n  \"a\": 1,\n  \"b\" 2\n}"}, "line 3, column 7"},
		{"custom cut short", Message{Body: "b", Custom: `{"a": `}, "unexpected end of JSON input"},
		{"custom is an array", Message{Body: "b", Custom: `[1, 2]`}, "an array, not an object"},
		{"custom aps is a string", Message{Body: "b", Custom: `{"aps": "x"}`}, `"aps" is not an object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := BuildPayload(tt.m)
			if err == nil {
				t.Fatalf("BuildPayload = %s, want an error", p)
			}
			if !errors.Is(err, ErrInvalidPayload) || errors.Is(err, ErrPayloadTooLarge) {
				t.Fatalf("error %v should wrap ErrInvalidPayload only", err)
			}
			var pe *PayloadError
			if !errors.As(err, &pe) || pe.Fix == "" {
				t.Fatalf("error %#v is not a *PayloadError with a fix", err)
			}
			if !strings.Contains(pe.Problem, tt.problem) {
				t.Fatalf("Problem %q does not mention %q", pe.Problem, tt.problem)
			}
		})
	}
}

func TestBuildPayloadTooLargeStillReturnsIt(t *testing.T) {
	body := strings.Repeat("x", 4500)
	p, err := BuildPayload(Message{Body: body})
	if !errors.Is(err, ErrPayloadTooLarge) {
		t.Fatalf("err = %v, want ErrPayloadTooLarge", err)
	}
	if want := len(`{"aps":{"alert":""}}`) + 4500; len(p) != want {
		t.Fatalf("payload is %d bytes, want %d", len(p), want)
	}
	if err := ValidatePayload(p, PushVoIP.MaxPayload()); err != nil {
		t.Fatalf("a %d-byte payload should pass the VoIP limit: %v", len(p), err)
	}
}

func TestValidatePayloadSize(t *testing.T) {
	frame := `{"aps":{"alert":""}}`
	exact := `{"aps":{"alert":"` + strings.Repeat("a", 4096-len(frame)) + `"}}`
	if err := ValidatePayload([]byte(exact), 4096); err != nil {
		t.Fatalf("a payload of exactly 4096 bytes: %v", err)
	}
	over := `{"aps":{"alert":"` + strings.Repeat("a", 4213-len(frame)) + `"}}`
	err := ValidatePayload([]byte(over), 4096)
	var pe *PayloadError
	if !errors.As(err, &pe) || !errors.Is(err, ErrPayloadTooLarge) || errors.Is(err, ErrInvalidPayload) {
		t.Fatalf("err = %v, want a *PayloadError wrapping ErrPayloadTooLarge", err)
	}
	if pe.Size != 4213 || pe.Limit != 4096 {
		t.Fatalf("Size, Limit = %d, %d; want 4213, 4096", pe.Size, pe.Limit)
	}
	if want := "payload is 4213 bytes, 117 over the 4096-byte limit: shorten the alert or custom data"; !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("Error() = %q, want it to start with %q", err.Error(), want)
	}
	// Multi-byte characters count as bytes, the way APNs counts.
	emoji := `{"aps":{"alert":"` + strings.Repeat("👋", 100) + `"}}`
	if err := ValidatePayload([]byte(emoji), 256); !errors.Is(err, ErrPayloadTooLarge) || !strings.Contains(err.Error(), "payload is 420 bytes, 164 over the 256-byte limit") {
		t.Fatalf("emoji payload against 256: %v", err)
	}
	if err := ValidatePayload([]byte(over), 0); !errors.Is(err, ErrPayloadTooLarge) {
		t.Fatalf("limit 0 should mean 4096: %v", err)
	}
}

func TestValidatePayloadShape(t *testing.T) {
	tests := []struct {
		name, p, problem string
	}{
		{"empty", "", "empty"},
		{"not JSON", `{"aps":{"alert":"x"}`, "not valid JSON"},
		{"bad character says where", `{"aps": {"alert": 'x'}}`, "line 1, column 19"},
		{"array", `[{"aps":{}}]`, "an array, not a JSON object"},
		{"no aps", `{"alert":"x"}`, `no "aps"`},
		{"aps is a string", `{"aps":"x"}`, `"aps" is a string`},
		{"aps is null", `{"aps":null}`, `"aps" is null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePayload([]byte(tt.p), 4096)
			var pe *PayloadError
			if !errors.As(err, &pe) || !errors.Is(err, ErrInvalidPayload) {
				t.Fatalf("err = %v, want a *PayloadError wrapping ErrInvalidPayload", err)
			}
			if !strings.Contains(pe.Problem, tt.problem) {
				t.Fatalf("Problem %q does not mention %q", pe.Problem, tt.problem)
			}
			if pe.Size != len(tt.p) || pe.Limit != 4096 {
				t.Fatalf("Size, Limit = %d, %d", pe.Size, pe.Limit)
			}
		})
	}
	if err := ValidatePayload([]byte(`{"aps":{"alert":"<&>"},"k":[1]}`), 4096); err != nil {
		t.Fatalf("valid payload refused: %v", err)
	}
}

func TestPayloadErrorUnwrapWithoutKind(t *testing.T) {
	if err := (&PayloadError{Size: 5000, Limit: 4096}); !errors.Is(err, ErrPayloadTooLarge) {
		t.Error("a PayloadError over its limit should be ErrPayloadTooLarge")
	}
	if err := (&PayloadError{Size: 10, Limit: 4096}); !errors.Is(err, ErrInvalidPayload) {
		t.Error("a PayloadError within its limit should be ErrInvalidPayload")
	}
}
