package sender

import (
	"cmp"
	"context"
	"sync"
)

// DefaultConcurrency is how many notifications a bulk send keeps in flight
// per connection when BulkOptions.Concurrency is 0; the server's
// SETTINGS_MAX_CONCURRENT_STREAMS lowers it when smaller.
const DefaultConcurrency = 100

// DefaultRetries is how often a bulk send sends a notification again after
// 429, 500 or 503. (One a GOAWAY left unprocessed always goes again on a
// new connection: the server never had it, so that is no retry.)
const DefaultRetries = 2

// NoRetries turns retries off in BulkOptions.Retries.
const NoRetries = -1

// BulkOptions tune SendStream. The zero value is the defaults.
type BulkOptions struct {
	// Concurrency is the most notifications in flight per connection;
	// 0 = DefaultConcurrency. Each connection also keeps to its server's
	// SETTINGS_MAX_CONCURRENT_STREAMS, as it changes.
	Concurrency int
	// Connections spreads the send over this many connections; 0 = 1.
	// While a server grants fewer streams per connection than Concurrency
	// (after its first answer), more are opened, up to 16 in all (or
	// Connections, when more).
	Connections int
	// Retries is how often a notification is sent again after 429, 500,
	// 503 (with exponential back-off and jitter, or the server's
	// Retry-After); 0 = DefaultRetries, NoRetries for none. 400, 403, 410
	// and 413 are never sent again.
	Retries int
	// ResendUnconfirmed sends a notification again (within Retries) when
	// it was written and the connection ended before its answer: for
	// users who prefer a duplicate on a device to a gap. Off by default:
	// such a notification is reported unconfirmed.
	ResendUnconfirmed bool
}

func (o BulkOptions) retries() int {
	if o.Retries < 0 {
		return 0
	}
	return cmp.Or(o.Retries, DefaultRetries)
}

// bulkStop holds the failure that ends a bulk send early: once the
// connection cannot be made (refused, a handshake timeout, a TLS error,
// MaxReconnects failed in a row) or APNs refuses the credential, the
// provider token or the topic, every remaining notification is answered
// at once with that cause (one *StoppedError shared by all) instead of
// each waiting for its own.
type bulkStop struct {
	mu  sync.Mutex
	err error
}

func (s *bulkStop) get() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// set records the cause, if none is yet, and returns the one that holds.
func (s *bulkStop) set(err error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		se := StopCause(err)
		if se == nil {
			se = &StoppedError{Cause: err}
		}
		s.err = se
	}
	return s.err
}

// SendStream sends the notifications read from in, as they come, and
// hands back one Result per notification on the returned channel as soon
// as it is known (so in completion order; Result.Index is the input
// order). The channel is closed after the last result, once in is closed
// (or ctx ends: the notifications still in in are then read and answered
// as not sent). The caller must read the channel until it is closed.
// Memory does not grow with the number of notifications.
func (c *Client) SendStream(ctx context.Context, in <-chan *Notification, opts BulkOptions) <-chan Result {
	conc := cmp.Or(opts.Concurrency, DefaultConcurrency)
	conns := max(opts.Connections, 1)
	pol := retryPolicy{status: opts.retries(), resendUnconfirmed: opts.ResendUnconfirmed}
	out := make(chan Result, conc)
	var stop bulkStop
	var checked payloadCheck
	var ready sync.Once
	picker := newSlotPicker(conc*conns, conns)
	// The workers take the notifications from in themselves, numbering
	// them in the order read.
	var take sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for w := range conc * conns {
		rt := &workerRoute{picker, w} // one per sender: no allocation per notification
		wg.Go(func() {
			for {
				take.Lock()
				n, ok := <-in
				index := next
				next++
				take.Unlock()
				if !ok {
					return
				}
				out <- c.deliverOne(ctx, n, index, rt, pol, &stop, &ready, &checked)
			}
		})
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// deliverOne checks one notification of a bulk send and sends it.
func (c *Client) deliverOne(ctx context.Context, n *Notification, index int, rt route, pol retryPolicy, stop *bulkStop, ready *sync.Once, checked *payloadCheck) Result {
	ready.Do(func() {
		if err := c.ready(); err != nil {
			stop.set(err) // one cause for every notification
		}
	})
	fail := func(err error) Result { return Result{Notification: n, Index: index, Err: err} }
	if err := stop.get(); err != nil {
		return fail(err)
	}
	if err := n.validateHeaders(); err != nil {
		return fail(err)
	}
	if err := checked.validate(n); err != nil {
		return fail(err)
	}
	topic, err := n.ResolveTopic(c.Credential)
	if err != nil {
		return fail(err)
	}
	r := c.deliver(ctx, n, topic, rt, pol, stop)
	r.Index = index
	return r
}

// SendAll sends every notification with SendStream's defaults and returns
// exactly one Result per notification, in order.
func (c *Client) SendAll(ctx context.Context, ns []*Notification) []Result {
	in := make(chan *Notification)
	go func() {
		defer close(in)
		for _, n := range ns {
			in <- n
		}
	}()
	results := make([]Result, len(ns))
	for r := range c.SendStream(ctx, in, BulkOptions{}) {
		results[r.Index] = r
	}
	return results
}

// payloadCheck remembers the last payload found valid, so that a bulk
// send of one payload to many tokens (the notifications share its bytes)
// checks it once. The payload's bytes must not change during the send.
type payloadCheck struct {
	mu    sync.Mutex
	last  []byte
	limit int
}

func (p *payloadCheck) validate(n *Notification) error {
	limit := n.pushType().MaxPayload()
	pl := n.Payload
	p.mu.Lock()
	same := len(pl) > 0 && len(pl) == len(p.last) && &pl[0] == &p.last[0] && limit == p.limit
	p.mu.Unlock()
	if same {
		return nil
	}
	if err := ValidatePayload(pl, limit); err != nil {
		return err
	}
	p.mu.Lock()
	p.last, p.limit = pl, limit
	p.mu.Unlock()
	return nil
}
