package legacy

import (
	"context"

	"apnsconsole/sender"
)

// streamChunk is the most notifications SendStream gives one SendAll: the
// binary protocol confirms nothing, so a connection's frames are kept
// until the error wait after them has passed.
const streamChunk = 10000

// SendStream is sender.Client.SendStream for the binary protocol: it reads
// notifications from in and hands back one Result per notification (Index
// is the input order). What is ready is sent together, in chunks of up to
// 10,000, each ending with the error wait; results come when their chunk
// is settled. opts does not apply: one connection carries everything, in
// order. The caller must read the channel until it is closed.
func (c *Client) SendStream(ctx context.Context, in <-chan *sender.Notification, _ sender.BulkOptions) <-chan sender.Result {
	out := make(chan sender.Result, 64)
	go func() {
		defer close(out)
		base := 0
		for {
			n, ok := <-in
			if !ok {
				return
			}
			chunk := []*sender.Notification{n}
		gather:
			for len(chunk) < streamChunk {
				select {
				case n, ok := <-in:
					if !ok {
						break gather
					}
					chunk = append(chunk, n)
				default:
					break gather
				}
			}
			for i, r := range c.SendAll(ctx, chunk) {
				r.Index = base + i
				out <- r
			}
			base += len(chunk)
		}
	}()
	return out
}
