package apnstest_test

import (
	"context"
	"fmt"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// A Go test waits for what its code sent, and marks a token unregistered,
// with no HTTP and no sleep.
func ExampleServer_Wait() {
	s := apnstest.NewServer()
	defer s.Close()
	cred, _ := credential.ParseP8(s.Demo.Key.P8, apnstest.DemoKeyID, apnstest.DemoTeamID)
	c := &sender.Client{Credential: cred, Environment: sender.Local, Host: s.Addr, RootCAs: s.Authority.Pool()}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// The code under test sends.
	p, _ := sender.BuildPayload(sender.Message{Body: "Your order has shipped"})
	c.Send(ctx, &sender.Notification{Token: apnstest.DemoToken, Topic: apnstest.DemoBundleID, Payload: p})

	recs, err := s.Wait(ctx, "token:"+apnstest.DemoToken+` "order has shipped"`, 1)
	fmt.Println(len(recs), err, recs[0].Status)

	s.SetToken(apnstest.TokenState{Token: apnstest.DemoToken, Unregistered: time.Now()})
	resp, _ := c.Send(ctx, &sender.Notification{Token: apnstest.DemoToken, Topic: apnstest.DemoBundleID, Payload: p})
	fmt.Println(resp.Status, resp.Reason)
	// Output:
	// 1 <nil> 200
	// 410 Unregistered
}
