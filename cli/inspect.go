package cli

import (
	"flag"
	"fmt"
	"io"
	"time"

	"apnsconsole/sender/credential"
)

// runInspect prints what a credential file holds: `inspect FILE [--password P] [--json]`.
func runInspect(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	password := fs.String("password", "", "the password of a .p12 or of an encrypted key (also read from $APNS_P12_PASSWORD)")
	keychain := fs.Bool("keychain", false, "list the push identities in the macOS login keychain instead")
	asJSON := fs.Bool("json", false, "print the report as one JSON object: kind, file, key, certificate (subject, bundle id, topics, environments, validity)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: apns-console inspect FILE [--password P] [--json]\n       apns-console inspect --keychain\n\nShows a .p12/.pfx, .pem/.crt/.cer or .p8 file's subject, bundle id, topics, environments and validity.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	// Accept the file before or after the flags.
	var file string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if *keychain && file == "" && fs.NArg() == 0 {
		if *asJSON {
			fmt.Fprintln(stderr, "error: --json goes with a FILE; --keychain lists the identities as text")
			return exitFailure
		}
		return listKeychain(stdout, stderr)
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	if file == "" {
		fmt.Fprintln(stderr, "error: give the FILE to inspect: apns-console inspect demo.p12 (see apns-console inspect --help)")
		return exitFailure
	}
	now := time.Now()
	in, err := credential.Inspect(file, orEnv(*password, "APNS_P12_PASSWORD"), now)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitFailure
	}
	if *asJSON {
		fmt.Fprintln(stdout, marshalJSON(inspectionJSON(in, now)))
		return exitOK
	}
	for _, line := range in.Lines {
		fmt.Fprintln(stdout, line)
	}
	return exitOK
}

// inspectJSON is `inspect --json`'s object.
type inspectJSON struct {
	File          string           `json:"file"`
	Kind          string           `json:"kind"` // p12, pem, p8, or certificate (no private key)
	HasPrivateKey bool             `json:"has_private_key"`
	Key           string           `json:"key"` // e.g. "ECDSA P-256", "RSA 2048-bit", "none"
	KeyID         string           `json:"key_id,omitempty"`
	TeamID        string           `json:"team_id,omitempty"`
	Certificate   *certificateJSON `json:"certificate,omitempty"`
	Chain         int              `json:"chain"` // more certificates sent with it
	Warning       string           `json:"warning,omitempty"`
}

type certificateJSON struct {
	Subject      string      `json:"subject"`
	CommonName   string      `json:"common_name"`
	BundleID     string      `json:"bundle_id"`
	TeamID       string      `json:"team_id"`
	Organization string      `json:"organization"`
	Issuer       string      `json:"issuer"`
	Serial       string      `json:"serial"`
	Environments []string    `json:"environments"` // sandbox, production
	Topics       []topicJSON `json:"topics"`
	NotBefore    string      `json:"not_before"` // RFC 3339, UTC
	NotAfter     string      `json:"not_after"`
	DaysLeft     int         `json:"days_left"` // negative once expired
	Problems     []string    `json:"problems,omitempty"`
}

type topicJSON struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

func inspectionJSON(in *credential.Inspection, now time.Time) inspectJSON {
	j := inspectJSON{File: in.File, Kind: in.Kind.KindName(), HasPrivateKey: in.HasKey, Key: in.Key, KeyID: in.KeyID, TeamID: in.TeamID, Chain: in.Chain, Warning: in.Warning}
	if j.Kind == "" {
		j.Kind = "certificate"
	}
	if c := in.Certificate; c != nil {
		cj := &certificateJSON{Subject: c.Subject, CommonName: c.CommonName, BundleID: c.BundleID, TeamID: c.TeamID, Organization: c.Organization,
			Issuer: c.Issuer, Serial: c.Serial, Environments: []string{}, Topics: []topicJSON{}, Problems: c.Problems,
			NotBefore: c.NotBefore.UTC().Format(time.RFC3339), NotAfter: c.NotAfter.UTC().Format(time.RFC3339),
			DaysLeft: int(c.NotAfter.Sub(now).Hours() / 24)}
		if c.Sandbox {
			cj.Environments = append(cj.Environments, "sandbox")
		}
		if c.Production {
			cj.Environments = append(cj.Environments, "production")
		}
		for _, t := range c.Topics {
			cj.Topics = append(cj.Topics, topicJSON{Name: t.Name, Type: t.Type})
		}
		j.Certificate = cj
	}
	return j
}
