package sender

import (
	"context"
	"sync"
)

// BulkWorkers is how many notifications SendAll keeps in flight on its one
// connection.
const BulkWorkers = 8

// SendAll sends every notification over the client's connection, several
// at a time, and returns exactly one Result per notification, in order.
func (c *Client) SendAll(ctx context.Context, ns []*Notification) []Result {
	results := make([]Result, len(ns))
	jobs := make(chan int)
	var wg sync.WaitGroup
	workers := min(BulkWorkers, len(ns))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				resp, err := c.Send(ctx, ns[i])
				results[i] = Result{Notification: ns[i], Response: resp, Err: err}
			}
		}()
	}
	for i := range ns {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}
