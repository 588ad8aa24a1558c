package sender

// One notification's way to its one outcome: a connection from the pool,
// the request, and what to do with each answer or failure (send again
// after 429/500/503, go again on a new connection when the server did not
// process it, stop the send for causes no reconnection can fix).

import (
	"apnsconsole/sender/h2"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// maxUnprocessed bounds how often one notification goes again on a new
// connection because the server did not process it: the reconnects in a
// row are bounded too (MaxReconnects), this is the last guard against a
// server that takes connections and processes nothing of one
// notification.
const maxUnprocessed = 32

// route picks the slot of the pool a request goes on.
type route interface {
	slot() int
	seen(conn *h2.Conn) // after a request on conn: the pool may grow
}

// fixedSlot is one slot, always (Send).
type fixedSlot int

func (s fixedSlot) slot() int   { return int(s) }
func (fixedSlot) seen(*h2.Conn) {}

// workerRoute is one bulk sender's place in a growing pool.
type workerRoute struct {
	p *slotPicker
	w int
}

func (r workerRoute) slot() int           { return r.p.slot(r.w) }
func (r *workerRoute) seen(conn *h2.Conn) { r.p.check(conn) }

// ErrCancelled and ErrDeadline say why a send stopped: the user
// cancelled it (Ctrl+C, the window's Stop), or its overall time ran out.
var (
	ErrCancelled = errors.New("cancelled")
	ErrDeadline  = errors.New("the send's overall time limit passed")
)

// deliver sends n until it has its one outcome. stop, when set, ends a
// bulk send at the first cause that would fail every send: no connection
// (after the reconnects allowed), or APNs refusing the credential, the
// provider token or the topic. A GOAWAY or a lost connection ends only
// that connection.
func (c *Client) deliver(ctx context.Context, n *Notification, topic string, rt route, pol retryPolicy, stop *bulkStop) Result {
	res := Result{Notification: n}
	retries := 0
	jwtRetried := false
	for {
		if stop != nil {
			if err := stop.get(); err != nil {
				return giveUp(res, err)
			}
		}
		if ctx.Err() != nil {
			return giveUp(res, fmt.Errorf("not sent: %w", cancelCause(ctx)))
		}
		conn, err := c.connection(ctx, rt.slot())
		if err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("not sent: %w", cancelCause(ctx))
			} else if stop != nil {
				err = stop.set(err)
			}
			return giveUp(res, err)
		}
		res.Attempts++
		resp, usedJWT, written, err := c.roundTrip(ctx, conn, n, topic)
		if !written {
			res.Attempts-- // it never left
		}
		rt.seen(conn)
		if err == nil {
			res.Response = resp
			if resp.Reason == "ExpiredProviderToken" && usedJWT != "" && !jwtRetried && c.renewJWT(usedJWT) {
				jwtRetried = true
				c.OnEvent.Emit(Event{Kind: EventInfo, Text: "APNs called the provider token stale; sending again with a new one"})
				continue
			}
			if resp.Status == http.StatusServiceUnavailable && resp.Reason == "Shutdown" {
				conn.Drain() // the server is going away: the retry, and the rest, go on a new connection
			}
			if retryableStatus(resp.Status) && retries < pol.status {
				retries++
				if c.backOff(ctx, retries, resp) == nil {
					continue
				}
			}
			if stop != nil && sendEnding(resp.Reason) {
				stop.set(rejectionCause(c.Addr(), resp))
			}
			return res
		}
		res.Response = nil
		if errors.Is(err, h2.ErrNotProcessed) {
			// The server did not process it (a GOAWAY below its stream,
			// REFUSED_STREAM, the connection gone before it was written):
			// not an attempt, and not a retry; it goes again on a new
			// connection unless the GOAWAY's reason ends the send.
			if written {
				res.Attempts--
			}
			ga := goAwayOf(conn)
			if ga != nil && sendEnding(ga.Reason) {
				res.Err = error(ga)
				if stop != nil {
					res.Err = stop.set(ga)
				}
				return res
			}
			if ga != nil && ga.Reason == "ExpiredProviderToken" && usedJWT != "" {
				c.renewJWT(usedJWT) // the next connection starts with a new one
			}
			if res.Unprocessed++; res.Unprocessed > maxUnprocessed {
				res.Err = fmt.Errorf("%w: %s closed the connection %d times before taking this notification: try again later", ErrConnect, c.Addr(), res.Unprocessed)
				return res
			}
			c.OnEvent.Emit(Event{Kind: EventInfo, Text: "The server closed the connection before taking the request; sending it again on a new connection"})
			continue
		}
		switch {
		case !written && ctx.Err() != nil:
			res.Err = fmt.Errorf("not sent: %w", cancelCause(ctx))
		case !written && errors.Is(err, h2.ErrAnswerTimeout):
			res.Err = fmt.Errorf("%w: not sent: %s allowed no stream for it within %v", ErrConnect, c.Addr(), c.timeout())
		case !written:
			res.Err = fmt.Errorf("%w: not sent: %v", ErrConnect, err)
		case ctx.Err() != nil:
			res.Err = fmt.Errorf("%w: %w while waiting for the answer: it may have been delivered: check before resending", ErrUnconfirmed, cancelCause(ctx))
		case errors.Is(err, h2.ErrAnswerTimeout):
			// A server that leaves a request unanswered this long is stuck
			// (or stopped): give up the connection, so that the requests
			// behind this one fail now instead of each waiting its time.
			conn.Fail(fmt.Errorf("%w: %s stopped answering (no answer within %v)", ErrConnect, c.Addr(), c.timeout()))
			res.Err = fmt.Errorf("%w: no answer from %s within %v: it may have been delivered: check before resending", ErrUnconfirmed, c.Addr(), c.timeout())
		default:
			res.Err = fmt.Errorf("%w: %v after the request was sent: it may have been delivered: check before resending", ErrUnconfirmed, err)
		}
		if res.Unconfirmed() && pol.resendUnconfirmed && retries < pol.status && ctx.Err() == nil {
			// The user chose duplicates over gaps (--resend-unconfirmed).
			retries++
			c.OnEvent.Emit(Event{Kind: EventWarning, Text: "No answer after the request was sent; sending it again as asked (--resend-unconfirmed): the device may get it twice"})
			if c.backOff(ctx, retries, nil) == nil {
				res.Err = nil
				continue
			}
		}
		return res
	}
}

