package api

import (
	"net/http"
	"testing"
	"time"

	"apnsconsole/simulator"
)

// BenchmarkAppendEvent is the event stream's cost per answered request and
// stream.
func BenchmarkAppendEvent(b *testing.B) {
	rec := simulator.Record{Time: time.Now(), Conn: 3, Remote: "127.0.0.1:53211", Auth: "token", Method: "POST",
		Path: "/3/device/740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad", Token: "740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad",
		Topic: "com.example.demo", PushType: "alert", Priority: 10, Payload: []byte(`{"aps":{"alert":"Hello"}}`), Status: 200,
		ApnsID: "2A9CE404-EA4C-459C-B94C-160FAD47E99A", UniqueID: "3b73fd6e-928c-4468-ad8b-a30fa2b13e3b", PayloadSize: 25,
		Header: http.Header{"Apns-Topic": {"com.example.demo"}}, TeamID: "DEF123GHIJ", KeyID: "ABC123DEFG"}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = appendEvent(buf[:0], rec)
	}
}
