package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"apnsconsole/sender"
	"apnsconsole/sender/credential"
	"apnsconsole/sender/document"
)

// applyFile is `send --file`: an .apnsconsole document fills every flag
// that was not given; any other file is read as an .apns payload, whose
// "Simulator Target Bundle" becomes the topic unless --topic is given.
func (f *sendFlags) applyFile(fs *flag.FlagSet) error {
	set := given(fs)
	if !document.IsConsole(f.file) {
		a, err := document.ReadAPNs(f.file)
		if err != nil {
			return inputError{err}
		}
		if !set["payload"] {
			f.payload = string(a.Payload)
		}
		if !set["topic"] && a.Bundle != "" {
			f.topic = a.Bundle
			if f.env != envSimulator {
				f.topic = sender.PushType(f.pushType).TopicFor(a.Bundle)
			}
		}
		return nil
	}

	d, docErr := document.ReadConsole(f.file)
	if d == nil {
		return inputError{docErr}
	}
	if !set["token"] && !set["tokens"] {
		f.tokens = append(stringList(nil), d.Tokens...)
	}
	if !set["payload"] {
		f.payload = string(d.Payload)
	}
	fill := func(flag string, dst *string, v string) {
		if !set[flag] && v != "" {
			*dst = v
		}
	}
	fill("push-type", &f.pushType, string(d.PushType))
	fill("topic", &f.topic, d.Topic)
	fill("expiration", &f.expiration, d.Expiration)
	fill("collapse-id", &f.collapseID, d.CollapseID)
	if !set["priority"] && d.Priority != 0 {
		f.priority = d.Priority
	}

	var fromDoc []string // the files the document chose that are used
	if !set["env"] && !set["host"] && !set["ca"] && !set["device"] {
		t := d.Target
		switch t.Environment {
		case document.TargetCustom:
			f.env, f.host, f.ca = string(sender.Sandbox), t.Host, t.CA
		case document.TargetSimulator:
			f.env, f.device = envSimulator, t.Device
		case "":
		default:
			f.env, f.host, f.ca = t.Environment, t.Host, t.CA
		}
		fromDoc = append(fromDoc, f.ca)
	}
	if !f.credentialFlags.chosen() && !d.Credential.IsZero() {
		c := d.Credential
		switch c.Kind {
		case credential.KindP12:
			f.p12 = c.Path
		case credential.KindPEM:
			f.cert, f.key = c.Path, c.KeyPath
		case credential.KindP8:
			f.p8 = c.Path
			fill("key-id", &f.keyID, c.KeyID)
			fill("team-id", &f.teamID, c.TeamID)
		case credential.KindKeychain:
			if f.env != envSimulator {
				return inputError{fmt.Errorf("the document's credential is a Keychain identity (SHA-1 %s), which the command line does not read: give --p12, --cert or --p8 (export it from Keychain Access as .p12)", c.Path)}
			}
		}
		if c.IsFile() {
			fromDoc = append(fromDoc, c.Path, c.KeyPath)
		}
	}
	if errors.Is(docErr, document.ErrCredentialMissing) && f.env != envSimulator {
		for _, p := range fromDoc {
			if p == "" {
				continue
			}
			if _, err := os.Stat(p); err != nil {
				return inputError{fmt.Errorf("%w (or give the credential with --p12, --cert or --p8, and --host/--ca, on the command line)", docErr)}
			}
		}
	}
	return nil
}
