package ui

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
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

// bulkRunner sends a batch over one client. It calls begin(i) just before
// notification i is handed to the client, in input order, and done once
// per notification, as its result is known (so in completion order;
// Result.Index is i), always from the same goroutine. It is the seam
// between the window and the sender's streaming bulk core.
type bulkRunner interface {
	run(ctx context.Context, s sender.Sender, ns []*sender.Notification, begin func(i int), done func(r sender.Result))
}

// streamBulk sends with the sender's streaming core (SendStream): many
// notifications in flight on the client's one connection, retried as
// Apple advises, each result handed back as soon as it is known.
type streamBulk struct{ opts sender.BulkOptions }

func (b streamBulk) run(ctx context.Context, s sender.Sender, ns []*sender.Notification, begin func(int), done func(sender.Result)) {
	in := make(chan *sender.Notification)
	go func() {
		defer close(in)
		for i, n := range ns {
			begin(i)
			in <- n // SendStream reads in until it is closed, even after ctx ends
		}
	}()
	seen := make([]bool, len(ns))
	for r := range s.SendStream(ctx, in, b.opts) {
		if r.Index < 0 || r.Index >= len(ns) || seen[r.Index] {
			continue // never: one result per notification, numbered in input order
		}
		seen[r.Index] = true
		done(r)
	}
	// Exactly one result per token, whatever the sender did.
	for i, ok := range seen {
		if !ok {
			done(sender.Result{Notification: ns[i], Index: i, Err: errNoResult})
		}
	}
}

// errNoResult answers a notification the sender gave no result for.
var errNoResult = errors.New("the sender gave no result for this token: it may have been delivered: check before resending")

// eventRouter hands the client's events to the rows they belong to. In a
// send to one token every event is that row's. In a send to many, the
// requests run concurrently on the one connection: a request's event goes
// to its token's row (the row's outcome comes from its Result), and the
// connection's events (connecting, TLS, GOAWAY, retries) to the send's
// own row. Events of no send get rows of their own.
type eventRouter struct {
	log *LogPane
	mu  sync.Mutex
	cur *logEntry            // the one row of a single send
	bus *logEntry            // the connection row of a send to many
	tok map[string]*logEntry // a send to many: token → its row
	// reused is set once a send to many has told that it reuses the
	// connection: the sender says so for every request.
	reused bool
}

func (r *eventRouter) set(e *logEntry) {
	r.mu.Lock()
	r.cur, r.bus, r.tok = e, nil, nil
	r.mu.Unlock()
}

// many routes the events of a send to many tokens; rows are added with
// row as the send goes.
func (r *eventRouter) many(bus *logEntry) {
	r.mu.Lock()
	r.cur, r.bus, r.tok, r.reused = nil, bus, map[string]*logEntry{}, false
	r.mu.Unlock()
}

// row registers the row of a token in a send to many.
func (r *eventRouter) row(token string, e *logEntry) {
	r.mu.Lock()
	if r.tok != nil {
		r.tok[token] = e
	}
	r.mu.Unlock()
}

func (r *eventRouter) emit(ev sender.Event) {
	r.mu.Lock()
	cur, bus := r.cur, r.bus
	var row *logEntry
	if bus != nil && ev.Kind == sender.EventRequest {
		row = r.tok[requestToken(ev.Text)]
	}
	repeat := false
	if bus != nil && ev.Kind == sender.EventInfo && strings.HasPrefix(ev.Text, "Reusing the connection") {
		repeat, r.reused = r.reused, true
	}
	r.mu.Unlock()
	if repeat {
		return // said once per send to many
	}
	switch {
	case cur != nil:
		r.log.addToRow(cur, ev)
	case row != nil:
		r.log.addToRow(row, ev)
	case bus != nil && ev.Kind == sender.EventResponse:
		// The token's row tells its outcome from its Result.
	case bus != nil:
		r.log.addToBusRow(bus, ev)
	default:
		r.log.AddEvent(ev)
	}
}

// requestToken is the device token in a request event's text, "POST
// /3/device/TOKEN (HTTP/2)"; "" if it names none.
func requestToken(text string) string {
	_, rest, ok := strings.Cut(text, "/3/device/")
	if !ok {
		return ""
	}
	tok, _, _ := strings.Cut(rest, " ")
	return tok
}

// resultBatch hands results from the sending goroutine to the UI
// goroutine in batches: one fyne.Do for however many results arrive while
// the UI is busy, so a thousand tokens do not flood it.
type resultBatch struct {
	do    func(func())
	apply func([]sender.Result) // on the UI goroutine

	mu      sync.Mutex
	pending []sender.Result
	queued  bool
}

func (b *resultBatch) add(r sender.Result) {
	b.mu.Lock()
	b.pending = append(b.pending, r)
	queue := !b.queued
	b.queued = true
	b.mu.Unlock()
	if queue {
		b.do(b.flush)
	}
}

func (b *resultBatch) flush() {
	b.mu.Lock()
	rs := b.pending
	b.pending, b.queued = nil, false
	b.mu.Unlock()
	b.apply(rs)
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

// run does a send on a background goroutine: one row per token, each
// finished on the UI goroutine as its result comes (see resultBatch).
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
