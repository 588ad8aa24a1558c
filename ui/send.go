package ui

import (
	"context"
	"crypto/x509"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

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
	ca     string        // the custom target's CA file
	format legacy.Format // "" for HTTP/2
}

// sendJob is one press of Send, read from the form on the UI goroutine:
// a notification per valid token.
type sendJob struct {
	ns      []*sender.Notification
	kind    credential.Kind
	env     sender.Environment
	envName string                 // as chosen: sandbox, production, local, custom
	cred    *credential.Credential // nil in Local: the simulator's demo credential of kind
	host    string                 // the custom target's host:port
	roots   *x509.CertPool         // the custom target's CA
	caPath  string                 // the file it was read from
	format  legacy.Format          // the binary protocol's format; "" for HTTP/2
	outcome string                 // the simulator's answer to this send, "" for normal
	seq     int
	curl    *sender.CurlTarget // for each row's curl line; nil: none (binary protocol)
}

// bulkRunner sends a batch over one client and reports each notification
// as it starts and as it ends: exactly one done per notification. It is
// the seam where the streaming bulk core will take over.
type bulkRunner interface {
	run(ctx context.Context, s sender.Sender, ns []*sender.Notification, start func(i int), done func(i int, r sender.Result, latency time.Duration))
}

// sequentialBulk sends one notification after the other on the client's
// one connection, so that each event belongs to the send under way.
type sequentialBulk struct{}

func (sequentialBulk) run(ctx context.Context, s sender.Sender, ns []*sender.Notification, start func(int), done func(int, sender.Result, time.Duration)) {
	for i, n := range ns {
		if err := ctx.Err(); err != nil {
			done(i, sender.Result{Notification: n, Err: err}, 0)
			continue
		}
		start(i)
		t0 := time.Now()
		resp, err := s.Send(ctx, n)
		done(i, sender.Result{Notification: n, Response: resp, Err: err}, time.Since(t0))
	}
}

// eventRouter hands the client's events to the row of the send under way,
// and those of no send (the connection's) to rows of their own.
type eventRouter struct {
	log *LogPane
	mu  sync.Mutex
	cur *logEntry
}

func (r *eventRouter) set(e *logEntry) {
	r.mu.Lock()
	r.cur = e
	r.mu.Unlock()
}

func (r *eventRouter) emit(ev sender.Event) {
	r.mu.Lock()
	cur := r.cur
	r.mu.Unlock()
	if cur != nil {
		r.log.addToRow(cur, ev)
		return
	}
	r.log.AddEvent(ev)
}

// Send sends the notification the form describes to every valid token,
// unless a send is on its way or the form is not ready. The button,
// Ctrl/Cmd+Enter and the File menu call it; the network work runs in the
// background and each result comes back on the UI goroutine (fyne.Do).
func (c *Console) Send() {
	if c.sending {
		return
	}
	if c.simTarget() {
		c.sendToSimulator()
		return
	}
	c.validate()
	if !c.ready {
		return
	}
	ns, err := c.compose()
	if err != nil {
		return
	}
	c.sends++
	job := sendJob{ns: ns, kind: c.cred.chosen(), env: c.environment(), envName: c.bar.envName(), seq: c.sends, outcome: c.bar.nextOutcome()}
	if c.binary() {
		job.format = c.binaryFormat()
	}
	if !c.bar.local() {
		job.cred = c.cred.userCredential()
	}
	if c.bar.custom() {
		if job.host, job.roots, err = c.bar.customTarget(); err != nil {
			return
		}
		job.caPath = c.bar.customCA.Text
	}
	if !c.binary() {
		t := c.curlTarget()
		job.curl = &t
	}
	if job.outcome != "" {
		c.bar.outcome.SetSelected(outcomeNormal) // the next send only
	}
	for _, t := range c.dev.refused() {
		c.log.refuseRow(job.envName, t)
	}
	c.sending = true
	c.showLog()
	c.updateSendButton()
	c.bar.showProgress(0, len(ns))
	c.save()
	go func() {
		c.run(job)
		c.do(c.sent)
	}()
}

