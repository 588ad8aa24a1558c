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
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: apns-console jwt --p8 FILE --key-id ID --team-id ID

Prints a new APNs provider token (an ES256 JWT, valid for an hour) signed
with the .p8 key, for curl and other tools:

  export APNS_JWT="$(apns-console jwt --p8 AuthKey_ABC123DEFG.p8 --team-id DEF123GHIJ)"

The token is a secret: whoever holds it can send to every app of the team
until it expires. Don't paste it into tickets or chats.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitFailure
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
	token, err := credential.SignProviderToken(cred, time.Now())
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitFailure
	}
	fmt.Fprintln(stdout, token)
	return exitOK
}
