package sender

import (
	"apnsconsole/sender/h2"
	"cmp"
	"fmt"
	"net/http"
	"time"
)

// requestEvent shows the request line, headers and body; the provider
// token is never shown.
func requestEvent(req *h2.Request, n *Notification) Event {
	e := Event{Kind: EventRequest, Text: fmt.Sprintf("POST %s (HTTP/2)", req.Path)}
	for _, name := range []string{"apns-topic", "apns-push-type", "apns-priority", "apns-expiration", "apns-collapse-id", "apns-id", "content-type"} {
		for _, h := range req.Header {
			if h[0] == name && h[1] != "" {
				e.Detail = append(e.Detail, name+": "+h[1])
			}
		}
	}
	if req.Auth != "" {
		e.Detail = append(e.Detail, "authorization: bearer <provider token, not shown>")
	}
	e.Detail = append(e.Detail, fmt.Sprintf("body (%d bytes): %s", len(n.Payload), n.Payload))
	return e
}

func responseEvent(r *Response) Event {
	e := Event{Kind: EventResponse, Status: r.Status, Duration: r.Duration}
	if r.Accepted() {
		e.Text = fmt.Sprintf("200 OK in %s · apns-id %s", FormatDuration(r.Duration), r.ApnsID)
	} else {
		desc, hint := r.Explanation()
		e.Text = fmt.Sprintf("%d %s in %s · %s", r.Status, cmp.Or(Printable(r.Reason), http.StatusText(r.Status)), FormatDuration(r.Duration), desc)
		if hint != "" {
			e.Detail = append(e.Detail, "hint: "+hint)
		}
		if r.ApnsID != "" {
			e.Detail = append(e.Detail, "apns-id: "+r.ApnsID)
		}
	}
	if r.UniqueID != "" {
		e.Detail = append(e.Detail, "apns-unique-id: "+r.UniqueID+" (look it up in Apple's Push Notifications Console delivery log)")
	}
	if !r.Timestamp.IsZero() {
		e.Detail = append(e.Detail, "token invalid since: "+r.Timestamp.UTC().Format(time.RFC3339Nano))
	}
	return e
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{"debug data: " + s}
}
