package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"apnsconsole/sender/credential"
)

// listKeychain is `inspect --keychain`: the push identities in the macOS
// login keychain, one a line: SHA-1, name, bundle id, environments and
// expiry. Nothing secret is read.
func listKeychain(stdout, stderr io.Writer) int {
	ids, err := (&credential.Keychain{}).PushIdentities(context.Background())
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitFailure
	}
	if len(ids) == 0 {
		fmt.Fprintln(stderr, "No push certificate with its private key is in the login keychain: download one from the developer portal (Certificates → +, Apple Push Notification service SSL) and open it on this Mac.")
		return exitOK
	}
	now := time.Now()
	for _, id := range ids {
		fmt.Fprintf(stdout, "%s  %s · bundle %s\n", id.SHA1, id.Summary(now), id.BundleID())
	}
	return exitOK
}
