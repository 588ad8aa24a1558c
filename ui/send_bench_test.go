package ui

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkSendToSimulator drives the console's real send path (the Send
// button's handler, the reused client, the log pane) against the local
// simulator, and reports the process's memory afterwards. For the figure
// "memory after 1,000 sends": go test -run '^$' -bench SendToSimulator -benchtime 1000x ./ui
func BenchmarkSendToSimulator(b *testing.B) {
	h := newHarness(b)
	h.simulator()
	c := h.c
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Send()
		if !c.sending {
			b.Fatalf("send %d did not start: %s", i+1, c.bar.problem.Text)
		}
		h.waitFor("the send to finish", func() bool { return !c.sending })
	}
	b.StopTimer()
	h.q.drain()
	if !strings.Contains(h.logText(), "200 OK") {
		b.Fatal("no 200 in the log")
	}
	c.mu.Lock()
	handshakes := c.client.Handshakes()
	c.mu.Unlock()

	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap-MB")
	if rss := residentMB(); rss > 0 {
		b.ReportMetric(rss, "rss-MB")
	}
	b.ReportMetric(float64(c.log.Len()), "log-lines")
	b.ReportMetric(float64(handshakes), "handshakes")
}

// residentMB is the process's resident set size (Linux), or 0.
func residentMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}
