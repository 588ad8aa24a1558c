package sender

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	"al.essio.dev/pkg/shellescape"
	"golang.org/x/net/http/httpguts"

	"apnsconsole/sender/credential"
)

// Environment variables a curl command reads its secrets from: the
// command line itself never holds a password, a key or a JWT.
const (
	CurlJWTVar         = "APNS_JWT"          // a provider token from `apns-console jwt`
	CurlP12PasswordVar = "APNS_P12_PASSWORD" // the .p12's password
	CurlKeyPasswordVar = "APNS_KEY_PASSWORD" // an encrypted PEM key's password
)

// CurlTarget says where a curl command sends and with which credential
// files.
type CurlTarget struct {
	Environment Environment // Sandbox or Production; used when Host is ""
	Host        string      // host:port of another endpoint, e.g. `apns-console serve`
	CAFile      string      // PEM CA to trust instead of the system's (--cacert), for Host
	// Credential names the files: a .p12 becomes --cert-type P12 with
	// $APNS_P12_PASSWORD, a PEM pair --cert/--key, a .p8 an authorization
	// header with $APNS_JWT.
	Credential credential.Ref
	// KeyEncrypted adds --pass "$APNS_KEY_PASSWORD" for an encrypted PEM key.
	KeyEncrypted bool
}

// CurlCommand is a `curl --http2` command line that repeats one send.
type CurlCommand struct {
	// Env names the environment variables the command reads (APNS_JWT,
	// APNS_P12_PASSWORD, APNS_KEY_PASSWORD), in the order they appear.
	Env []string
	// Setup is comment lines ("# …") saying how to set them.
	Setup []string
	// Command is the command for a POSIX shell (sh, bash, zsh), one option
	// a line joined with backslash-newline; secrets are "$VAR" references.
	Command string
}

// String is Setup and Command, ready to paste into a terminal.
func (c *CurlCommand) String() string {
	if len(c.Setup) == 0 {
		return c.Command
	}
	return strings.Join(c.Setup, "\n") + "\n" + c.Command
}

// ErrNoCurlAddress is returned for a target without a fixed address (the
// in-process simulator, or the iOS Simulator).
var ErrNoCurlAddress = errors.New("no address for curl")

// Curl gives the curl command line that sends n exactly as Client.Send
// would: POST /3/device/<token> over HTTP/2 with every apns- header, the
// content type and the payload byte for byte. cred, when given, resolves
// the default topic (a certificate's bundle id); without it n.Topic is
// used. The curl prints the response status and headers (--include), so
// apns-id and the reason are seen.
func Curl(n *Notification, cred *credential.Credential, t CurlTarget) (*CurlCommand, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	topic, err := n.ResolveTopic(cred)
	if err != nil {
		return nil, err
	}
	ref := t.Credential
	if ref.Kind == credential.KindP8 && topic == "" {
		return nil, fmt.Errorf("%w: a .p8 key needs a topic: type the app's bundle id (e.g. com.example.app)", ErrInvalidNotification)
	}
	addr := t.Host
	if addr == "" {
		addr = t.Environment.Host()
	}
	if addr == "" {
		return nil, fmt.Errorf("%w: the %s target has no fixed address: start `apns-console serve` and use its host and ca.pem, or choose sandbox or production", ErrNoCurlAddress, cmp.Or(string(t.Environment), "chosen"))
	}
	if ref.Path == "" {
		return nil, fmt.Errorf("%w: curl needs the credential's file: choose a .p12, a PEM certificate and key, or a .p8 key file", ErrNoCredential)
	}

	c := &CurlCommand{}
	lines := []string{"curl --http2 --silent --show-error --include --request POST"}
	if t.CAFile != "" {
		lines = append(lines, "--cacert "+shellescape.Quote(t.CAFile))
	}
	switch ref.Kind {
	case credential.KindP12:
		c.addEnv(CurlP12PasswordVar, "# Set the .p12's password first (it is not written here): read -rs "+CurlP12PasswordVar+"; export "+CurlP12PasswordVar)
		lines = append(lines, "--cert-type P12 --cert "+shellescape.Quote(curlCertName(ref.Path))+`:"$`+CurlP12PasswordVar+`"`)
	case credential.KindPEM:
		lines = append(lines, "--cert "+shellescape.Quote(curlCertName(ref.Path)))
		if ref.KeyPath != "" {
			lines = append(lines, "--key "+shellescape.Quote(ref.KeyPath))
		}
		if t.KeyEncrypted {
			c.addEnv(CurlKeyPasswordVar, "# Set the key's password first (it is not written here): read -rs "+CurlKeyPasswordVar+"; export "+CurlKeyPasswordVar)
			lines = append(lines, `--pass "$`+CurlKeyPasswordVar+`"`)
		}
	case credential.KindP8:
		c.addEnv(CurlJWTVar, "# Set the provider token first; it is a secret, valid for an hour:",
			"#   export "+CurlJWTVar+`="$(apns-console jwt --p8 `+shellescape.Quote(ref.Path)+" --key-id "+shellescape.Quote(ref.KeyID)+" --team-id "+shellescape.Quote(ref.TeamID)+`)"`)
	case credential.KindKeychain:
		return nil, fmt.Errorf("%w: curl cannot read a Keychain identity: export it from Keychain Access as .p12 and choose that file", ErrNoCredential)
	default:
		return nil, fmt.Errorf("%w: unknown credential kind %d: choose a .p12, a PEM certificate and key, or a .p8 key", ErrNoCredential, ref.Kind)
	}
	h := n.Header(topic)
	for _, name := range curlHeaderOrder {
		if v := h.Get(name); v != "" {
			if !httpguts.ValidHeaderFieldValue(v) {
				return nil, fmt.Errorf("%w: the %s header has a control character (such as a line break): remove it", ErrInvalidNotification, name)
			}
			lines = append(lines, "--header "+shellescape.Quote(name+": "+v))
		}
	}
	if ref.Kind == credential.KindP8 {
		lines = append(lines, `--header "authorization: bearer $`+CurlJWTVar+`"`)
	}
	lines = append(lines, "--data-binary "+shellescape.Quote(string(n.Payload)))
	lines = append(lines, shellescape.Quote("https://"+addr+"/3/device/"+n.Token))
	c.Command = strings.Join(lines, " \\\n  ")
	return c, nil
}

// curlHeaderOrder is the order of the headers in the command: those of
// Notification.Header.
var curlHeaderOrder = []string{"apns-push-type", "apns-topic", "apns-priority", "apns-expiration", "apns-collapse-id", "apns-id", "content-type"}

func (c *CurlCommand) addEnv(name string, setup ...string) {
	c.Env = append(c.Env, name)
	c.Setup = append(c.Setup, setup...)
}

// curlCertName escapes a file name for curl's --cert, which reads
// "name:password" and takes \: and \\ as a literal colon and backslash.
func curlCertName(path string) string {
	return strings.NewReplacer(`\`, `\\`, `:`, `\:`).Replace(path)
}
