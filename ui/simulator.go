package ui

import (
	"errors"
	"fmt"

	"apnsconsole/sender"
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

// simulatorKeep is how many records the window's simulator keeps (its
// default is 10,000, each with its payload): the window shows the
// client's side in the log, so a few are enough, and a long session of
// sends does not grow the process.
const simulatorKeep = 100

// errClosing is returned to background work that finishes after the
// window closed.
var errClosing = errors.New("the window is closing")

func startSimulator() (sim *apnstest.Server, demo map[credential.Kind]*credential.Credential, err error) {
	defer func() {
		if r := recover(); r != nil { // apnstest panics like httptest when it can't start
			err = fmt.Errorf("the local simulator did not start (%v): check that this computer allows listening on 127.0.0.1, or choose Sandbox", r)
		}
	}()
	sim = apnstest.NewUnstartedServer()
	sim.Keep = simulatorKeep
	sim.Start()
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

// localOutcome is a choice of the Local outcome menu: how the simulator
// answers the next send, as one of its fault rules (apnstest.Fault).
type localOutcome struct {
	label string // as listed, after "Next: "
	rule  string // the fault rule, without which requests it applies to
	// retried is set for answers Apple advises to retry (429, 500, 503):
	// the rule then covers every attempt, so the row shows the answer
	// after the retries.
	retried bool
	// once is set for a GOAWAY: it closes the connection once; the
	// sender goes on with the next connection.
	once bool
}

// localOutcomes are the outcomes the Local menu offers, after the normal
// answer.
var localOutcomes = []localOutcome{
	{label: "Unregistered", rule: "status=410"},
	{label: "BadDeviceToken", rule: "status=400,reason=BadDeviceToken"},
	{label: "TooManyRequests", rule: "status=429", retried: true},
	{label: "InternalServerError", rule: "status=500", retried: true},
	{label: "GOAWAY (Shutdown)", rule: "goaway=Shutdown", once: true},
}

// faultRule is the outcome as the simulator's fault rule for a send of
// n notifications, each tried at most attempts times.
func (o localOutcome) faultRule(n, attempts int) (apnstest.Fault, error) {
	first := n
	switch {
	case o.once:
		first = 1
	case o.retried:
		first = n * attempts
	}
	return apnstest.ParseFault(fmt.Sprintf("%s,first=%d", o.rule, first))
}

// findOutcome is the outcome labelled label.
func findOutcome(label string) (localOutcome, bool) {
	for _, o := range localOutcomes {
		if o.label == label {
			return o, true
		}
	}
	return localOutcome{}, false
}

// applyOutcome makes the simulator answer this send's requests with the
// chosen outcome, with its fault injection; the returned function removes
// the rule after the send, so the next send is answered normally.
func (c *Console) applyOutcome(job sendJob) (undo func()) {
	o, ok := findOutcome(job.outcome)
	if !ok {
		return func() {}
	}
	if job.format != "" {
		c.log.Add(sender.EventWarning, toneWarning, "Local outcomes apply to HTTP/2: the binary gateway answers this send normally")
		return func() {}
	}
	sim, err := c.simulator()
	if err != nil {
		return func() {}
	}
	f, err := o.faultRule(len(job.ns), 1+sender.DefaultRetries)
	if err != nil { // the rules above are constants: a test catches this
		panic(err)
	}
	sim.ClearFaults()
	sim.AddFaultRule(f)
	return sim.ClearFaults
}
