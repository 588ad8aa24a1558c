package sender

import (
	"encoding/json"
	"fmt"

	"golang.org/x/net/http2"

	"apnsconsole/sender/h2"
)

// GoAwayError reports that the server closed the connection with a GOAWAY
// frame, with the reason APNs puts in its debug data (e.g.
// BadCertificateEnvironment). Error() escapes the server's text (see
// Printable); the fields keep it as sent.
type GoAwayError struct {
	Host   string
	Code   http2.ErrCode
	Reason string // from the debug data's {"reason": …}, raw; "" when there was none
	Debug  string // the raw debug data (print it through Printable)
}

func (e *GoAwayError) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("%s closed the connection (GOAWAY %s) before answering", e.Host, e.Code)
	}
	msg := fmt.Sprintf("%s closed the connection: %s", e.Host, Printable(e.Reason))
	if r, ok := LookupReason(e.Reason); ok {
		msg += ". " + r.Description + " " + r.Hint
	}
	return msg
}

// parseGoAway reads APNs' reason from a GOAWAY's debug data, as sent:
// the reason is the JSON string of the "reason" key (APNS-REFERENCE
// §1.2), untrimmed, like an answer's reason; Error and the front ends
// print it escaped.
func parseGoAway(addr string, code http2.ErrCode, debug []byte) *GoAwayError {
	return &GoAwayError{Host: addr, Code: code, Debug: string(debug), Reason: jsonReason(debug)}
}

// goAwayOf is the GOAWAY conn got, or nil.
func goAwayOf(conn *h2.Conn) *GoAwayError {
	ga, _ := conn.GoAway().(*GoAwayError)
	return ga
}

// jsonReason is the "reason" of a JSON body, or "".
func jsonReason(body []byte) string {
	var v struct {
		Reason string `json:"reason"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	return v.Reason
}
