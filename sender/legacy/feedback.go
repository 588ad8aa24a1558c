package legacy

import (
	"bufio"
	"cmp"
	"context"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/credential"
)

// FeedbackTuple is one entry of the feedback service: a device token for
// which APNs found the app gone, and when it found out.
type FeedbackTuple struct {
	Time  time.Time // when APNs determined the app no longer exists on the device (second precision, UTC)
	Token sender.DeviceToken
}

// ErrTruncatedFeedback is returned when the feedback stream ends inside a
// tuple.
var ErrTruncatedFeedback = errors.New("feedback stream ended inside a tuple")

// ErrBadFeedback is returned for a tuple no feedback service sends: one
// with an empty device token, or a token longer than MaxTokenSize.
var ErrBadFeedback = errors.New("malformed feedback tuple")

// ErrTooMuchFeedback is returned when the stream goes on past
// MaxFeedbackTuples: a host streaming without end must not fill memory.
var ErrTooMuchFeedback = errors.New("feedback stream too long")

// MaxFeedbackTuples bounds one read of the feedback service. Its list
// holds the tokens of apps removed since the last read, which a provider
// reads daily: a few thousand for a large app. With tokens of at most
// MaxTokenSize bytes, this bounds a read's memory to about 15 MB.
const MaxFeedbackTuples = 100_000

// ReadFeedback reads feedback tuples until EOF (APNS-REFERENCE §4.5): a
// big-endian uint32 time in seconds since 1970, a uint16 token length and
// the token. On a stream cut inside a tuple it returns the whole tuples
// read so far and an error wrapping ErrTruncatedFeedback; on a tuple with
// an empty token or one over MaxTokenSize bytes, the tuples before it and
// ErrBadFeedback; on a stream longer than MaxFeedbackTuples tuples, the
// first MaxFeedbackTuples and ErrTooMuchFeedback.
func ReadFeedback(r io.Reader) ([]FeedbackTuple, error) {
	br := bufio.NewReader(r)
	var tuples []FeedbackTuple
	var head [6]byte
	for {
		if len(tuples) == MaxFeedbackTuples {
			if _, err := br.Peek(1); err == io.EOF {
				return tuples, nil
			}
			return tuples, fmt.Errorf("%w: stopped after %d tuples, the most one read takes, with the host still sending: a feedback service sends a short list and closes; check the host and port", ErrTooMuchFeedback, MaxFeedbackTuples)
		}
		n, err := io.ReadFull(br, head[:])
		if n == 0 && (err == io.EOF || err == io.ErrUnexpectedEOF) { // the end, with or without TLS close_notify
			return tuples, nil
		}
		if err != nil && n == 0 {
			return tuples, err
		}
		if err != nil {
			return tuples, fmt.Errorf("%w: after %d tuples, %d bytes of a 6-byte header came before the end (%v): read again later", ErrTruncatedFeedback, len(tuples), n, err)
		}
		secs := binary.BigEndian.Uint32(head[:4])
		size := int(binary.BigEndian.Uint16(head[4:]))
		switch {
		case size == 0:
			return tuples, fmt.Errorf("%w: after %d tuples, one with an empty device token: a feedback service names a token in every tuple; check the host and port", ErrBadFeedback, len(tuples))
		case size > MaxTokenSize:
			return tuples, fmt.Errorf("%w: after %d tuples, one with a %d-byte device token, over the %d bytes a token can have: check the host and port", ErrBadFeedback, len(tuples), size, MaxTokenSize)
		}
		token := make(sender.DeviceToken, size)
		if n, err := io.ReadFull(br, token); err != nil {
			return tuples, fmt.Errorf("%w: after %d tuples, %d of a %d-byte token came before the end (%v): read again later", ErrTruncatedFeedback, len(tuples), n, size, err)
		}
		tuples = append(tuples, FeedbackTuple{Time: time.Unix(int64(secs), 0).UTC(), Token: token})
	}
}

// AppendFeedbackTuple appends t as it travels on the wire. A token
// longer than 65535 bytes cannot be encoded and is cut (no APNs token is).
func AppendFeedbackTuple(dst []byte, t FeedbackTuple) []byte {
	token := t.Token
	if len(token) > 0xFFFF {
		token = token[:0xFFFF]
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(t.Time.Unix()))
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(token)))
	return append(dst, token...)
}

// FeedbackClient reads Apple's retired feedback service (port 2196): the
// tokens of apps removed from their devices. The service sends its list
// as soon as the TLS handshake is done, then closes, and forgets what it
// sent.
type FeedbackClient struct {
	Credential  *credential.Credential // the push certificate (.p12 or PEM)
	Environment sender.Environment     // Sandbox, Production or Local; picks Apple's host when Host is ""
	Host        string                 // host:port; "" = FeedbackHost(Environment)
	RootCAs     *x509.CertPool         // nil = the system's roots
	OnEvent     sender.EventFunc       // may be nil
	Timeout     time.Duration          // for the whole read; 0 = 30 s
	Now         func() time.Time       // nil = time.Now; for the certificate's validity
}

