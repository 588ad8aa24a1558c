package sender_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"apnsconsole/sender"
)

func TestSplitPayloadFillsTheFormFields(t *testing.T) {
	three := 3
	cases := []struct {
		payload string
		want    sender.Message
	}{
		{`{"aps":{"alert":"Hi"}}`, sender.Message{Body: "Hi"}},
		{`{"aps":{"alert":{"title":"T","subtitle":"S","body":"B"},"badge":3,"sound":"default"}}`,
			sender.Message{Title: "T", Subtitle: "S", Body: "B", Badge: &three, Sound: "default"}},
		{`{"Simulator Target Bundle":"x","aps":{"alert":"Hi","category":"NEWS","thread-id":"t"},"article":{"id":42}}`,
			sender.Message{Body: "Hi", Custom: `{"aps":{"category":"NEWS","thread-id":"t"},"Simulator Target Bundle":"x","article":{"id":42}}`}},
		// What the form cannot show stays as custom JSON, whole.
		{`{"aps":{"alert":{"loc-key":"K","loc-args":["a"]},"badge":1.5,"sound":{"critical":1,"name":"a.caf","volume":0.5}}}`,
			sender.Message{Custom: `{"aps":{"alert":{"loc-key":"K","loc-args":["a"]},"badge":1.5,"sound":{"critical":1,"name":"a.caf","volume":0.5}}}`}},
		{`{"aps":{"alert":{"title":"T","launch-image":"x.png"}}}`, sender.Message{Custom: `{"aps":{"alert":{"title":"T","launch-image":"x.png"}}}`}},
		{`{"aps":{"content-available":1}}`, sender.Message{Custom: `{"aps":{"content-available":1}}`}},
		{`{"aps":{"alert":"<b> & ü"}}`, sender.Message{Body: "<b> & ü"}},
		{`{"aps":"odd","x":1}`, sender.Message{Custom: `{"aps":"odd","x":1}`}},
	}
	for _, c := range cases {
		got, err := sender.SplitPayload([]byte(c.payload))
		if err != nil {
			t.Errorf("%s: %v", c.payload, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.payload, got, c.want)
		}
	}
}

func TestSplitPayloadThenBuildGivesThePayloadBack(t *testing.T) {
	for _, p := range []string{
		`{"aps":{"alert":"Hi"}}`,
		`{"aps":{"alert":{"title":"Game Request","subtitle":"Five Card Draw","body":"Bob wants to play poker"},"category":"GAME_INVITATION"},"gameID":"12345678"}`,
		`{"aps":{"badge":9,"sound":"bingbong.aiff"},"messageID":"ABCDEFGHIJ"}`,
		`{"aps":{"alert":{"loc-key":"GAME_PLAY_REQUEST_FORMAT","loc-args":["Shelly","Rick"]}}}`,
		`{"aps":{"badge":0}}`,
		`{"aps":{"content-available":1},"data":[1,2,{"a":null}]}`,
		`{"aps":{"alert":{"title":"T"},"sound":{"critical":1,"name":"default","volume":1}}}`,
	} {
		m, err := sender.SplitPayload([]byte(p))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		back, err := sender.BuildPayload(m)
		if err != nil {
			t.Fatalf("%s: building %+v: %v", p, m, err)
		}
		var want, got any
		_ = json.Unmarshal([]byte(p), &want)
		_ = json.Unmarshal(back, &got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip changed the payload:\n  in %s\n out %s", p, back)
		}
	}
}

func TestSplitPayloadRefusesWhatIsNotAnObject(t *testing.T) {
	for _, p := range []string{``, `[1]`, `"aps"`, `{"aps":`, `null`} {
		_, err := sender.SplitPayload([]byte(p))
		var pe *sender.PayloadError
		if !errors.As(err, &pe) || !errors.Is(err, sender.ErrInvalidPayload) || pe.Fix == "" {
			t.Errorf("%q: %v, want a *PayloadError with a fix", p, err)
		}
	}
}

// FuzzSplitPayload checks that opening any payload in the form and
// building it again changes nothing iOS would notice.
func FuzzSplitPayload(f *testing.F) {
	for _, s := range []string{
		`{"aps":{"alert":"Hi"}}`,
		`{"aps":{"alert":{"title":"T","body":"B"},"badge":3,"sound":"default","category":"C"},"x":[1,{"y":null}]}`,
		`{"aps":{"alert":{"body":"only"}}}`,
		`{"aps":{"badge":-1,"sound":{"critical":1}},"aps2":"x"}`,
		`{"x":1}`,
		`{"aps":{"alert":""}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		var in any
		if json.Unmarshal(p, &in) != nil {
			return
		}
		obj, ok := in.(map[string]any)
		m, err := sender.SplitPayload(p)
		if !ok {
			if err == nil {
				t.Fatalf("%s is not an object, yet SplitPayload took it", p)
			}
			return
		}
		if err != nil {
			t.Fatalf("SplitPayload(%s): %v", p, err)
		}
		back, err := sender.BuildPayload(m)
		if err != nil {
			return // e.g. nothing to send, or too large: BuildPayload says so
		}
		// What BuildPayload does on purpose: an aps dictionary is always
		// there, and an alert of only a body is the body string.
		if _, has := obj["aps"]; !has {
			obj["aps"] = map[string]any{}
		}
		if aps, ok := obj["aps"].(map[string]any); ok {
			if alert, ok := aps["alert"].(map[string]any); ok && len(alert) == 1 {
				if body, ok := alert["body"].(string); ok && body != "" {
					aps["alert"] = body
				}
			}
		}
		var out any
		if err := json.Unmarshal(back, &out); err != nil {
			t.Fatalf("BuildPayload made invalid JSON %s", back)
		}
		if !reflect.DeepEqual(out, any(obj)) {
			t.Fatalf("round trip changed the payload:\n  in %s\n out %s\nform %+v", p, back, m)
		}
	})
}
