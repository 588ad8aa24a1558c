package cli

import (
	"flag"
	"fmt"
	"io"
	"time"

	"apnsconsole/sender/credential"
)

// runJWT is `apns-console jwt --p8 FILE --key-id ID --team-id ID`: it
// prints a freshly signed provider token on purpose, for curl commands
// (`send --curl`) and other tools. The token is a secret: whoever holds
// it can push to every app of the team for the next hour.
func runJWT(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("jwt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	p8 := fs.String("p8", "", "`FILE`: the .p8 token key (AuthKey_<Key ID>.p8)")
	keyID := fs.String("key-id", "", "the key's 10-character Key ID (default: from the file name AuthKey_<Key ID>.p8)")
	teamID := fs.String("team-id", "", "your 10-character Team ID")
	asJSON := fs.Bool("json", false, "print one JSON object: token, key_id, team_id, issued_at and expires_at (an hour later, when APNs stops taking it)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: apns-console jwt --p8 FILE --key-id ID --team-id ID [--json]

Prints a new APNs provider token (an ES256 JWT, valid for an hour) signed
with the .p8 key, for curl and other tools:

  export APNS_JWT="$(apns-console jwt --p8 AuthKey_ABC123DEFG.p8 --team-id DEF123GHIJ)"

The token is a secret: whoever holds it can send to every app of the team
until it expires. Don't paste it into tickets or chats.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "apns-console jwt: unexpected argument %q (the key goes after --p8)\n", fs.Arg(0))
		return exitFailure
	}
	if *p8 == "" {
		fmt.Fprintln(stderr, "error: no key: give --p8 FILE (the AuthKey_<Key ID>.p8 from the developer portal) with --key-id and --team-id")
		return exitFailure
	}
	cred, err := credential.LoadP8(*p8, *keyID, *teamID)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitFailure
	}
	now := time.Now()
	token, err := credential.SignProviderToken(cred, now)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitFailure
	}
	if *asJSON {
		fmt.Fprintln(stdout, marshalJSON(jwtJSON{Token: token, KeyID: cred.KeyID, TeamID: cred.TeamID,
			IssuedAt: now.UTC().Format(time.RFC3339), ExpiresAt: now.Add(providerTokenLifetime).UTC().Format(time.RFC3339)}))
		return exitOK
	}
	fmt.Fprintln(stdout, token)
	return exitOK
}

// providerTokenLifetime is how long APNs takes a provider token after its
// iat (APNS-REFERENCE §2: older than an hour is 403 ExpiredProviderToken).
const providerTokenLifetime = time.Hour

// jwtJSON is `jwt --json`'s object. The token is a secret like the plain
// output.
type jwtJSON struct {
	Token     string `json:"token"`
	KeyID     string `json:"key_id"`
	TeamID    string `json:"team_id"`
	IssuedAt  string `json:"issued_at"`  // RFC 3339, UTC: the token's iat
	ExpiresAt string `json:"expires_at"` // an hour later
}