// run does a send on a background goroutine: one row per token.
func (c *Console) run(job sendJob) {
	rows := make([]*logEntry, len(job.ns))
	client, err := c.clientFor(job)
	if err != nil {
		for _, n := range job.ns {
			row := c.log.beginSend(job.envName, n.Token, "")
			c.log.finishRow(row, sender.Result{Notification: n, Err: err}, 0)
		}
		return
	}
	if job.outcome != "" {
		undo := c.applyOutcome(job)
		defer undo()
	}
	done := 0
	c.bulk.run(c.ctx, client, job.ns,
		func(i int) {
			n := job.ns[i]
			rows[i] = c.log.beginSend(job.envName, n.Token, c.heading(job, client, n, i))
			c.log.addLines(rows[i], fmt.Sprintf("payload (%d bytes):", len(n.Payload)), prettyJSON(n.Payload))
			if job.curl != nil {
				c.log.addLines(rows[i], "curl (the same request; secrets stay in $APNS_* variables):", curlText(n, job.cred, *job.curl))
			}
			c.events.set(rows[i])
		},
		func(i int, r sender.Result, latency time.Duration) {
			c.events.set(nil)
			if rows[i] == nil {
				rows[i] = c.log.beginSend(job.envName, job.ns[i].Token, "")
			}
			c.log.finishRow(rows[i], r, latency)
			done++
			d, total := done, len(job.ns)
			c.do(func() { c.bar.showProgress(d, total) })
		})
}

// heading is the first line of a send's story.
func (c *Console) heading(job sendJob, client sender.Sender, n *sender.Notification, i int) string {
	of := ""
	if len(job.ns) > 1 {
		of = fmt.Sprintf(" · %d of %d", i+1, len(job.ns))
	}
	if job.format != "" {
		return fmt.Sprintf("Send %d%s → %s (%s, binary protocol, %s) · token %s",
			job.seq, of, client.Addr(), envDescription(job.envName), job.format.Describe(), n.Token)
	}
	return fmt.Sprintf("Send %d%s → %s (%s) · token %s · topic %s · push type %s",
		job.seq, of, client.Addr(), envDescription(job.envName), n.Token, orDefault(n.Topic, "(certificate default)"), n.PushType)
}

// sent runs on the UI goroutine when a send is over.
func (c *Console) sent() {
	c.sending = false
	c.bar.showProgress(0, 0)
	c.releaseSoon()
	c.validate()
	c.log.saveHistorySoon()
}

// releaseSoon gives the garbage of a burst of sends (TLS records, JSON,
// rows redrawn) back to the system a second after the last send of the
// burst, so the window's resident memory comes back down between bursts.
func (c *Console) releaseSoon() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.release != nil {
		c.release.Reset(releaseDelay)
		return
	}
	c.release = time.AfterFunc(releaseDelay, debug.FreeOSMemory)
}

// releaseDelay is how long releaseSoon waits after the last send.
const releaseDelay = time.Second

// clientFor returns the client for the job's credential and target,
// reusing the one from the previous send when they are the same, and
// closing it when they are not.
func (c *Console) clientFor(job sendJob) (sender.Sender, error) {
	cred, host, roots := job.cred, job.host, job.roots
	if job.envName == "local" {
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
	key := clientKey{cred: cred, env: job.env, host: host, ca: job.caPath, format: job.format}
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
			OnEvent:     c.events.emit,
			Format:      job.format,
			Now:         c.now,
		}
	} else {
		c.client = &sender.Client{
			Credential:  cred,
			Environment: job.env,
			Host:        host,
			RootCAs:     roots,
			OnEvent:     c.events.emit,
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

func envDescription(name string) string {
	switch name {
	case "local":
		return "local simulator"
	case "custom":
		return "custom server"
	case "production":
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
