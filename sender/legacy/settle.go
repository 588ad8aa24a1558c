package legacy

// Settling a round on one connection: from the gateway's error response,
// or from a close without one, which notifications were taken, which one
// was refused, which are unconfirmed, and exactly which go again.

import (
	"fmt"
	"time"

	"apnsconsole/sender"
)

// settlePacket decides from an error response which notifications the
// gateway took, which it refused and which it dropped (to send again).
func (c *Client) settlePacket(conn *binaryConn, format Format, pending []*binaryJob, p ErrorResponse, results []sender.Result, now time.Time) ([]*binaryJob, int) {
	st := LookupStatus(p.Status)
	e := sender.Event{Kind: sender.EventResponse, Status: int(p.Status), Text: "Error response: " + p.String(), Detail: []string{
		fmt.Sprintf("bytes: % x", p.Bytes()),
		"hint: " + st.Hint,
	}}
	defer func() { c.OnEvent.Emit(e) }() // with what it settled
	if !format.HasIdentifiers() {
		if len(pending) == 1 {
			c.reject(pending[0], st, results, now)
			return nil, 1
		}
		c.settleAll(pending, results, fmt.Errorf("%w: the gateway answered %s and closed the connection after %d simple-format notifications; the simple format has no identifiers, so which one it refused is unknown, and the ones after it were dropped: send them with the enhanced or frame format to find out",
			ErrUnconfirmed, st, len(pending)))
		return nil, len(pending)
	}
	pos := -1
	for k, j := range pending {
		if j.id == p.Identifier {
			pos = k
			break
		}
	}
	taken := func(js []*binaryJob) {
		c.accept(js, results, now)
		if len(js) > 0 {
			e.Detail = append(e.Detail, fmt.Sprintf("taken on this connection: %d notification%s%s", len(js), plural(len(js)), idRange(format, js)))
		}
	}
	switch {
	case p.Status == StatusShutdown || p.Status == StatusNoErrors:
		taken(pending[:pos+1])
		return pending[pos+1:], pos + 1
	case pos >= 0:
		taken(pending[:pos])
		c.reject(pending[pos], st, results, now)
		return pending[pos+1:], pos + 1
	case conn.ids[p.Identifier]:
		c.OnEvent.Emit(sender.Event{Kind: sender.EventWarning, Status: int(p.Status), Text: fmt.Sprintf(
			"Identifier %d was sent in an earlier batch and reported as taken, but the gateway refused it. A longer error wait catches this.", p.Identifier)})
		return pending, 0
	case len(pending) == 1:
		c.reject(pending[0], st, results, now)
		return nil, 1
	}
	c.settleAll(pending, results, fmt.Errorf("%w: the gateway answered %s, which names none of the %d notifications on the connection, and closed it: whether they arrived is unknown",
		ErrUnconfirmed, p, len(pending)))
	return nil, len(pending)
}

// settleClosed handles a connection that ended without an error
// response: what never left is sent again, what left is unconfirmed.
func (c *Client) settleClosed(format Format, pending []*binaryJob, flushed int64, why error, results []sender.Result) ([]*binaryJob, int) {
	var sent, unsent []*binaryJob
	for _, j := range pending {
		if j.end <= flushed {
			sent = append(sent, j)
		} else {
			unsent = append(unsent, j)
		}
	}
	if len(sent) == 0 {
		return unsent, 0
	}
	closed := "closed the connection"
	if why != nil {
		closed = fmt.Sprintf("closed the connection (%v)", why)
	}
	var err error
	switch {
	case !format.HasIdentifiers() && len(sent) == 1:
		err = fmt.Errorf("%w: the gateway %s right after this notification, without an error response: with the simple format that is how APNs refuses a notification, giving no reason; send it with the enhanced or frame format to learn why",
			ErrUnconfirmed, closed)
	case !format.HasIdentifiers():
		err = fmt.Errorf("%w: the gateway %s without an error response after %d simple-format notifications: it refused one and dropped the ones after it, but the simple format has no identifiers to tell which; send them with the enhanced or frame format to find out",
			ErrUnconfirmed, closed, len(sent))
	default:
		err = fmt.Errorf("%w: the gateway %s without an error response after %d notifications: whether they arrived is unknown (an error response is lost when the connection is reset)",
			ErrUnconfirmed, closed, len(sent))
	}
	c.OnEvent.Emit(sender.Event{Kind: sender.EventError, Text: err.Error()})
	c.settleAll(sent, results, err)
	return unsent, len(sent)
}

func (c *Client) accept(js []*binaryJob, results []sender.Result, now time.Time) {
	for _, j := range js {
		r := &results[j.index]
		r.Response = &sender.Response{Token: r.Notification.Token, Host: c.Addr(), Status: 200, Duration: now.Sub(j.sent)}
	}
}

func (c *Client) reject(j *binaryJob, st Status, results []sender.Result, now time.Time) {
	r := &results[j.index]
	r.Response = &sender.Response{Token: r.Notification.Token, Host: c.Addr(), Status: int(st.Code), Reason: st.Name, Duration: now.Sub(j.sent)}
}

func (c *Client) settle(j *binaryJob, results []sender.Result, err error) {
	results[j.index].Err = err
}

func (c *Client) settleAll(js []*binaryJob, results []sender.Result, err error) {
	for _, j := range js {
		c.settle(j, results, err)
	}
}
