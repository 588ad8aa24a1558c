package sender

import "context"

// Sender is what both clients offer a front end: Client speaks Apple's
// HTTP/2 provider API, legacy.Client the retired binary protocol. The
// window and the command line hold either by this interface.
type Sender interface {
	// Send sends one notification; see Client.Send and legacy.Client.Send.
	Send(ctx context.Context, n *Notification) (*Response, error)
	// SendAll returns exactly one Result per notification, in order.
	SendAll(ctx context.Context, ns []*Notification) []Result
	// SendStream sends the notifications read from in and hands back one
	// Result per notification as it is known; see Client.SendStream.
	SendStream(ctx context.Context, in <-chan *Notification, opts BulkOptions) <-chan Result
	// Addr is the host:port the client talks to.
	Addr() string
	// Handshakes counts the TLS handshakes made so far: one per connection.
	Handshakes() int
	// Close closes the connection, if any.
	Close() error
}

var _ Sender = (*Client)(nil)
