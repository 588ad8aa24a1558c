package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender/apnstest"
)

// TestSendCurlWithJWTGets200 is the documented workflow: print the curl
// command with send --curl, set $APNS_JWT with the jwt command, run it.
func TestSendCurlWithJWTGets200(t *testing.T) {
	out, err := exec.Command("curl", "--version").Output()
	if err != nil {
		t.Fatalf("curl is not installed or does not run (%v): run make deps-test (or apt-get install curl)", err)
	}
	if !strings.Contains(string(out), "HTTP2") {
		t.Skipf("this curl has no HTTP/2 support (its --version lists no HTTP2 feature): install a curl built with nghttp2\n%s", out)
	}
	s := apnstest.NewServer()
	defer s.Close()
	dir := t.TempDir()
	if err := s.Demo.WriteFiles(dir, s.Authority); err != nil {
		t.Fatal(err)
	}
	p8 := filepath.Join(dir, apnstest.FileDemoP8)
	code, jwt, errOut := cli(t, "", "jwt", "--p8", p8, "--team-id", apnstest.DemoTeamID)
	jwt = strings.TrimSpace(jwt)
	if code != exitOK || strings.Count(jwt, ".") != 2 || errOut != "" {
		t.Fatalf("jwt: exit %d, stdout %q, stderr %q", code, jwt, errOut)
	}
	for _, c := range []struct {
		name  string
		flags []string
		env   string
	}{
		{"p8", []string{"--p8", p8, "--team-id", apnstest.DemoTeamID, "--topic", apnstest.DemoBundleID}, "APNS_JWT=" + jwt},
		{"p12", []string{"--p12", filepath.Join(dir, apnstest.FileDemoP12), "--password", apnstest.DemoP12Password}, "APNS_P12_PASSWORD=" + apnstest.DemoP12Password},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"send", "--curl", "--host", s.Addr, "--ca", filepath.Join(dir, apnstest.FileCA),
				"--token", pastedToken, "--alert", "it's here", "--badge", "3"}, c.flags...)
			code, out, errOut := cli(t, "", args...)
			if code != exitOK {
				t.Fatalf("send --curl: exit %d\n%s\n%s", code, out, errOut)
			}
			if strings.Contains(out, jwt) || strings.Contains(out, `"`+apnstest.DemoP12Password+`"`) {
				t.Fatalf("the command holds a secret:\n%s", out)
			}
			if len(s.Records()) != 0 {
				t.Fatalf("send --curl sent something: %+v", s.Records())
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			sh := exec.CommandContext(ctx, "sh", "-c", out)
			sh.Env = append(os.Environ(), c.env)
			got, err := sh.CombinedOutput()
			if err != nil || !strings.HasPrefix(string(got), "HTTP/2 200") {
				t.Fatalf("running the command: %v\n%s\ncommand:\n%s", err, got, out)
			}
			acc := s.Accepted()
			if len(acc) != 1 || string(acc[0].Payload) != `{"aps":{"alert":"it's here","badge":3}}` {
				t.Errorf("accepted %+v", acc)
			}
			s.Reset()
		})
	}
}

func TestSendCurlRefusesWhatCurlCannotRepeat(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--env", "local"}, "--host and --ca of `apns-console serve`"},
		{[]string{"--protocol", "binary"}, "leave out --protocol binary"},
		{[]string{"--env", "sandbox"}, "curl needs the credential's file"},
	} {
		args := append([]string{"send", "--curl", "--token", pastedToken, "--alert", "hi"}, c.args...)
		code, out, errOut := cli(t, "", args...)
		if code != exitFailure || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, want 2 with %q\nstdout: %s\nstderr: %s", c.args, code, c.want, out, errOut)
		}
	}
	if code, _, errOut := cli(t, "", "jwt", "--team-id", "DEF123GHIJ"); code != exitFailure || !strings.Contains(errOut, "give --p8 FILE") {
		t.Errorf("jwt without --p8: exit %d, %s", code, errOut)
	}
}
