package sender_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// curlWithHTTP2 returns curl's path. A missing curl fails the test (make
// deps-test installs it); one built without HTTP/2 skips it.
func curlWithHTTP2(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("curl is not installed: run make deps-test (or apt-get install curl) to run the Copy as cURL tests")
	}
	out, err := exec.Command(path, "--version").Output()
	if err != nil || !strings.Contains(string(out), "HTTP2") {
		t.Skipf("this curl has no HTTP/2 support (its --version lists no HTTP2 feature): install a curl built with nghttp2\n%s", out)
	}
	return path
}

// curlNotification has every header and a payload with characters a shell
// would otherwise interpret.
func curlNotification() *sender.Notification {
	exp := time.Unix(1_900_000_000, 0)
	return &sender.Notification{
		Token:      apnstest.DemoToken,
		Topic:      apnstest.DemoBundleID,
		PushType:   sender.PushAlert,
		Priority:   5,
		Expiration: &exp,
		CollapseID: "it's $HOME",
		ApnsID:     "123e4567-e89b-12d3-a456-4266554400a0",
		Payload:    []byte(`{"aps":{"alert":"it's \"$HOME\" \\ ` + "`date`" + ` & ü"},"n":1}`),
	}
}

// runCurl runs the generated command in sh with env, as a user pasting it
// would, and returns its output.
func runCurl(t *testing.T, cmd *sender.CurlCommand, env ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sh := exec.CommandContext(ctx, "sh", "-c", cmd.String())
	sh.Env = append(os.Environ(), env...)
	out, err := sh.CombinedOutput()
	if err != nil {
		t.Fatalf("curl failed: %v\n%s\ncommand:\n%s", err, out, cmd)
	}
	return string(out)
}

func TestCurlCommandGets200FromTheSimulator(t *testing.T) {
	curlWithHTTP2(t)
	s := apnstest.NewServer()
	defer s.Close()
	// A folder with a space, a quote and a colon, which both the shell and
	// curl's --cert syntax must be told about.
	dir := filepath.Join(t.TempDir(), "my keys: o'brien")
	if err := s.Demo.WriteFiles(dir, s.Authority); err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(dir, apnstest.FileCA)
	p8 := filepath.Join(dir, apnstest.FileDemoP8)
	jwtCred, err := credential.LoadP8(p8, apnstest.DemoKeyID, apnstest.DemoTeamID)
	if err != nil {
		t.Fatal(err)
	}
	jwt, err := credential.SignProviderToken(jwtCred, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		ref  credential.Ref
		env  []string
		want []string // in the command
		auth string
	}{
		{"p8", credential.Ref{Kind: credential.KindP8, Path: p8, KeyID: apnstest.DemoKeyID, TeamID: apnstest.DemoTeamID},
			[]string{sender.CurlJWTVar + "=" + jwt}, []string{`--header "authorization: bearer $APNS_JWT"`, "apns-console jwt --p8"}, apnstest.AuthToken},
		{"p12", credential.Ref{Kind: credential.KindP12, Path: filepath.Join(dir, apnstest.FileDemoP12)},
			[]string{sender.CurlP12PasswordVar + "=" + apnstest.DemoP12Password}, []string{"--cert-type P12", `:"$APNS_P12_PASSWORD"`}, apnstest.AuthCertificate},
		{"pem", credential.Ref{Kind: credential.KindPEM, Path: filepath.Join(dir, apnstest.FileDemoCert), KeyPath: filepath.Join(dir, apnstest.FileDemoKey)},
			nil, []string{"--cert '", "--key '"}, apnstest.AuthCertificate},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.Reset()
			n := curlNotification()
			cmd, err := sender.Curl(n, nil, sender.CurlTarget{Host: s.Addr, CAFile: ca, Credential: c.ref})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range append(c.want, "curl --http2", "--cacert ") {
				if !strings.Contains(cmd.String(), w) {
					t.Errorf("command lacks %q:\n%s", w, cmd)
				}
			}
			if strings.Contains(cmd.String(), jwt) || strings.Contains(cmd.String(), apnstest.DemoP12Password+`"`) {
				t.Errorf("command holds a secret:\n%s", cmd)
			}
			out := runCurl(t, cmd, c.env...)
			if !strings.HasPrefix(out, "HTTP/2 200") || !strings.Contains(strings.ToLower(out), "apns-id: 123e4567-e89b-12d3-a456-4266554400a0") {
				t.Fatalf("curl did not get 200 with the apns-id:\n%s\ncommand:\n%s\nrecords: %+v", out, cmd, s.Records())
			}
			byCurl := s.Accepted()
			if len(byCurl) != 1 || byCurl[0].Auth != c.auth {
				t.Fatalf("accepted %+v, want one with %s auth", byCurl, c.auth)
			}

			// The client sends the same notification: the server must
			// see the same request.
			s.Reset()
			cred, err := c.ref.Load(apnstest.DemoP12Password)
			if err != nil {
				t.Fatal(err)
			}
			client := &sender.Client{Credential: cred, Host: s.Addr, RootCAs: s.Authority.Pool()}
			defer client.Close()
			if resp, err := client.Send(context.Background(), curlNotification()); err != nil || !resp.Accepted() {
				t.Fatalf("client send: %v %+v", err, resp)
			}
			byClient := s.Accepted()[0]
			got := byCurl[0]
			if string(got.Payload) != string(n.Payload) || string(got.Payload) != string(byClient.Payload) {
				t.Errorf("payload by curl %s, by the client %s, want %s", got.Payload, byClient.Payload, n.Payload)
			}
			if got.Token != byClient.Token || got.Topic != byClient.Topic || got.PushType != byClient.PushType ||
				got.Priority != byClient.Priority || !got.Expiration.Equal(*byClient.Expiration) ||
				got.CollapseID != byClient.CollapseID || got.ApnsID != byClient.ApnsID {
				t.Errorf("curl's request differs from the client's:\ncurl   %+v\nclient %+v", got, byClient)
			}
			for name := range byClient.Header {
				if strings.HasPrefix(strings.ToLower(name), "apns-") || strings.EqualFold(name, "content-type") {
					if g, w := got.Header.Values(name), byClient.Header.Values(name); strings.Join(g, ",") != strings.Join(w, ",") {
						t.Errorf("header %s: curl %q, client %q", name, g, w)
					}
				}
			}
		})
	}
}