// giveUp ends res before a request: a retry that could not be made
// leaves the last answer standing (exactly one of Response and Err).
func giveUp(res Result, err error) Result {
	if res.Response == nil {
		res.Err = err
	}
	return res
}

// rejectionCause is the cause that stops a bulk send after an answer
// whose reason no reconnection can fix.
func rejectionCause(addr string, r *Response) error {
	desc, hint := r.Explanation()
	return fmt.Errorf("%s answered %d %s: %s %s", addr, r.Status, Printable(r.Reason), desc, hint)
}

func (c *Client) roundTrip(ctx context.Context, conn *h2.Conn, n *Notification, topic string) (resp *Response, jwt string, written bool, err error) {
	req, jwt, err := c.request(n, topic)
	if err != nil {
		return nil, "", false, err
	}
	if c.OnEvent != nil {
		c.OnEvent.Emit(requestEvent(req, n))
	}
	start := time.Now()
	ans, written, err := conn.RoundTrip(ctx, req, c.timeout())
	if err != nil {
		return nil, jwt, written, err
	}
	resp = &Response{
		Token:    n.Token,
		Host:     c.Addr(),
		Status:   ans.Status,
		ApnsID:   ans.ApnsID,
		UniqueID: ans.UniqueID,
		Duration: time.Since(start),
	}
	resp.RetryAfter = parseRetryAfter(ans.RetryAfter, time.Now())
	if len(ans.Body) > 0 {
		var answer struct {
			Reason    string `json:"reason"`
			Timestamp int64  `json:"timestamp"`
		}
		if err := json.Unmarshal(ans.Body, &answer); err != nil && resp.Status != http.StatusOK {
			resp.Reason = strings.TrimSpace(string(ans.Body))
		} else {
			resp.Reason = answer.Reason
			if answer.Timestamp > 0 {
				resp.Timestamp = time.UnixMilli(answer.Timestamp)
			}
		}
	}
	if c.OnEvent != nil {
		c.OnEvent.Emit(responseEvent(resp))
	}
	return resp, jwt, true, nil
}
