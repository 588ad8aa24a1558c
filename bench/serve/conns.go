package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"apnsconsole/sender/apnstest"

	"golang.org/x/net/http2"
)

// idleConnsBench has one client open 1,000 idle HTTP/2 connections (the
// default --max-conns) and then times another client's send (issue 20:
// it succeeds in <= 1 s): beyond --max-conns-per-client the first
// client's oldest idle connections are closed rather than the second
// client refused.
func idleConnsBench() {
	s := apnstest.NewServer()
	defer s.Close()
	cfg := &tls.Config{RootCAs: s.Authority.Pool(), NextProtos: []string{"h2"}, ServerName: "localhost"}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	sem := make(chan struct{}, 50)
	for i := 0; i < apnstest.DefaultMaxConns; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := tls.Dial("tcp", s.Addr, cfg)
			if err != nil {
				return
			}
			io.WriteString(c, http2.ClientPreface)
			http2.NewFramer(c, nil).WriteSettings()
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}()
	}
	wg.Wait()
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}
	start := time.Now()
	raw, err := d.Dial("tcp", s.Addr)
	if err != nil {
		fail(err.Error())
	}
	demo := tls.Certificate{Certificate: [][]byte{s.Demo.Cert.Cert.Raw}, PrivateKey: s.Demo.Cert.Key}
	tc := tls.Client(raw, &tls.Config{RootCAs: s.Authority.Pool(), NextProtos: []string{"h2"}, ServerName: "localhost", Certificates: []tls.Certificate{demo}})
	//lint:ignore SA1019 x/net's client, one connection to this address
	cc, err := (&http2.Transport{}).NewClientConn(tc)
	if err != nil {
		fail(err.Error())
	}
	defer cc.Close()
	req, _ := http.NewRequest(http.MethodPost, "https://"+s.Addr+"/3/device/"+apnstest.DemoToken, strings.NewReader(`{"aps":{"alert":"hi"}}`))
	req.Header.Set("apns-topic", apnstest.DemoBundleID)
	res, err := cc.RoundTrip(req)
	took := time.Since(start)
	status := 0
	if err == nil {
		status = res.StatusCode
		res.Body.Close()
	}
	fmt.Printf("one client holding %d idle connections (%d opened): another client's send answered %d in %v (target <= 1 s); %d connections refused\n",
		apnstest.DefaultMaxConns, len(conns), status, took.Round(time.Millisecond), s.RefusedConns())
}
