package ui

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"runtime/debug"
	"strings"
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
	c.log.unselect()
	c.showLog()
	c.updateSendButton()
	c.bar.showProgress(0, len(ns))
	c.save()
	go func() {
		row := c.run(job)
		c.do(func() { c.sent(row) })
	}()
}

// run does a send on a background goroutine: one row per token, each
// finished on the UI goroutine as its result comes (see resultBatch). It
// returns the row that tells the result: the token's, or for a send to
// many the summary.
func (c *Console) run(job sendJob) *logEntry {
	rows := make([]*logEntry, len(job.ns))
	client, err := c.clientFor(job)
	if err != nil {
		var row *logEntry
		for _, n := range job.ns {
			row = c.log.beginSend(job.envName, n.Token, "")
			c.log.finishRow(row, sender.Result{Notification: n, Err: err}, 0)
		}
		return row
	}
	if job.outcome != "" {
		undo := c.applyOutcome(job)
		defer undo()
	}
	many := len(job.ns) > 1
	var bus *logEntry // a send to many: the row of its connection and its summary
	if many {
		bus = c.log.beginBulk(job.envName, c.bulkHeading(job, 0, bulkTally{}), "→ "+client.Addr())
		c.events.many(bus)
	}
	defer c.events.set(nil)
	// The payload is the same for every token: shown once per row, from
	// one set of lines.
	var payload []byte
	var payloadTitle string
	var payloadLines []string
	started := make([]time.Time, len(job.ns))
	total, finished := len(job.ns), 0
	var tally bulkTally
	batch := &resultBatch{do: c.do, apply: func(rs []sender.Result) {
		for _, r := range rs {
			row := rows[r.Index]
			if row == nil { // never begun: still one row per token
				row = c.log.beginSend(job.envName, r.Notification.Token, "")
			}
			c.log.finishRow(row, r, time.Since(started[r.Index]))
			tally.add(r)
		}
		finished += len(rs)
		c.bar.showProgress(finished, total)
		if bus != nil {
			c.log.setText(bus, c.bulkHeading(job, finished, tally), tally.tone())
		}
	}}
	c.bulk.run(c.ctx, client, job.ns,
		func(i int) {
			n := job.ns[i]
			row := c.log.beginSend(job.envName, n.Token, c.heading(job, client, n, i))
			if job.format != "" {
				c.log.setBinary(row)
			}
			if payloadLines == nil || !bytes.Equal(payload, n.Payload) {
				payload = n.Payload
				payloadTitle, payloadLines = fmt.Sprintf("payload (%d bytes):", len(n.Payload)), indentLines(prettyJSON(n.Payload))
			}
			c.log.addStory(row, payloadTitle, payloadLines)
			if job.curl != nil {
				c.log.addStory(row, "curl (the same request; secrets stay in $APNS_* variables):", indentLines(curlText(n, job.cred, *job.curl)))
			}
			rows[i], started[i] = row, time.Now()
			if many {
				c.events.row(n.Token, row)
			} else {
				c.events.set(row)
			}
		},
		batch.add)
	if bus != nil {
		return bus
	}
	return rows[0]
}

// indentLines splits text into the story's indented lines.
func indentLines(text string) []string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return lines
}

// bulkHeading is the text of the row of a send to many tokens: where it
// goes and, as results come, what they were.
func (c *Console) bulkHeading(job sendJob, done int, t bulkTally) string {
	head := fmt.Sprintf("Send %d to %d tokens (%s)", job.seq, len(job.ns), envDescription(job.envName))
	if done == 0 {
		return head
	}
	if done < len(job.ns) {
		head += fmt.Sprintf(": %d of %d answered", done, len(job.ns))
	}
	return head + ": " + t.String()
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

// sent runs on the UI goroutine when a send is over: row, the one that
// tells its result (nil if none), is selected, its story shown. A send to
// many tokens' summary moves below their rows, where the eye is.
func (c *Console) sent(row *logEntry) {
	if row != nil {
		if row.Kind != kindSend {
			c.log.moveToEnd(row)
		}
		c.log.show(row)
	}
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
	c.release = time.AfterFunc(releaseDelay, releaseMemory)
}

// releaseMemory gives the Go heap's and the C heap's free pages back;
// and the C heap's again once Fyne has let go of the textures of what
// the burst drew (textureLife).
func releaseMemory() {
	debug.FreeOSMemory()
	trimCHeap()
	time.AfterFunc(textureLife, trimCHeap)
}

// textureLife is how long after its last draw Fyne frees a texture, at
// most: main sets 5 s (internal/fynecache), and Fyne's cleaner runs every
// half of it.
const textureLife = 8 * time.Second

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
