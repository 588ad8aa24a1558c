package sender

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"golang.org/x/net/http2"

	"apnsconsole/sender/credential"
	"apnsconsole/sender/h2"
)

// ErrConnect is wrapped by every failure to reach or handshake with a
// server (h2's, so that the connection's own failures are ErrConnect too).
var ErrConnect = h2.ErrConnect

// ErrUnconfirmed marks a notification that was written to the server but
// got no answer (a timeout, a cancel, a lost connection): APNs may have
// delivered it, so check before sending it again.
var ErrUnconfirmed = errors.New("unconfirmed")

// errHandshake marks a TLS handshake that failed for a cause another
// try cannot fix (an untrusted or wrong server certificate, the client
// certificate refused): a reconnect is not tried again.
var errHandshake = errors.New("TLS handshake refused")

// DialTLS connects to addr (host:port) and completes the TLS handshake,
// emitting the DNS lookup, TCP connect and handshake as events. The host name
// is looked up afresh each time, as Apple advises.
func DialTLS(ctx context.Context, addr string, cfg *tls.Config, emit EventFunc) (*tls.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%w: %q is not host:port: write it as api.sandbox.push.apple.com:443", ErrConnect, addr)
	}
	ips, err := lookup(ctx, host, emit)
	if err != nil {
		return nil, err
	}
	var raw net.Conn
	var dialer net.Dialer
	var lastErr error
	for _, ip := range ips {
		target := net.JoinHostPort(ip, port)
		start := time.Now()
		raw, lastErr = dialer.DialContext(ctx, "tcp", target)
		if lastErr == nil {
			emit.Emit(Event{Kind: EventConnect, Text: fmt.Sprintf("Connected to %s in %s", target, FormatDuration(time.Since(start))), Duration: time.Since(start)})
			break
		}
		emit.Emit(Event{Kind: EventWarning, Text: fmt.Sprintf("Could not connect to %s: %v", target, lastErr)})
	}
	if raw == nil {
		return nil, fmt.Errorf("%w: could not connect to %s: %v: check the network, a firewall (APNs needs outgoing port %s), or the host and port", ErrConnect, addr, lastErr, port)
	}
	cfg = cfg.Clone()
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	conn := tls.Client(raw, cfg)
	start := time.Now()
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, handshakeError(addr, err)
	}
	took := time.Since(start)
	emit.Emit(handshakeEvent(host, conn.ConnectionState(), cfg, took))
	return conn, nil
}

func lookup(ctx context.Context, host string, emit EventFunc) ([]string, error) {
	if ip := net.ParseIP(host); ip != nil {
		return []string{host}, nil
	}
	start := time.Now()
	addrs, err := net.DefaultResolver.LookupHost(ctx, host)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot look up %s: %v: check the network connection and DNS", ErrConnect, host, err)
	}
	took := time.Since(start)
	emit.Emit(Event{Kind: EventDNS, Text: fmt.Sprintf("%s → %s in %s", host, strings.Join(addrs, ", "), FormatDuration(took)), Duration: took})
	return addrs, nil
}

func handshakeEvent(host string, st tls.ConnectionState, cfg *tls.Config, took time.Duration) Event {
	alpn := st.NegotiatedProtocol
	if alpn == "" {
		alpn = "none"
	}
	e := Event{
		Kind:     EventTLS,
		Text:     fmt.Sprintf("%s handshake with %s (ALPN %s, %s) in %s", tls.VersionName(st.Version), host, alpn, tls.CipherSuiteName(st.CipherSuite), FormatDuration(took)),
		Duration: took,
	}
	if len(st.PeerCertificates) > 0 {
		leaf := st.PeerCertificates[0]
		e.Detail = append(e.Detail,
			"server certificate: "+leaf.Subject.String(),
			"issued by: "+leaf.Issuer.String(),
			"valid until: "+leaf.NotAfter.UTC().Format(time.DateOnly))
	}
	if len(cfg.Certificates) > 0 && cfg.Certificates[0].Leaf != nil {
		info := credential.InspectCertificate(cfg.Certificates[0].Leaf)
		e.Detail = append(e.Detail, fmt.Sprintf("client certificate: %s (bundle id %s, team %s)", info.CommonName, cmp.Or(info.BundleID, "none"), cmp.Or(info.TeamID, "none")))
	}
	return e
}

func handshakeError(addr string, err error) error {
	var unknown x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var alert tls.AlertError
	switch {
	case errors.As(err, &unknown):
		return fmt.Errorf("%w%w: the certificate of %s is not signed by a trusted authority (%v): for Apple, install the \"AAA Certificate Services\" root; for a simulator started with `serve`, pass its ca.pem with --ca", ErrConnect, quiet{errHandshake}, addr, err)
	case errors.As(err, &hostname):
		return fmt.Errorf("%w%w: the certificate of %s is for another host (%v): check --host", ErrConnect, quiet{errHandshake}, addr, err)
	case errors.As(err, &invalid):
		return fmt.Errorf("%w%w: the certificate of %s is not valid (%v): check this computer's clock", ErrConnect, quiet{errHandshake}, addr, err)
	case errors.As(err, &alert):
		return fmt.Errorf("%w%w: %s refused the TLS handshake (%v): the server did not accept the client certificate; check that it is an APNs certificate for this environment", ErrConnect, quiet{errHandshake}, addr, err)
	}
	return fmt.Errorf("%w: TLS handshake with %s failed: %v", ErrConnect, addr, err)
}

// dialH2 connects to addr with cred, completes TLS and starts HTTP/2, all
// within ctx: the one way both clients reach a server. A GOAWAY the server
// sends later is reported on emit as it arrives. notH2 ends the error for
// a server that does not negotiate HTTP/2 (a question to the user).
func dialH2(ctx context.Context, addr string, cred *credential.Credential, roots *x509.CertPool, emit EventFunc, notH2 string) (*h2.Conn, error) {
	host, _, _ := net.SplitHostPort(addr)
	tc, err := DialTLS(ctx, addr, cred.TLSConfig(host, roots, "h2"), emit)
	if err != nil {
		return nil, err
	}
	if p := tc.ConnectionState().NegotiatedProtocol; p != "h2" {
		tc.Close()
		return nil, fmt.Errorf("%w: %s does not speak HTTP/2 (ALPN %q): %s", ErrConnect, addr, p, notH2)
	}
	return h2.NewConn(ctx, tc, addr, func(code http2.ErrCode, debug []byte) error {
		ga := parseGoAway(addr, code, debug)
		text := fmt.Sprintf("%s sent GOAWAY (%s)", addr, ga.Code)
		if ga.Reason != "" {
			text += ": " + Printable(ga.Reason)
		}
		emit.Emit(Event{Kind: EventGoAway, Text: text, Detail: nonEmpty(Printable(ga.Debug))})
		return ga
	})
}

// quiet wraps an error for errors.Is without adding to the message.
type quiet struct{ err error }

func (q quiet) Error() string { return "" }
func (q quiet) Unwrap() error { return q.err }
