package cli

import (
	"context"
	"fmt"
	"io"

	"apnsconsole/sender"
	"apnsconsole/sender/credential"
)

// printCurl is `send --curl`: for each token, the curl command that sends
// the same request, printed instead of sending. The setup lines (how to
// set $APNS_JWT or $APNS_P12_PASSWORD) come once, before the first.
func (f *sendFlags) printCurl(ctx context.Context, stdin io.Reader, stdout io.Writer, out *printer) int {
	b, cred, err := f.readBatch(ctx, stdin, out)
	if err != nil {
		return out.fail(err)
	}
	tgt, err := f.resolveTarget(&cred, false)
	if err != nil {
		return out.fail(inputError{err})
	}
	defer tgt.close()
	if err := b.checkCredential(cred, out, "curl needs the credential's file: give --p12 FILE, --cert FILE --key FILE, or --p8 FILE --key-id ID --team-id ID"); err != nil {
		return out.fail(inputError{err})
	}
	ct := sender.CurlTarget{Environment: tgt.env, Host: tgt.host, CAFile: f.ca, Credential: f.credentialRef(cred),
		KeyEncrypted: f.cert != "" && orEnv(f.keyPassword, "APNS_KEY_PASSWORD") != ""}
	for i, n := range b.ns {
		cmd, err := sender.Curl(n, cred, ct)
		if err != nil {
			return out.fail(inputError{err})
		}
		if i == 0 {
			for _, line := range cmd.Setup {
				fmt.Fprintln(stdout, line)
			}
		} else {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintln(stdout, cmd.Command)
	}
	return b.dryRunExit(out)
}

// credentialRef names the credential the flags chose by its files; cred
// (loaded from them) gives a .p8's Key ID and Team ID as checked.
func (f *credentialFlags) credentialRef(cred *credential.Credential) credential.Ref {
	switch {
	case f.p12 != "":
		return credential.Ref{Kind: credential.KindP12, Path: f.p12}
	case f.cert != "":
		return credential.Ref{Kind: credential.KindPEM, Path: f.cert, KeyPath: f.key}
	case f.p8 != "":
		r := credential.Ref{Kind: credential.KindP8, Path: f.p8, KeyID: f.keyID, TeamID: f.teamID}
		if cred != nil {
			r.KeyID, r.TeamID = cred.KeyID, cred.TeamID
		}
		return r
	}
	return credential.Ref{}
}
