package sender_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
)

// badChannelServer is a TLS HTTP/2 server for the channel client's bad
// network: it starts HTTP/2 on each connection, then hands every request
// (its stream id, on connection number n from 0) to onRequest, which
// answers, stalls, sends GOAWAY or hangs up as the test wants.
type badChannelServer struct {
	addr  string
	mu    sync.Mutex
	conns []net.Conn
}

func newBadChannelServer(t *testing.T, s *apnstest.Server, onRequest func(n int, fr *http2.Framer, nc net.Conn, id uint32)) *badChannelServer {
	t.Helper()
	cert, err := s.Authority.ServerCertificate()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}})
	if err != nil {
		t.Fatal(err)
	}
	b := &badChannelServer{addr: ln.Addr().String()}
	t.Cleanup(func() {
		ln.Close()
		b.mu.Lock()
		for _, c := range b.conns {
			c.Close()
		}
		b.mu.Unlock()
	})
	go func() {
		for n := 0; ; n++ {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			b.mu.Lock()
			b.conns = append(b.conns, nc)
			b.mu.Unlock()
			go b.serve(n, nc, onRequest)
		}
	}()
	return b
}

func (b *badChannelServer) serve(n int, nc net.Conn, onRequest func(int, *http2.Framer, net.Conn, uint32)) {
	defer nc.Close()
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(nc, preface); err != nil {
		return
	}
	fr := http2.NewFramer(nc, nc)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	if fr.WriteSettings() != nil {
		return
	}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				fr.WriteSettingsAck()
			}
		case *http2.MetaHeadersFrame:
			onRequest(n, fr, nc, f.StreamID)
		}
	}
}

// answerChannels answers a request with 200 and a list of channels.
func answerChannels(fr *http2.Framer, id uint32) {
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	enc.WriteField(hpack.HeaderField{Name: ":status", Value: "200"})
	enc.WriteField(hpack.HeaderField{Name: "apns-request-id", Value: "11111111-2222-3333-4444-555555555555"})
	fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: hb.Bytes(), EndHeaders: true})
	fr.WriteData(id, true, []byte(`{"channels":["dHN0"]}`))
}

func badNetworkClient(t *testing.T, s *apnstest.Server, addr string, log *apnstest.EventLog) *sender.ChannelClient {
	c := &sender.ChannelClient{Credential: demoP8(t, s), Environment: sender.Local, ManagementHost: addr, RootCAs: s.Authority.Pool(), Timeout: 2 * time.Second, OnEvent: log.Add}
	t.Cleanup(func() { c.Close() })
	return c
}

// A server that takes the request and never answers: the request ends at
// the client's Timeout as unconfirmed (it may have been carried out), and
// the next request gets a new connection.
func TestChannelClientGivesUpOnAStuckManagementServer(t *testing.T) {
	s := apnstest.NewServer()
	defer s.Close()
	srv := newBadChannelServer(t, s, func(n int, fr *http2.Framer, nc net.Conn, id uint32) {
		if n > 0 {
			answerChannels(fr, id)
		} // the first connection never answers
	})
	var log apnstest.EventLog
	c := badNetworkClient(t, s, srv.addr, &log)
	c.Timeout = 300 * time.Millisecond
	_, err := c.ListChannels(context.Background(), apnstest.DemoBundleID)
	if !errors.Is(err, sender.ErrConnect) || !errors.Is(err, sender.ErrUnconfirmed) || !strings.Contains(err.Error(), "no answer from "+srv.addr+" in time") {
		t.Fatalf("err = %v, want an unconfirmed request with no answer in time", err)
	}
	r, err := c.ListChannels(context.Background(), apnstest.DemoBundleID)
	if err != nil || r.Status != 200 || len(r.Channels) != 1 || r.RequestID == "" {
		t.Fatalf("after a stuck connection: %+v, %v", r, err)
	}
	if n := log.Count(sender.EventTLS); n != 2 {
		t.Errorf("%d handshakes, want 2 (the stuck connection is given up)", n)
	}
}

// A GOAWAY without a reason below the request's stream: the server did
// not take it, so it is sent again, once, on a new connection; twice is an
// error saying so. Each request ends with one outcome.
func TestChannelClientResendsAfterAGoAwayMidRequest(t *testing.T) {
	s := apnstest.NewServer()
	defer s.Close()
	var mu sync.Mutex
	goAways := 1
	srv := newBadChannelServer(t, s, func(n int, fr *http2.Framer, nc net.Conn, id uint32) {
		mu.Lock()
		refuse := n < goAways
		mu.Unlock()
		if refuse {
			fr.WriteGoAway(0, http2.ErrCodeNo, nil)
			nc.Close()
			return
		}
		answerChannels(fr, id)
	})
	var log apnstest.EventLog
	c := badNetworkClient(t, s, srv.addr, &log)
	r, err := c.ListChannels(context.Background(), apnstest.DemoBundleID)
	if err != nil || r.Status != 200 || len(r.Channels) != 1 {
		t.Fatalf("after one GOAWAY: %+v, %v", r, err)
	}
	if !strings.Contains(log.Text(), "sending again on a new connection") {
		t.Errorf("the resend is not told:\n%s", log.Text())
	}

	mu.Lock()
	goAways = 1000
	mu.Unlock()
	_, err = c.ListChannels(context.Background(), apnstest.DemoBundleID)
	if !errors.Is(err, sender.ErrConnect) || !strings.Contains(err.Error(), "closed the connection twice before taking the request") {
		t.Fatalf("after two GOAWAYs: %v", err)
	}
}

// A server killed with the request in flight: one error, at once (not at
// the timeout), saying it may have been carried out.
func TestChannelClientReportsAServerKilledMidRequest(t *testing.T) {
	s := apnstest.NewServer()
	defer s.Close()
	srv := newBadChannelServer(t, s, func(n int, fr *http2.Framer, nc net.Conn, id uint32) {
		nc.(*tls.Conn).NetConn().(*net.TCPConn).SetLinger(0) // a reset, as a killed process leaves
		nc.Close()
	})
	var log apnstest.EventLog
	c := badNetworkClient(t, s, srv.addr, &log)
	c.Timeout = time.Minute
	_, err := c.CreateChannel(context.Background(), apnstest.DemoBundleID, sender.NoMessageStored)
	if !errors.Is(err, sender.ErrConnect) || !errors.Is(err, sender.ErrUnconfirmed) || !strings.Contains(err.Error(), "it may have been carried out") {
		t.Fatalf("err = %v, want an unconfirmed request", err)
	}
	if strings.Contains(err.Error(), "in time") {
		t.Errorf("the failure waited for the timeout: %v", err)
	}
	if n := log.Count(sender.EventError); n != 1 {
		t.Errorf("%d error events, want 1:\n%s", n, log.Text())
	}
}
