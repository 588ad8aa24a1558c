package ui

// simTarget reports whether the iOS Simulator target is chosen.
func (c *Console) simTarget() bool { return false }