func TestCurlTopicAndTargetErrors(t *testing.T) {
	p8 := credential.Ref{Kind: credential.KindP8, Path: "AuthKey_ABC123DEFG.p8", KeyID: "ABC123DEFG", TeamID: "DEF123GHIJ"}
	n := &sender.Notification{Token: apnstest.DemoToken, Payload: []byte(`{"aps":{"alert":"hi"}}`)}
	if _, err := sender.Curl(n, nil, sender.CurlTarget{Environment: sender.Sandbox, Credential: p8}); !errors.Is(err, sender.ErrInvalidNotification) || !strings.Contains(err.Error(), "needs a topic") {
		t.Errorf(".p8 without topic: %v", err)
	}
	n.Topic = "com.example.app"
	if _, err := sender.Curl(n, nil, sender.CurlTarget{Environment: sender.Local, Credential: p8}); !errors.Is(err, sender.ErrNoCurlAddress) || !strings.Contains(err.Error(), "apns-console serve") {
		t.Errorf("local without host: %v", err)
	}
	if _, err := sender.Curl(n, nil, sender.CurlTarget{Environment: sender.Sandbox}); !errors.Is(err, sender.ErrNoCredential) {
		t.Errorf("no credential: %v", err)
	}
	n.CollapseID = "a\r\nx-evil: 1"
	if _, err := sender.Curl(n, nil, sender.CurlTarget{Environment: sender.Sandbox, Credential: p8}); !errors.Is(err, sender.ErrInvalidNotification) {
		t.Errorf("header with a line break: %v", err)
	}
	n.CollapseID = ""
	cmd, err := sender.Curl(n, nil, sender.CurlTarget{Environment: sender.Production, Credential: p8})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(cmd.Command, "https://api.push.apple.com:443/3/device/"+apnstest.DemoToken) {
		t.Errorf("production URL missing:\n%s", cmd.Command)
	}
	if strings.Contains(cmd.Command, "--cacert") {
		t.Errorf("Apple's hosts are checked against the system's roots, no --cacert:\n%s", cmd.Command)
	}
	if len(cmd.Env) != 1 || cmd.Env[0] != sender.CurlJWTVar {
		t.Errorf("Env = %q, want [APNS_JWT]", cmd.Env)
	}
}
