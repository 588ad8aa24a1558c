package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// jsonLogRun is one run of `serve --json` as its own process under
// h2load: its rate and its peak RSS.
type jsonLogRun struct {
	rate float64
	peak int64 // VmHWM, bytes
}

// jsonLogBench compares `serve --json` whose stdout nobody reads (a pipe
// never read: `serve --json | (sleep 60)`) with stdout to /dev/null,
// 50k h2load requests each: the stalled reader must cost neither rate
// nor memory (issue 20: >= 0.9x the rate, <= 1.2x the RSS).
func jsonLogBench(dir, jwt, body string, requests int) {
	bin := filepath.Join(dir, "apns-console-cli")
	build := exec.Command("go", "build", "-o", bin, "./cmd/apns-console-cli")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fail("building the CLI: " + err.Error())
	}
	// Three rounds, each running both back to back: the median of the
	// rate ratios, which a busy machine disturbs less than either rate,
	// and the median of the peak RSS ratios.
	var rates, peaks []float64
	var last [2]jsonLogRun
	for i := 0; i < 3; i++ {
		devnull := runJSONServe(bin, dir, jwt, body, requests, false)
		stalled := runJSONServe(bin, dir, jwt, body, requests, true)
		rates = append(rates, stalled.rate/devnull.rate)
		peaks = append(peaks, float64(stalled.peak)/float64(devnull.peak))
		last = [2]jsonLogRun{devnull, stalled}
	}
	fmt.Printf("serve --json, %d requests, stdout never read against /dev/null: rate %.2fx (target >= 0.9x), peak RSS %.2fx (target <= 1.2x), median of 3; last round %0.f and %0.f req/s, %d and %d MB\n",
		requests, median(rates), median(peaks), last[0].rate, last[1].rate, last[0].peak>>20, last[1].peak>>20)
}

func runJSONServe(bin, dir, jwt, body string, requests int, stall bool) jsonLogRun {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err.Error())
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--json", "--addr", addr, "--dir", dir)
	var keep *os.File // the read end nobody reads
	if stall {
		pr, pw, err := os.Pipe()
		if err != nil {
			fail(err.Error())
		}
		keep, cmd.Stdout = pr, pw
		defer pw.Close()
	} else {
		f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			fail(err.Error())
		}
		defer f.Close()
		cmd.Stdout = f
	}
	if err := cmd.Start(); err != nil {
		fail(err.Error())
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			fmt.Println("serve --json did not stop within 15 s of SIGTERM")
		}
		if keep != nil {
			keep.Close()
		}
	}()
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Since(start) > 30*time.Second {
			fail("serve --json did not listen in 30 s")
		}
	}
	h2load(addr, jwt, body, 2000) // warm up
	rate := h2load(addr, jwt, body, requests)
	return jsonLogRun{rate: rate, peak: procStatus(cmd.Process.Pid, "VmHWM:")}
}

// procStatus reads a size (kB) from /proc/PID/status, in bytes.
func procStatus(pid int, key string) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) == 3 && fields[0] == key {
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
