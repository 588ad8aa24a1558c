package sender

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Response is APNs' answer to one notification.
type Response struct {
	Token     string
	Host      string // host:port that answered
	Status    int
	Reason    string    // "" when accepted; as the server sent it (Summary escapes it, see Printable)
	ApnsID    string    // apns-id: the request's, or the one APNs made
	UniqueID  string    // apns-unique-id (sandbox only): look it up in Apple's Push Notifications Console
	Timestamp time.Time // 410 only: when APNs learnt the token stopped being valid
	Duration  time.Duration
	// RetryAfter is the server's Retry-After (429, 503), or 0.
	RetryAfter time.Duration
}

// Accepted reports whether APNs took the notification (status 200).
func (r *Response) Accepted() bool { return r != nil && r.Status == http.StatusOK }

// Explanation is Apple's description of the reason and a hint for the
// user; for unknown reasons, a generic line naming the status.
func (r *Response) Explanation() (description, hint string) {
	if r.Accepted() {
		return "Accepted by APNs.", ""
	}
	if reason, ok := LookupReason(r.Reason); ok {
		return reason.Description, reason.Hint
	}
	return unknownReason(r.Status, r.Reason), ""
}

// Summary is one line: "200 OK · apns-id …" or "410 Unregistered · …".
func (r *Response) Summary() string {
	if r.Accepted() {
		return fmt.Sprintf("200 OK · apns-id %s", r.ApnsID)
	}
	desc, hint := r.Explanation()
	s := fmt.Sprintf("%d %s · %s", r.Status, cmp.Or(Printable(r.Reason), http.StatusText(r.Status)), desc)
	if hint != "" {
		s += " " + hint
	}
	return s
}

// Result is the outcome of one notification of a bulk send: exactly one of
// Response (APNs answered) and Err is set; Outcome says which of the four
// it is. Err wraps ErrUnconfirmed when the request was written but not
// answered (it may have been delivered), ErrConnect when it was not sent
// for want of a connection, a *StoppedError when the send stopped for a
// cause shared by every notification, and the input error when it was
// refused before sending.
type Result struct {
	Notification *Notification
	Response     *Response
	Err          error
	Index        int // the notification's place in the bulk send's input, from 0
	Attempts     int // requests written for it and processed (or maybe processed): 0 when never sent, more than 1 after retries
	// Unprocessed counts the times it went again on a new connection
	// because the server had not processed it (a GOAWAY below its stream,
	// REFUSED_STREAM): not retries, and not in Attempts.
	Unprocessed int
}

// Unconfirmed reports a notification written but never answered: it may
// have been delivered, so check before sending it again.
func (r Result) Unconfirmed() bool { return r.Err != nil && errors.Is(r.Err, ErrUnconfirmed) }

// unknownReason describes an answer whose reason is not in the tables:
// none at all, or one this version does not know.
func unknownReason(status int, reason string) string {
	if reason == "" {
		return fmt.Sprintf("APNs answered %d %s without a reason.", status, http.StatusText(status))
	}
	return fmt.Sprintf("APNs answered %d with reason %q, which this version does not know.", status, reason)
}
