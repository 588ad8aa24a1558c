package ui

// simTarget reports whether the iOS Simulator target is chosen.
func (c *Console) simTarget() bool { return false }

func (c *Console) simDeviceChoice() string { return "" }

func (c *Console) simDeviceID() string { return "" }

func (c *Console) chooseSimulator(string) {}
