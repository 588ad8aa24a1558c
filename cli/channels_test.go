package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender/apnstest"
)

// serveLines runs `serve` until the test ends and returns its output and
// the ready-to-paste line holding every one of parts, split into args.
func serveLines(t *testing.T) (out *syncBuffer, line func(parts ...string) []string) {
	t.Helper()
	r := startServe(t, "--addr", "127.0.0.1:0", "--dir", t.TempDir())
	out, errOut := r.out, r.errOut
	line = func(parts ...string) []string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			for _, l := range strings.Split(out.String(), "\n") {
				found := true
				for _, p := range parts {
					found = found && strings.Contains(l, p)
				}
				if found {
					return splitShell(strings.TrimPrefix(strings.TrimSpace(l), "apns-console "))
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("serve printed no line with %q:\n%s\n%s", parts, out.String(), errOut.String())
		return nil
	}
	return out, line
}

// withFlag returns args with flag's value replaced (or flag added).
func withFlag(args []string, flag, value string) []string {
	out := append([]string(nil), args...)
	for i := range out {
		if out[i] == flag && i+1 < len(out) {
			out[i+1] = value
			return out
		}
	}
	return append(out, flag, value)
}

// without drops flag and its value.
func without(args []string, flag string, hasValue bool) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if args[i] == flag {
			if hasValue {
				i++
			}
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// TestLiveActivitiesAndChannelsEndToEnd is the done-when flow over
// loopback against `serve`, with the lines it prints.
func TestLiveActivitiesAndChannelsEndToEnd(t *testing.T) {
	log, line := serveLines(t)

	// Start, update and end a Live Activity: exact payloads in --dry-run, 200 each.
	start := line("apns-console send", "--live-activity start")
	update := append(without(without(without(without(start, "--attributes-type", true), "--attributes", true), "--title", true), "--alert", true), "--priority", "5")
	update = withFlag(withFlag(update, "--live-activity", "update"), "--content-state", `{"progress":0.5}`)
	end := withFlag(withFlag(update, "--live-activity", "end"), "--content-state", `{"progress":1}`)
	end = withFlag(end, "--dismissal-date", "in 1h")
	for _, tt := range []struct {
		name string
		args []string
		body string
	}{
		{"start", start, `{"aps":{"timestamp":1800000000,"event":"start","content-state":{"progress":0},"attributes-type":"DeliveryAttributes","attributes":{"order":"42"},"alert":{"title":"On its way","body":"Order 42"}}}`},
		{"update", update, `{"aps":{"timestamp":1800000000,"event":"update","content-state":{"progress":0.5}}}`},
		{"end", withFlag(end, "--dismissal-date", "4102444800"), `{"aps":{"timestamp":1800000000,"event":"end","content-state":{"progress":1},"dismissal-date":4102444800}}`},
	} {
		code, out, errOut := cli(t, "", append(withFlag(tt.args, "--timestamp", "1800000000"), "--dry-run")...)
		if code != exitOK || !strings.Contains(out, "apns-topic: com.example.demo.push-type.liveactivity\napns-push-type: liveactivity\n") || !strings.HasSuffix(out, "\n\n"+tt.body+"\n") {
			t.Errorf("%s --dry-run: exit %d\n%s\n%s\nwant body %s", tt.name, code, out, errOut, tt.body)
		}
	}
	for name, args := range map[string][]string{"start": start, "update": update, "end": end} {
		if code, out, errOut := cli(t, "", args...); code != exitOK || !strings.Contains(out, "200 OK") {
			t.Errorf("%s: exit %d\n%s\n%s", name, code, out, errOut)
		}
	}

	// A payload APNs takes but the device would drop is accepted, with a warning in serve's log.
	raw := withFlag(without(without(update, "--live-activity", true), "--content-state", true), "--payload", `{"aps":{"event":"start","content-state":{}}}`)
	raw = withFlag(withFlag(raw, "--push-type", "liveactivity"), "--topic", apnstest.DemoBundleID+".push-type.liveactivity")
	if code, out, errOut := cli(t, "", raw...); code != exitOK {
		t.Errorf("hand-written Live Activity payload: exit %d\n%s\n%s", code, out, errOut)
	}

	// Create a channel, see it in list, broadcast to it, delete it, broadcast again.
	code, out, errOut := cli(t, "", line("apns-console channels create", "--storage-policy 0")...)
	id := strings.TrimSpace(out)
	if code != exitOK || id == "" || strings.Contains(id, "\n") {
		t.Fatalf("channels create: exit %d\n%s\n%s", code, out, errOut)
	}
	list := line("apns-console channels list")
	if code, out, errOut := cli(t, "", list...); code != exitOK || strings.TrimSpace(out) != id {
		t.Errorf("channels list: exit %d, want %s\n%s\n%s", code, id, out, errOut)
	}
	get := withFlag(list, "--channel", id)
	get[0] = "channels"
	get[1] = "get"
	if code, out, _ := cli(t, "", get...); code != exitOK || !strings.Contains(out, id+"  storage-policy 0 (no message stored)  push-type LiveActivity") {
		t.Errorf("channels get: exit %d\n%s", code, out)
	}
	broadcast := withFlag(line("apns-console send", "--channel ID"), "--channel", id)
	if code, out, errOut := cli(t, "", broadcast...); code != exitOK || !strings.Contains(out, "✓ channel "+id+"  200 OK  apns-id ") {
		t.Errorf("broadcast: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := cli(t, "", append(withFlag(broadcast, "--timestamp", "1800000000"), "--dry-run", "--expiration", "0")...); code != exitOK ||
		!strings.Contains(out, "/4/broadcasts/apps/com.example.demo HTTP/2\napns-channel-id: "+id+"\napns-push-type: liveactivity\napns-priority: 10\napns-expiration: 0\n") ||
		!strings.HasSuffix(out, "\n\n"+`{"aps":{"timestamp":1800000000,"event":"update","content-state":{"progress":0.5}}}`+"\n") {
		t.Errorf("broadcast --dry-run: exit %d\n%s\n%s", code, out, errOut)
	}
	del := withFlag(list, "--channel", id)
	del[1] = "delete"
	if code, out, errOut := cli(t, "", del...); code != exitOK || !strings.Contains(out, "deleted "+id) {
		t.Errorf("channels delete: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = cli(t, "", append(broadcast, "--json")...)
	var j channelJSON
	if err := json.Unmarshal([]byte(out), &j); code != exitRejected || err != nil || j.Status != 400 || j.Reason != "ChannelNotRegistered" {
		t.Errorf("broadcast after delete: exit %d, want 1 with 400 ChannelNotRegistered\n%s\n%s", code, out, errOut)
	}
	if code, out, _ := cli(t, "", list...); code != exitOK || out != "" {
		t.Errorf("channels list after delete: exit %d %q", code, out)
	}

	text := log.String()
	for _, want := range []string{"type=liveactivity", "→ 201", "→ 204", "channel=" + id, "400 ChannelNotRegistered",
		"warning: the device would drop this: a start without \"attributes-type\""} {
		if !strings.Contains(text, want) {
			t.Errorf("serve's log lacks %q:\n%s", want, text)
		}
	}
}

func TestChannelsBadInputIsExplained(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"channels"}, "say what to do: apns-console channels create|list|get|delete"},
		{[]string{"channels", "rename"}, `unknown channels action "rename"`},
		{[]string{"channels", "create", "--env", "local"}, "create needs --storage-policy: 0 (no message stored"},
		{[]string{"channels", "create", "--env", "local", "--storage-policy", "2"}, "storage policy \"2\": use 0"},
		{[]string{"channels", "get", "--env", "local"}, "get needs --channel ID"},
		{[]string{"channels", "list", "--env", "local", "--channel", "x"}, "--channel goes with get and delete"},
		{[]string{"channels", "delete", "--env", "local", "--storage-policy", "1", "--channel", "x"}, "--storage-policy goes with create only"},
		{[]string{"channels", "get", "--env", "local", "--channel", "not base64!"}, "is not base64"},
		{[]string{"send", "--env", "local", "--channel", "dHN0", "--live-activity", "start", "--content-state", "{}"}, "a broadcast cannot start a Live Activity"},
		{[]string{"send", "--env", "local", "--channel", "dHN0", "--live-activity", "update", "--content-state", "{}", "--token", pastedToken}, "not to device tokens"},
		{[]string{"send", "--env", "local", "--channel", "dHN0", "--alert", "x"}, "--channel belongs to a Live Activity push"},
		{[]string{"send", "--env", "local", "--token", pastedToken, "--live-activity", "update", "--content-state", "{}", "--broadcast-host", "h:1"}, "go with --channel ID"},
	}
	for _, tt := range tests {
		code, out, errOut := cli(t, "", tt.args...)
		if code != exitFailure || !strings.Contains(errOut, tt.want) {
			t.Errorf("%q: exit %d, want 2 with %q\nstdout: %s\nstderr: %s", tt.args, code, tt.want, out, errOut)
		}
	}
}

func TestChannelsLocalCreateGetList(t *testing.T) {
	code, out, errOut := cli(t, "", "channels", "create", "--env", "local", "--storage-policy", "1", "--json", "-v")
	var j channelJSON
	if err := json.Unmarshal([]byte(out), &j); code != exitOK || err != nil || j.Status != 201 || j.ChannelID == "" || j.StoragePolicy == nil || *j.StoragePolicy != 1 {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "POST /1/apps/com.example.demo/channels (HTTP/2)") {
		t.Errorf("-v shows no request:\n%s", errOut)
	}
}

func TestChannelsJSONReportsAFailedConnection(t *testing.T) {
	dir := writeDemoFiles(t)
	code, out, errOut := cli(t, "", "channels", "list", "--host", "127.0.0.1:1", "--ca", dir+"/"+apnstest.FileCA,
		"--p8", dir+"/"+apnstest.FileDemoP8, "--key-id", apnstest.DemoKeyID, "--team-id", apnstest.DemoTeamID, "--bundle", "com.example.app", "--json")
	var j channelJSON
	if err := json.Unmarshal([]byte(out), &j); code != exitFailure || err != nil || !strings.Contains(j.Error, "could not connect to 127.0.0.1:1") || !strings.Contains(errOut, "error: ") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}
