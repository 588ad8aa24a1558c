package ui

import (
	"crypto/x509"
	"fmt"

	"apnsconsole/sender"
	"apnsconsole/sender/credential"
	"apnsconsole/sender/legacy"
)

// clientKey is what a sender.Client is made for: one client (one
// connection, one TLS handshake) serves every send with the same key.
type clientKey struct {
	cred   *credential.Credential
	env    sender.Environment
	host   string
	format legacy.Format // "" for HTTP/2
}

// sendJob is one send, read from the form on the UI goroutine.
type sendJob struct {
	n      *sender.Notification
	kind   credential.Kind
	env    sender.Environment
	cred   *credential.Credential // nil in Local: the simulator's demo credential of kind
	format legacy.Format          // the binary protocol's format; "" for HTTP/2
	seq    int
}

// Send sends the notification the form describes, unless one is on its
// way or the form is not ready. The button, Ctrl/Cmd+Enter and the File
// menu call it; the network work runs in the background and the result
// comes back on the UI goroutine (fyne.Do).
func (c *Console) Send() {
	if c.sending {
		return
	}
	c.validate()
	if !c.ready {
		return
	}
	n, err := c.compose()
	if err != nil {
		return
	}
	c.sends++
	job := sendJob{n: n, kind: c.credentialKind(), env: c.environment(), seq: c.sends}
	if c.binary() {
		job.format = c.binaryFormat()
	}
	if job.env != sender.Local {
		job.cred = c.creds[job.kind]
	}
	c.sending = true
	c.updateSendButton()
	c.save()
	go func() {
		c.run(job) // the log tells the outcome: the sender's events
		c.do(c.sent)
	}()
}

// run does a send on a background goroutine.
func (c *Console) run(job sendJob) {
	client, err := c.clientFor(job)
	if err != nil {
		c.log.Add(sender.EventError, toneFailure, err.Error())
		return
	}
	if job.format != "" {
		c.log.Add(kindSend, toneHeading, fmt.Sprintf("Send %d → %s (%s, binary protocol, %s) · token %s",
			job.seq, client.Addr(), envDescription(job.env), job.format.Describe(), shortToken(job.n.Token)))
	} else {
		c.log.Add(kindSend, toneHeading, fmt.Sprintf("Send %d → %s (%s) · token %s · topic %s",
			job.seq, client.Addr(), envDescription(job.env), shortToken(job.n.Token), orDefault(job.n.Topic, "(certificate default)")))
	}
	client.Send(c.ctx, job.n) // its events carry the answer or the failure
}

// sent runs on the UI goroutine when a send is over.
func (c *Console) sent() {
	c.sending = false
	c.validate()
}

// clientFor returns the client for the job's credential and environment,
// reusing the one from the previous send when they are the same, and
// closing it when they are not.
func (c *Console) clientFor(job sendJob) (sender.Sender, error) {
	cred, host := job.cred, ""
	var roots *x509.CertPool
	if job.env == sender.Local {
		sim, err := c.simulator()
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		cred = c.demo[job.kind]
		c.mu.Unlock()
		host, roots = sim.Addr, sim.Authority.Pool()
		if job.format != "" {
			gw, err := c.gateway()
			if err != nil {
				return nil, err
			}
			host = gw.Addr
		}
	}
	if cred == nil {
		return nil, fmt.Errorf("%w: choose one in the Credential section", sender.ErrNoCredential)
	}
	key := clientKey{cred: cred, env: job.env, host: host, format: job.format}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errClosing
	}
	if c.client != nil && c.clientKey == key {
		return c.client, nil
	}
	if old := c.client; old != nil {
		go old.Close()
	}
	if job.format != "" {
		c.client = &legacy.Client{
			Credential:  cred,
			Environment: job.env,
			Host:        host,
			RootCAs:     roots,
			OnEvent:     c.log.AddEvent,
			Format:      job.format,
			Now:         c.now,
		}
	} else {
		c.client = &sender.Client{
			Credential:  cred,
			Environment: job.env,
			Host:        host,
			RootCAs:     roots,
			OnEvent:     c.log.AddEvent,
			Now:         c.now,
		}
	}
	c.clientKey = key
	return c.client, nil
}

// dropClient closes the client (the credential or environment changed).
func (c *Console) dropClient() {
	c.mu.Lock()
	old := c.client
	c.client, c.clientKey = nil, clientKey{}
	c.mu.Unlock()
	if old != nil {
		go old.Close()
	}
}

func envDescription(e sender.Environment) string {
	switch e {
	case sender.Local:
		return "local simulator"
	case sender.Production:
		return "Apple production"
	}
	return "Apple sandbox"
}

func shortToken(t string) string {
	if len(t) <= 16 {
		return t
	}
	return t[:8] + "…" + t[len(t)-8:]
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
