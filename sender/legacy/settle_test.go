package legacy

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"apnsconsole/sender"
)

// ids lists the identifiers of jobs.
func ids(js []*binaryJob) []uint32 {
	var out []uint32
	for _, j := range js {
		out = append(out, j.id)
	}
	return out
}

// An error response names the notification it is about: everything
// before it was taken; for status 10 (Shutdown) it was taken too, for 1,
// 7, 8 … it was refused; exactly what follows it is resent — asserted on
// the list, not by waiting for a loop to time out.
func TestErrorResponseResendsExactlyWhatFollowsTheIdentifier(t *testing.T) {
	for _, tc := range []struct {
		status         uint8
		id             uint32
		accepted       []uint32
		rejected       uint32 // 0: none
		resent         []uint32
		unconfirmedAll bool
	}{
		{StatusShutdown, 4, []uint32{1, 2, 3, 4}, 0, []uint32{5, 6, 7, 8}, false},
		{StatusShutdown, 8, []uint32{1, 2, 3, 4, 5, 6, 7, 8}, 0, nil, false},
		{StatusShutdown, 0, nil, 0, []uint32{1, 2, 3, 4, 5, 6, 7, 8}, false}, // nothing processed
		{StatusProcessingError, 3, []uint32{1, 2}, 3, []uint32{4, 5, 6, 7, 8}, false},
		{StatusInvalidPayloadSize, 1, nil, 1, []uint32{2, 3, 4, 5, 6, 7, 8}, false},
		{StatusInvalidToken, 8, []uint32{1, 2, 3, 4, 5, 6, 7}, 8, nil, false},
		{StatusInvalidToken, 99, nil, 0, nil, true}, // names none of them
	} {
		t.Run(fmt.Sprintf("status %d id %d", tc.status, tc.id), func(t *testing.T) {
			c := &Client{Host: "gateway.test:2195"}
			results := make([]sender.Result, 8)
			var pending []*binaryJob
			for i := range 8 {
				results[i].Notification = &sender.Notification{Token: fmt.Sprintf("%064x", i+1)}
				pending = append(pending, &binaryJob{index: i, id: uint32(i + 1), sent: time.Now()})
			}
			conn := &binaryConn{ids: map[uint32]bool{}}
			resend, settled := c.settlePacket(conn, FormatFrame, pending, ErrorResponse{Status: tc.status, Identifier: tc.id}, results, time.Now())
			if got := ids(resend); !slices.Equal(got, tc.resent) {
				t.Errorf("resent %v, want %v", got, tc.resent)
			}
			if settled+len(resend) != 8 {
				t.Errorf("%d settled and %d resent of 8", settled, len(resend))
			}
			var accepted []uint32
			var rejected uint32
			for i, r := range results {
				switch {
				case r.Response != nil && r.Response.Accepted():
					accepted = append(accepted, uint32(i+1))
				case r.Response != nil:
					rejected = uint32(i + 1)
					if r.Response.Status != int(tc.status) {
						t.Errorf("identifier %d rejected with %d, want %d", i+1, r.Response.Status, tc.status)
					}
				case tc.unconfirmedAll && r.Outcome() != sender.OutcomeUnconfirmed:
					t.Errorf("identifier %d: %v, want unconfirmed", i+1, r.Outcome())
				}
			}
			if !slices.Equal(accepted, tc.accepted) || rejected != tc.rejected {
				t.Errorf("accepted %v, rejected %d; want %v and %d", accepted, rejected, tc.accepted, tc.rejected)
			}
		})
	}
}
