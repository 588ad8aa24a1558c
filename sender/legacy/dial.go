package legacy

import (
	"cmp"
	"context"
	"fmt"
	"net"

	"apnsconsole/sender"
)

// connection returns the open connection, or makes one. A connection the
// gateway closed while idle is replaced (and a late error response
// reported).
func (c *Client) connection(ctx context.Context) (*binaryConn, error) {
	if c.conn != nil {
		a, ended := c.conn.poll()
		if !ended {
			c.OnEvent.Emit(sender.Event{Kind: sender.EventInfo, Text: fmt.Sprintf("Reusing the connection to %s (no new handshake)", c.Addr())})
			return c.conn, nil
		}
		c.lateAnswer(c.conn, a)
		c.dropConn()
	}
	addr := c.Addr()
	host, _, _ := net.SplitHostPort(addr)
	if isAppleHost(addr) {
		if !c.warnedRetired {
			c.warnedRetired = true
			c.OnEvent.Emit(sender.Event{Kind: sender.EventWarning, Text: RetiredNotice})
		}
		c.OnEvent.Emit(sender.Event{Kind: sender.EventInfo, Text: fmt.Sprintf("Connecting to %s (Apple's binary gateway, %s)", addr, c.Environment)})
	} else {
		c.OnEvent.Emit(sender.Event{Kind: sender.EventInfo, Text: fmt.Sprintf("Connecting to %s (binary gateway, %s)", addr, cmp.Or(string(c.Environment), "no environment"))})
	}
	if c.Environment != sender.Local && c.Environment != "" && !c.Environment.Allows(c.Credential) {
		c.OnEvent.Emit(sender.Event{Kind: sender.EventWarning, Text: fmt.Sprintf("This certificate is not marked for %s (it allows %s): the gateway will likely refuse the TLS handshake", c.Environment, c.Credential.Info.Environments())})
	}
	dctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	// ALPN is offered only to recognise an HTTP/2 endpoint, which picks
	// h2; a binary gateway knows no ALPN and picks nothing.
	tc, err := sender.DialTLS(dctx, addr, c.Credential.TLSConfig(host, c.RootCAs, "h2", "http/1.1"), c.OnEvent)
	if err != nil {
		return nil, retiredError(addr, err)
	}
	if tc.ConnectionState().NegotiatedProtocol == "h2" {
		tc.Close()
		return nil, fmt.Errorf("%w: %s: %w", sender.ErrConnect, addr, ErrNotGateway)
	}
	c.handshakes++
	c.conn = newBinaryConn(tc, c.timeout())
	return c.conn, nil
}

// lateAnswer reports what ended an idle connection.
func (c *Client) lateAnswer(conn *binaryConn, a binaryAnswer) {
	switch {
	case a.packet == nil:
		c.OnEvent.Emit(sender.Event{Kind: sender.EventInfo, Text: fmt.Sprintf("The gateway closed the idle connection (%v); opening a new one", a.err)})
	case a.packet.Status != StatusShutdown && a.packet.Status != StatusNoErrors && conn.ids[a.packet.Identifier]:
		c.OnEvent.Emit(sender.Event{Kind: sender.EventWarning, Status: int(a.packet.Status), Text: fmt.Sprintf(
			"The gateway answered %s after the wait for it had ended: that notification was reported as taken, but it was refused. A longer error wait catches this.", a.packet)})
	default:
		c.OnEvent.Emit(sender.Event{Kind: sender.EventInfo, Text: fmt.Sprintf("The gateway closed the idle connection with %s; opening a new one", a.packet)})
	}
}

// dropConn closes and forgets the connection.
func (c *Client) dropConn() error {
	if c.conn == nil {
		return nil
	}
	err := c.conn.close()
	c.conn = nil
	return err
}