// Addr is the host:port the client reads from.
func (c *FeedbackClient) Addr() string {
	if c.Host != "" {
		return c.Host
	}
	return FeedbackHost(c.Environment)
}

// Fetch connects, reads every tuple until the service closes the
// connection, and returns them in the order they came.
func (c *FeedbackClient) Fetch(ctx context.Context) ([]FeedbackTuple, error) {
	tuples, err := c.fetch(ctx)
	if err != nil {
		c.OnEvent.Emit(sender.Event{Kind: sender.EventError, Text: err.Error()})
	}
	return tuples, err
}

func (c *FeedbackClient) fetch(ctx context.Context) ([]FeedbackTuple, error) {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	addr := c.Addr()
	switch {
	case c.Credential == nil:
		return nil, fmt.Errorf("%w: choose the app's push certificate: a .p12, or a PEM certificate and key", sender.ErrNoCredential)
	case c.Credential.Kind == credential.KindP8:
		return nil, fmt.Errorf("%w: a .p8 token key cannot sign in to the feedback service, which knows only TLS client certificates: choose the app's push certificate (.p12, or PEM certificate and key); with HTTP/2, APNs reports a removed app as 410 Unregistered instead", ErrCertificateRequired)
	case addr == "":
		return nil, fmt.Errorf("%w: no feedback address for the %s environment: start the simulator's gateway or give a host", sender.ErrConnect, c.Environment)
	}
	if err := c.Credential.CheckValidity(now()); err != nil {
		return nil, err
	}
	if isAppleHost(addr) {
		c.OnEvent.Emit(sender.Event{Kind: sender.EventWarning, Text: RetiredNotice})
	}
	c.OnEvent.Emit(sender.Event{Kind: sender.EventInfo, Text: fmt.Sprintf("Connecting to %s (feedback service, %s)", addr, cmp.Or(string(c.Environment), "no environment"))})
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, _, _ := net.SplitHostPort(addr)
	tc, err := sender.DialTLS(ctx, addr, c.Credential.TLSConfig(host, c.RootCAs), c.OnEvent)
	if err != nil {
		return nil, retiredError(addr, err)
	}
	defer tc.Close()
	stop := context.AfterFunc(ctx, func() { tc.NetConn().Close() })
	defer stop()
	start := time.Now()
	counter := &countingReader{r: tc}
	// The feedback service writes its list at once and closes; a server
	// that says nothing and keeps the connection open is something else,
	// most likely the gateway (port 2195), which waits for notifications.
	var silent atomic.Bool
	quiet := time.AfterFunc(FeedbackSilence, func() {
		if counter.n.Load() == 0 {
			silent.Store(true)
			tc.NetConn().Close()
		}
	})
	defer quiet.Stop()
	tuples, err := ReadFeedback(counter)
	if err != nil {
		if silent.Load() {
			return nil, fmt.Errorf("%w: %s sent nothing in %s and kept the connection open: the feedback service sends its list at once and closes, so this is not a feedback service; is it the gateway (port 2195)? Point --host at the feedback port (2196)", sender.ErrConnect, addr, FeedbackSilence)
		}
		if ctx.Err() != nil {
			return tuples, fmt.Errorf("%w: the feedback service at %s did not finish its list in %s (%v): try again later", sender.ErrConnect, addr, timeout, ctx.Err())
		}
		switch {
		case errors.Is(err, ErrTooMuchFeedback), errors.Is(err, ErrBadFeedback):
			return tuples, fmt.Errorf("%s: %w", addr, err)
		case !errors.Is(err, ErrTruncatedFeedback):
			err = fmt.Errorf("%w: reading the feedback from %s: %v", sender.ErrConnect, addr, err)
		}
		return tuples, err
	}
	took := time.Since(start)
	e := sender.Event{Kind: sender.EventResponse, Status: 200, Duration: took,
		Text: fmt.Sprintf("Read %d feedback tuple%s (%d bytes) in %s; the service has now forgotten them", len(tuples), plural(len(tuples)), counter.n.Load(), sender.FormatDuration(took))}
	for i, t := range tuples {
		if i == 20 {
			e.Detail = append(e.Detail, fmt.Sprintf("… and %d more", len(tuples)-i))
			break
		}
		e.Detail = append(e.Detail, fmt.Sprintf("%s  %s", t.Time.Format(time.RFC3339), t.Token))
	}
	c.OnEvent.Emit(e)
	return tuples, nil
}

type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// FeedbackSilence is how long the feedback service may stay silent after
// the handshake before the reader concludes it is not one.
var FeedbackSilence = 5 * time.Second
