package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestBuiltVersionAndStatic builds the CLI as make dist does (CGO_ENABLED=0,
// the version through -ldflags -X) and checks that it reports that version
// and, on Linux, that it is static: no dynamic loader, no shared library,
// so that it runs on a Debian with nothing installed.
func TestBuiltVersionAndStatic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "apns-console-cli")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command("go", "build", "-ldflags", "-X main.version=v1.2.3-4-gabcdef0 -X main.date=2026-01-02", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "apns-console 1.2.3-4-gabcdef0\n") {
		t.Errorf("--version: %v\n%s", err, out)
	}
	if page, err := exec.Command(bin, "man").Output(); err != nil || !strings.Contains(string(page), `.TH APNS\-CONSOLE 1 "2026-01-02" "apns-console 1.2.3-4-gabcdef0"`) {
		t.Errorf("man: %v, the page's title line lacks the build's date and version:\n%.200s", err, page)
	}
	if runtime.GOOS != "linux" {
		return
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary names a dynamic loader (PT_INTERP): it is not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs shared libraries: %v", libs)
	}
}
