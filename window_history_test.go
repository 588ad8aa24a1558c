package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// appID is FyneApp.toml's ID: the window's storage is
// $XDG_CONFIG_HOME/fyne/<ID>, its history history/history.json there.
const appID = "dev.apnsconsole.app"

// writeLargestHistory writes a history of 1,000 sends whose stories fill
// it to just under the 5 MB the window keeps: the largest it ever reads.
func writeLargestHistory(t *testing.T, configHome string) (path string, size int) {
	t.Helper()
	type row struct {
		Time    time.Time     `json:"time"`
		Kind    string        `json:"kind"`
		Env     string        `json:"env"`
		Token   string        `json:"token"`
		Status  string        `json:"status"`
		Text    string        `json:"text"`
		Tone    int           `json:"tone"`
		Latency time.Duration `json:"latency"`
		Story   []string      `json:"story"`
	}
	rows := make([]row, 1000)
	for i := range rows {
		tok := fmt.Sprintf("%064x", i+1)
		story := []string{
			"DNS 127.0.0.1 in 0.1ms", "TCP connected to 127.0.0.1:2197 in 0.2ms",
			"TLS 1.3 handshake with 127.0.0.1 (ALPN h2, TLS_AES_128_GCM_SHA256) in 3.1ms",
			"POST /3/device/" + tok, "apns-topic: com.example.demo", "apns-push-type: alert",
			`body (48 bytes): {"aps":{"alert":"Hello from APNs Console","sound":"default"}}`,
			"200 OK in 1.2ms", "apns-id: 5E2C61B0-1A2B-4C3D-8E9F-0123456789AB",
		}
		for len(strings.Join(story, "\n")) < 4800 {
			story = append(story, "  "+strings.Repeat("header and frame detail ", 8))
		}
		rows[i] = row{Time: time.Unix(1700000000+int64(i), 0), Kind: "send", Env: "Local", Token: tok, Status: "200 OK",
			Text: "alert to Local", Tone: 2, Latency: 1200 * time.Microsecond, Story: story}
	}
	data, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(configHome, "fyne", appID, "history", "history.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, len(data)
}

// TestWindowHistoryLaunch measures the launch of the window with the
// largest history it keeps (1,000 sends, just under 5 MB) against a launch
// with none, started the same way under Xvfb one after the other: the time
// from start to the window drawn, and the resident memory once settled.
// Targets: launch ≤ 1 s, RSS ≤ 1.1× the empty history's. Like
// TestWindowMemory it runs only with APNS_MEMORY=1 (`make memory`) and
// reports; it asserts only that the history was read, not set aside.
func TestWindowHistoryLaunch(t *testing.T) {
	if os.Getenv("APNS_MEMORY") != "1" {
		t.Skip("set APNS_MEMORY=1 (make memory) to measure the launch with a full history")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "apns-console")
	if b, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	display := startXvfb(t)
	launch := func(withHistory bool) (took time.Duration, rssKB int) {
		home := t.TempDir()
		config := filepath.Join(home, ".config")
		var history string
		if withHistory {
			var size int
			history, size = writeLargestHistory(t, config)
			t.Logf("history: 1,000 sends, %d bytes", size)
		}
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+home, "XDG_CONFIG_HOME="+config)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait(); close(exited) }() // closed: a second receive (cleanup after waitUntil saw the exit) does not block
		defer func() { cmd.Process.Kill(); <-exited }()
		waitUntil(t, 30*time.Second, "the window", func() bool {
			search := xcommand("xdotool", "search", "--onlyvisible", "--name", "^APNs Console$")
			search.Env = append(os.Environ(), "DISPLAY="+display)
			out, err := search.Output()
			if err != nil || len(strings.Fields(string(out))) == 0 {
				return false
			}
			shot := capture(t, display, strings.Fields(string(out))[0])
			return shot != nil && distinctColours(shot, 32) >= 32
		}, exited, &stderr)
		took = time.Since(t0)
		time.Sleep(2 * time.Second) // settle
		rssKB = residentKB(t, cmd.Process.Pid)
		if withHistory {
			if aside, _ := filepath.Glob(history + ".corrupt-*"); len(aside) > 0 {
				t.Fatalf("the history was set aside, not read: %v\n%s", aside, stderr.String())
			}
		}
		return took, rssKB
	}
	// Alternate, three rounds each, and take the medians.
	var emptyT, fullT []time.Duration
	var emptyRSS, fullRSS []int
	for range 3 {
		d, r := launch(false)
		emptyT, emptyRSS = append(emptyT, d), append(emptyRSS, r)
		d, r = launch(true)
		fullT, fullRSS = append(fullT, d), append(fullRSS, r)
	}
	et, ft, er, fr := median(emptyT), median(fullT), median(emptyRSS), median(fullRSS)
	verdict := func(ok bool) string {
		if ok {
			return "target met"
		}
		return "TARGET MISSED"
	}
	t.Logf("launch with 1,000 sends of history: %v (no history: %v, so the history adds %v): ratio %.2f×; target ≤ 1 s: %s",
		ft.Round(time.Millisecond), et.Round(time.Millisecond), (ft - et).Round(time.Millisecond), float64(ft)/float64(et), verdict(ft <= time.Second))
	t.Logf("RSS with 1,000 sends of history: %d KB (no history: %d KB): ratio %.2f×; target ≤ 1.1×: %s", fr, er, float64(fr)/float64(er), verdict(float64(fr) <= 1.1*float64(er)))
}

func median[T int | time.Duration](v []T) T {
	s := append([]T(nil), v...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}
