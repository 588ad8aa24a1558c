package sender_test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// responder is a loopback HTTP/2 server for fault tests, written on
// x/net/http2's Framer so that a test decides every frame: it answers
// SETTINGS and PING itself and hands each complete request to handle,
// which may answer it, stall, send GOAWAY or close the connection.
type responder struct {
	t        testing.TB
	ln       net.Listener
	Addr     string
	Pool     *x509.CertPool
	Settings []http2.Setting
	handle   func(c *rawConn, r rawRequest)

	authority *apnstest.Authority
	conns     atomic.Int32 // connections accepted
	requests  atomic.Int32 // requests received
	pings     atomic.Int32 // PINGs received (not acks)
	mu        sync.Mutex
	open      []*rawConn
}

type rawRequest struct {
	Stream uint32
	Header map[string]string
	Body   []byte
	N      int32 // the request's number on the server, from 1
}

// rawConn is one connection of a responder.
type rawConn struct {
	N   int32 // connection number, from 1
	nc  net.Conn
	wmu sync.Mutex
	bw  *bufio.Writer
	fr  *http2.Framer
	enc *hpack.Encoder
	buf bytes.Buffer
}

func newResponder(t testing.TB, handle func(c *rawConn, r rawRequest)) *responder {
	t.Helper()
	a, err := apnstest.NewAuthority()
	if err != nil {
		t.Fatal(err)
	}
	return newResponderAt(t, a, "127.0.0.1:0", handle)
}

// newResponderAt is a responder on addr with a certificate from a: a
// restarted server, when addr and a are an earlier one's.
func newResponderAt(t testing.TB, a *apnstest.Authority, addr string, handle func(c *rawConn, r rawRequest)) *responder {
	t.Helper()
	cert, err := a.ServerCertificate("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	r := &responder{t: t, ln: ln, Addr: ln.Addr().String(), Pool: a.Pool(), handle: handle, authority: a}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}}
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go r.serve(tls.Server(nc, cfg))
		}
	}()
	t.Cleanup(r.Close)
	return r
}

// Close stops listening and closes every connection.
func (r *responder) Close() {
	r.ln.Close()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.open {
		c.nc.Close()
	}
}

func (r *responder) serve(tc *tls.Conn) {
	defer tc.Close()
	if tc.Handshake() != nil {
		return
	}
	c := &rawConn{N: r.conns.Add(1), nc: tc, bw: bufio.NewWriter(tc)}
	r.mu.Lock()
	r.open = append(r.open, c)
	r.mu.Unlock()
	c.fr = http2.NewFramer(c.bw, tc)
	c.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	c.enc = hpack.NewEncoder(&c.buf)
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(tc, preface); err != nil {
		return
	}
	c.Do(func(fr *http2.Framer) { fr.WriteSettings(r.Settings...) })
	pending := map[uint32]*rawRequest{}
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			return
		}
		var done *rawRequest
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				c.Do(func(fr *http2.Framer) { fr.WriteSettingsAck() })
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				r.pings.Add(1)
				c.Do(func(fr *http2.Framer) { fr.WritePing(true, f.Data) })
			}
		case *http2.MetaHeadersFrame:
			req := &rawRequest{Stream: f.StreamID, Header: map[string]string{}}
			for _, hf := range f.Fields {
				req.Header[hf.Name] = hf.Value
			}
			pending[f.StreamID] = req
			if f.StreamEnded() {
				done = req
			}
		case *http2.DataFrame:
			if req := pending[f.StreamID]; req != nil {
				req.Body = append(req.Body, f.Data()...)
				if f.StreamEnded() {
					done = req
				}
			}
		}
		if done != nil {
			delete(pending, done.Stream)
			done.N = r.requests.Add(1)
			r.handle(c, *done)
		}
	}
}

// Do runs fn with the connection's framer and flushes.
func (c *rawConn) Do(fn func(fr *http2.Framer)) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	fn(c.fr)
	c.bw.Flush()
}

// Answer answers stream with status, extra headers and a body.
func (c *rawConn) Answer(stream uint32, status int, body string, header ...string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.buf.Reset()
	c.enc.WriteField(hpack.HeaderField{Name: ":status", Value: strconv.Itoa(status)})
	c.enc.WriteField(hpack.HeaderField{Name: "apns-id", Value: "01234567-89AB-CDEF-0123-456789ABCDEF"})
	for i := 0; i+1 < len(header); i += 2 {
		c.enc.WriteField(hpack.HeaderField{Name: header[i], Value: header[i+1]})
	}
	c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: c.buf.Bytes(), EndHeaders: true, EndStream: body == ""})
	if body != "" {
		c.fr.WriteData(stream, true, []byte(body))
	}
	c.bw.Flush()
}

// AnswerBody answers stream with status and a body of any size, in DATA
// frames of at most 16 KiB.
func (c *rawConn) AnswerBody(stream uint32, status int, body []byte) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.buf.Reset()
	c.enc.WriteField(hpack.HeaderField{Name: ":status", Value: strconv.Itoa(status)})
	c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: c.buf.Bytes(), EndHeaders: true})
	for len(body) > 0 {
		n := min(len(body), 16384)
		c.fr.WriteData(stream, n == len(body), body[:n])
		body = body[n:]
	}
	c.bw.Flush()
}

// Reset ends stream with RST_STREAM and code.
func (c *rawConn) Reset(stream uint32, code http2.ErrCode) {
	c.Do(func(fr *http2.Framer) { fr.WriteRSTStream(stream, code) })
}

// GoAway sends GOAWAY with the last stream the server processed.
func (c *rawConn) GoAway(last uint32, code http2.ErrCode, debug string) {
	c.Do(func(fr *http2.Framer) { fr.WriteGoAway(last, code, []byte(debug)) })
}

// Close drops the connection.
func (c *rawConn) Close() { c.nc.Close() }

// client is a Client of r with a fresh demo certificate.
func (r *responder) client(t testing.TB) *sender.Client {
	t.Helper()
	a, err := apnstest.NewAuthority()
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.NewDemo()
	if err != nil {
		t.Fatal(err)
	}
	cred, err := credential.ParseP12(d.P12, apnstest.DemoP12Password)
	if err != nil {
		t.Fatal(err)
	}
	return r.clientWith(t, cred)
}

// clientWith is a Client of r with cred.
func (r *responder) clientWith(t testing.TB, cred *credential.Credential) *sender.Client {
	c := &sender.Client{Credential: cred, Environment: sender.Local, Host: r.Addr, RootCAs: r.Pool}
	t.Cleanup(func() { c.Close() })
	return c
}

// demoKey is a fresh .p8 credential of the demo team.
func demoKey(t testing.TB) *credential.Credential {
	t.Helper()
	k, err := apnstest.NewSigningKey(apnstest.DemoKeyID, apnstest.DemoTeamID)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := credential.ParseP8(k.P8, apnstest.DemoKeyID, apnstest.DemoTeamID)
	if err != nil {
		t.Fatal(err)
	}
	return cred
}
