package legacy_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/legacy"
)

// endlessFeedback is a feedback stream that never ends: the same tuple
// again and again.
type endlessFeedback struct {
	tuple []byte
	off   int
	read  int64
}

func (e *endlessFeedback) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], e.tuple[e.off:])
		n += c
		e.off = (e.off + c) % len(e.tuple)
	}
	e.read += int64(n)
	return n, nil
}

func articleTuple(t testing.TB) []byte {
	tok, err := hex.DecodeString(articleToken)
	if err != nil {
		t.Fatal(err)
	}
	return legacy.AppendFeedbackTuple(nil, legacy.FeedbackTuple{Time: time.Unix(1700000000, 0), Token: tok})
}

func TestReadFeedbackStopsAtItsMaximum(t *testing.T) {
	one := articleTuple(t)
	src := &endlessFeedback{tuple: one}
	tuples, err := legacy.ReadFeedback(src)
	if !errors.Is(err, legacy.ErrTooMuchFeedback) || !strings.Contains(err.Error(), fmt.Sprintf("stopped after %d tuples", legacy.MaxFeedbackTuples)) {
		t.Fatalf("error %v, want ErrTooMuchFeedback naming %d", err, legacy.MaxFeedbackTuples)
	}
	if len(tuples) != legacy.MaxFeedbackTuples || tuples[len(tuples)-1].Token.String() != articleToken {
		t.Errorf("%d tuples, want the first %d", len(tuples), legacy.MaxFeedbackTuples)
	}
	if limit := int64(legacy.MaxFeedbackTuples*len(one) + 64<<10); src.read > limit {
		t.Errorf("read %d bytes of an endless stream, more than %d", src.read, limit)
	}
	// Exactly the maximum, then the end: no error.
	exact := bytes.Repeat(one, legacy.MaxFeedbackTuples)
	if tuples, err := legacy.ReadFeedback(bytes.NewReader(exact)); err != nil || len(tuples) != legacy.MaxFeedbackTuples {
		t.Errorf("exactly the maximum: %d tuples, %v", len(tuples), err)
	}
}

func TestReadFeedbackRefusesAnEmptyOrOverlongToken(t *testing.T) {
	one := articleTuple(t)
	empty := []byte{0x65, 0x53, 0xf1, 0x00, 0, 0}
	long := append([]byte{0, 0, 0, 1, 0, legacy.MaxTokenSize + 1}, bytes.Repeat([]byte{7}, legacy.MaxTokenSize+1)...)
	for bad, want := range map[string]string{string(empty): "one with an empty device token", string(long): "one with a 101-byte device token"} {
		stream := append(append(append([]byte{}, one...), bad...), one...)
		tuples, err := legacy.ReadFeedback(bytes.NewReader(stream))
		if !errors.Is(err, legacy.ErrBadFeedback) || !strings.Contains(err.Error(), "after 1 tuples, "+want) {
			t.Errorf("%x: error %v, want ErrBadFeedback with %q", bad, err, want)
		}
		if len(tuples) != 1 || tuples[0].Token.String() != articleToken {
			t.Errorf("%x: tuples %v, want the one before", bad, tuples)
		}
	}
	// The longest token is taken.
	most := append([]byte{0, 0, 0, 1, 0, legacy.MaxTokenSize}, bytes.Repeat([]byte{7}, legacy.MaxTokenSize)...)
	if tuples, err := legacy.ReadFeedback(bytes.NewReader(most)); err != nil || len(tuples) != 1 {
		t.Errorf("a %d-byte token: %v, %v", legacy.MaxTokenSize, tuples, err)
	}
}

// A hostile feedback host that streams tuples without end: Fetch stops at
// the maximum, says so, and hangs up (the host's writes fail).
func TestFeedbackFetchStopsAHostThatStreamsForever(t *testing.T) {
	g, cred := binaryGateway(t)
	cert, err := g.Authority.ServerCertificate()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	hungUp := make(chan error, 1)
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			hungUp <- err
			return
		}
		defer nc.Close()
		_, err = io.Copy(nc, &endlessFeedback{tuple: articleTuple(t)})
		hungUp <- err
	}()
	f := &legacy.FeedbackClient{Credential: cred, Environment: sender.Local, Host: ln.Addr().String(), RootCAs: g.Authority.Pool(), Timeout: 5 * time.Minute}
	tuples, err := f.Fetch(context.Background())
	if !errors.Is(err, legacy.ErrTooMuchFeedback) || !strings.Contains(err.Error(), ln.Addr().String()) || !strings.Contains(err.Error(), fmt.Sprint(legacy.MaxFeedbackTuples)) {
		t.Fatalf("error %v, want ErrTooMuchFeedback naming the host and the maximum", err)
	}
	if len(tuples) != legacy.MaxFeedbackTuples {
		t.Errorf("%d tuples, want the first %d", len(tuples), legacy.MaxFeedbackTuples)
	}
	if err := <-hungUp; err == nil {
		t.Error("the host's stream was not cut off")
	}
}
