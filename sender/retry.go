package sender

// Retries as Apple advises: 429, 500, 503 and streams the server did not
// process go again with exponential back-off and jitter (Retry-After where
// the server gives one); 400, 403, 410 and 413 never do.

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryBase is the first retry's back-off; each further one doubles it,
// up to RetryCap, with jitter. MaxRetryAfter caps a server's Retry-After.
var (
	RetryBase     = 200 * time.Millisecond
	RetryCap      = 10 * time.Second
	MaxRetryAfter = 2 * time.Minute
)

// retryPolicy says how often a notification is sent again after 429, 500
// and 503 (status), and whether one written and not answered is sent
// again too (resendUnconfirmed, within the same count). A request the
// server did not process always goes again: that is not a retry.
type retryPolicy struct {
	status            int
	resendUnconfirmed bool
}

// retryableStatus reports the answers Apple advises to retry later.
func retryableStatus(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusInternalServerError || status == http.StatusServiceUnavailable
}

// cancelCause names why ctx ended in the user's words.
func cancelCause(ctx context.Context) error {
	cause := context.Cause(ctx)
	if errors.Is(cause, context.Canceled) {
		return ErrCancelled
	}
	if errors.Is(cause, context.DeadlineExceeded) {
		return ErrDeadline
	}
	return cause
}

// renewJWT drops the provider token used after APNs called it stale and
// reports whether a different one is now available: the 20-minute guard
// of credential.ProviderToken keeps a fresh token from being renewed.
func (c *Client) renewJWT(used string) bool {
	now := c.now()
	c.jwt.Expire(now)
	cur, _, err := c.jwt.Get(c.Credential, now)
	return err == nil && cur != used
}

// backOff waits before retry number try: Retry-After when the server gave
// one, else exponential back-off with jitter.
func (c *Client) backOff(ctx context.Context, try int, resp *Response) error {
	d := retryDelay(try, resp)
	c.OnEvent.Emit(Event{Kind: EventInfo, Text: fmt.Sprintf("Waiting %s before sending again (retry %d)", FormatDuration(d), try)})
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retryDelay is the wait before retry number try: the server's
// Retry-After, at most MaxRetryAfter, or else backOffDelay.
func retryDelay(try int, resp *Response) time.Duration {
	if resp != nil && resp.RetryAfter > 0 {
		return min(resp.RetryAfter, MaxRetryAfter)
	}
	return backOffDelay(try)
}

func backOffDelay(try int) time.Duration {
	d := RetryBase << min(try-1, 16)
	d = min(d, RetryCap)
	// Jitter: between half and the whole of d.
	return d/2 + rand.N(d/2+1)
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
