package ui

import (
	"errors"
	"fmt"

	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// startSimulator starts the local simulator in the background (if it is
// not running) and shows its demo credential once it is up.
func (c *Console) startSimulator() {
	go func() {
		c.simulator()
		c.do(func() {
			c.cred.show()
			c.refreshTopics()
			c.validate()
		})
	}()
}

// simulator returns the in-process APNs simulator of the Local
// environment, starting it on first use, with its demo credentials loaded
// in memory (the demo password is never stored). Safe from any goroutine.
func (c *Console) simulator() (*apnstest.Server, error) {
	c.simMu.Lock() // one start at a time; c.mu stays free for the UI meanwhile
	defer c.simMu.Unlock()
	c.mu.Lock()
	sim, err, closed := c.sim, c.simErr, c.closed
	c.mu.Unlock()
	if closed {
		return nil, errClosing
	}
	if sim != nil || err != nil {
		return sim, err
	}
	sim, demo, err := startSimulator()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		if sim != nil {
			sim.Close()
		}
		return nil, errClosing
	}
	c.sim, c.demo, c.simErr = sim, demo, err
	return sim, err
}

// errClosing is returned to background work that finishes after the
// window closed.
var errClosing = errors.New("the window is closing")

func startSimulator() (sim *apnstest.Server, demo map[credential.Kind]*credential.Credential, err error) {
	defer func() {
		if r := recover(); r != nil { // apnstest panics like httptest when it can't start
			err = fmt.Errorf("the local simulator did not start (%v): check that this computer allows listening on 127.0.0.1, or choose Sandbox", r)
		}
	}()
	sim = apnstest.NewServer()
	d := sim.Demo
	p12, err := credential.ParseP12(d.P12, apnstest.DemoP12Password)
	if err != nil {
		sim.Close()
		return nil, nil, fmt.Errorf("the simulator's demo certificate did not load: %w", err)
	}
	pem, err := credential.ParsePEM(d.Cert.CertPEM, d.Cert.KeyPEM, "")
	if err != nil {
		sim.Close()
		return nil, nil, fmt.Errorf("the simulator's demo certificate did not load: %w", err)
	}
	p8, err := credential.ParseP8(d.Key.P8, apnstest.DemoKeyID, apnstest.DemoTeamID)
	if err != nil {
		sim.Close()
		return nil, nil, fmt.Errorf("the simulator's demo key did not load: %w", err)
	}
	return sim, map[credential.Kind]*credential.Credential{credential.KindP12: p12, credential.KindPEM: pem, credential.KindP8: p8}, nil
}

// applyOutcome makes the simulator answer this send's tokens with the
// chosen outcome, using the marks apnstest offers; the returned function
// removes them after the send.
func (c *Console) applyOutcome(job sendJob) (undo func()) {
	sim, err := c.simulator()
	if err != nil {
		return func() {}
	}
	for _, n := range job.ns {
		switch job.outcome {
		case "Unregistered":
			sim.Unregister(n.Token, c.now())
		case "BadDeviceToken":
			sim.OtherEnvironment(n.Token)
		default: // TooManyRequests, InternalServerError
			sim.Fail(n.Token, job.outcome)
		}
	}
	return func() {
		for _, n := range job.ns {
			sim.Forget(n.Token)
		}
	}
}
