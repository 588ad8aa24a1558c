package simulator

import (
	"bytes"
	"encoding/hex"
	"net"
	"time"
)

// feedbackWriteTimeout bounds writing the feedback list to a client.
const feedbackWriteTimeout = 10 * time.Second

// Unregister puts token on the feedback list as no longer valid since at
// (as when the app was removed from the device). The gateway still takes
// notifications for it, as APNs did; the feedback service lists it once
// and forgets it, as APNs' did. Unregistering a listed token again
// changes its time.
func (g *Gateway) Unregister(token string, at time.Time) {
	key := normalToken(token)
	raw, err := hex.DecodeString(key)
	if err != nil {
		raw = []byte(key) // not hex: kept as given, so a test of odd tokens still sees it
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, t := range g.unregistered {
		if bytes.Equal(t.Token, raw) {
			g.unregistered[i].Time = at.UTC().Truncate(time.Second)
			return
		}
	}
	g.unregistered = append(g.unregistered, FeedbackTuple{Time: at.UTC().Truncate(time.Second), Token: raw})
}

// Feedback returns the tuples the feedback service will send to the next
// client, in order.
func (g *Gateway) Feedback() []FeedbackTuple {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]FeedbackTuple(nil), g.unregistered...)
}

// serveFeedback sends the feedback list right after the handshake, with
// no request, closes the connection, and forgets the list.
func (g *Gateway) serveFeedback(raw net.Conn, _ uint64) {
	tc, _, ok := g.handshake(raw)
	if !ok {
		return
	}
	defer tc.Close()
	g.mu.Lock()
	list := g.unregistered
	g.unregistered = nil
	g.mu.Unlock()
	var b []byte
	for _, t := range list {
		b = appendFeedbackTuple(b, t)
	}
	tc.SetWriteDeadline(time.Now().Add(feedbackWriteTimeout))
	if _, err := tc.Write(b); err != nil {
		g.mu.Lock()
		g.unregistered = append(list, g.unregistered...) // not delivered: keep it for the next client
		g.mu.Unlock()
	}
}
