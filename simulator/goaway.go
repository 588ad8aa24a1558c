package simulator

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/json"
	"io"
	"time"

	"golang.org/x/net/http2"
)

// refuseTimeout bounds the whole refusal: reading the preface, writing
// the frames and waiting for the client to hang up.
const refuseTimeout = 2 * time.Second

// refuse ends a connection the way APNs ends one it won't serve (a
// certificate for the other environment, APNS-REFERENCE §1.2, §9.5): it
// reads the client preface, sends SETTINGS and then
// GOAWAY(LastStreamID 0, NO_ERROR, debug data {"reason": reason}), closes
// its side and waits briefly for the client to close, so that unread
// client bytes don't turn the close into a reset that could swallow the
// GOAWAY.
func (s *Server) refuse(tc *tls.Conn, c *conn, reason string) {
	defer tc.Close()
	s.record(Record{Time: s.Now(), Conn: c.id, Remote: c.remote, Auth: c.auth,
		Status: statusOf(reason), Reason: reason, GoAway: true}, nil)

	tc.SetDeadline(time.Now().Add(refuseTimeout))
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(tc, preface); err != nil || !bytes.Equal(preface, []byte(http2.ClientPreface)) {
		return
	}
	debug, _ := json.Marshal(struct {
		Reason string `json:"reason"`
	}{reason})
	bw := bufio.NewWriter(tc)
	fr := http2.NewFramer(bw, nil)
	if fr.WriteSettings(s.settings()...) != nil || fr.WriteGoAway(0, http2.ErrCodeNo, debug) != nil || bw.Flush() != nil {
		return
	}
	tc.CloseWrite()
	io.Copy(io.Discard, tc) // until the client closes or the deadline passes
}
