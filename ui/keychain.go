package ui

import "apnsconsole/sender/credential"

func (c *Console) keychainRef() (credential.Ref, bool) { return credential.Ref{}, false }

func (c *Console) selectKeychainIdentity(string) {}
