package legacy_test

// Fuzz targets for the binary protocol's readers: the frame layout and hex
// dump shown for any packed bytes, the feedback service's stream and the
// gateway's error response. `make fuzz` runs each for a while; `go test`
// runs their seeds and testdata/fuzz as ordinary tests.

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/legacy"
)

// checkLayout checks that fields are frame's bytes in order from offset 0,
// each labelled, and that they cover the whole frame when err is nil.
func checkLayout(t *testing.T, frame []byte, fields []legacy.FrameField, err error) {
	t.Helper()
	end := 0
	for _, f := range fields {
		if f.Offset != end || f.Offset+len(f.Bytes) > len(frame) || !bytes.Equal(f.Bytes, frame[f.Offset:f.Offset+len(f.Bytes)]) {
			t.Fatalf("FrameLayout(%x): field %q at %d (%d bytes) is not the frame's bytes after offset %d", frame, f.Label, f.Offset, len(f.Bytes), end)
		}
		if f.Label == "" {
			t.Fatalf("FrameLayout(%x): the field at %d has no label", frame, f.Offset)
		}
		end += len(f.Bytes)
	}
	if err != nil {
		if !errors.Is(err, legacy.ErrMalformedFrame) || !strings.Contains(err.Error(), ": ") {
			t.Fatalf("FrameLayout(%x): error %v is not an ErrMalformedFrame naming a cause", frame, err)
		}
		return
	}
	if end != len(frame) || len(frame) == 0 || frame[0] > 2 {
		t.Fatalf("FrameLayout(%x) accepted it, covering %d bytes", frame, end)
	}
}

// FuzzFrameLayout checks that any bytes are laid out as contiguous,
// labelled fields of the input, and are either a whole notification or
// refused with ErrMalformedFrame saying why.
func FuzzFrameLayout(f *testing.F) {
	for _, h := range []string{articleSimple, articleEnh, articleFrame, "", "03", "0000", "0200000005010020", "000020", "02ffffffff", "0200000003ff0000", "01000000010000000000"} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		fields, err := legacy.FrameLayout(frame)
		checkLayout(t, frame, fields, err)
	})
}

// FuzzPackLayout checks pack then FrameLayout: whatever Pack accepts is
// one whole notification whose token, payload, identifier, expiration and
// priority FrameLayout finds again; what it refuses is refused with one of
// Check's errors.
func FuzzPackLayout(f *testing.F) {
	tok, _ := hex.DecodeString(articleToken)
	for format := range uint8(3) {
		f.Add(format, tok, []byte("Hello from 2009"), true, uint32(1), int64(1700000000), true, uint8(10))
	}
	f.Add(uint8(2), []byte{1}, []byte(`{"aps":{}}`), false, uint32(0xffffffff), int64(0), false, uint8(5))
	f.Add(uint8(1), bytes.Repeat([]byte{7}, 100), bytes.Repeat([]byte("x"), 300), true, uint32(7), int64(1)<<32, true, uint8(0))
	f.Add(uint8(0), []byte{}, []byte(`{"aps":{}}`), false, uint32(0), int64(-1), true, uint8(1))
	f.Fuzz(func(t *testing.T, format uint8, token, payload []byte, wrap bool, id uint32, expiry int64, hasExpiry bool, priority uint8) {
		fm := []legacy.Format{legacy.FormatSimple, legacy.FormatEnhanced, legacy.FormatFrame}[format%3]
		if wrap { // a valid payload with the fuzzed text as its alert
			alert, _ := json.Marshal(string(payload))
			payload = append(append([]byte(`{"aps":{"alert":`), alert...), "}}"...)
		}
		n := &sender.Notification{Token: hex.EncodeToString(token), Payload: payload, Priority: int(priority)}
		if hasExpiry {
			e := time.Unix(expiry, 0)
			n.Expiration = &e
		}
		packed, err := fm.Pack(n, id)
		if err != nil {
			if !errors.Is(err, sender.ErrInvalidNotification) && !errors.Is(err, sender.ErrInvalidToken) && !errors.Is(err, sender.ErrInvalidPayload) && !errors.Is(err, sender.ErrPayloadTooLarge) {
				t.Fatalf("%s Pack: error %v is none of Check's", fm, err)
			}
			if packed != nil || fm.Check(n) == nil {
				t.Fatalf("%s Pack refused with %v but returned %x or Check accepts", fm, err, packed)
			}
			return
		}
		if len(token) == 0 || len(token) > legacy.MaxTokenSize || len(payload) > fm.PayloadLimit() {
			t.Fatalf("%s Pack accepted a %d-byte token and %d-byte payload", fm, len(token), len(payload))
		}
		if packed[0] != fm.Command() {
			t.Fatalf("%s Pack wrote command %d", fm, packed[0])
		}
		fields, err := legacy.FrameLayout(packed)
		checkLayout(t, packed, fields, err)
		if err != nil {
			t.Fatalf("%s Pack made %x, which FrameLayout refuses: %v", fm, packed, err)
		}
		byLabel := map[string][]byte{}
		for _, f := range fields {
			byLabel[f.Label] = f.Bytes
		}
		if !bytes.Equal(byLabel["device token"], token) || !bytes.Equal(byLabel["payload"], payload) {
			t.Fatalf("%s layout %+v lost the token or payload", fm, fields)
		}
		if _, ok := byLabel[fmt.Sprintf("identifier %d", id)]; ok != fm.HasIdentifiers() {
			t.Fatalf("%s layout %+v: identifier %d shown is %v", fm, fields, id, ok)
		}
		exp := "expiration"
		if fm == legacy.FormatEnhanced {
			exp = "expiry"
		}
		wantExpiry := fm == legacy.FormatEnhanced || fm == legacy.FormatFrame && hasExpiry
		found := false
		for label := range byLabel {
			if strings.HasPrefix(label, exp+" ") {
				v, _, _ := strings.Cut(strings.TrimPrefix(label, exp+" "), " ")
				want := "0"
				if hasExpiry {
					want = strconv.FormatInt(expiry, 10)
				}
				if v != want {
					t.Fatalf("%s layout shows %q, want %s %s", fm, label, exp, want)
				}
				found = true
			}
		}
		if found != wantExpiry {
			t.Fatalf("%s layout %+v: expiration shown is %v", fm, fields, found)
		}
		if _, ok := byLabel[fmt.Sprintf("priority %d", priority)]; ok != (fm == legacy.FormatFrame && priority != 0) {
			t.Fatalf("%s layout %+v: priority %d shown is %v", fm, fields, priority, ok)
		}
	})
}

// FuzzHexDump checks that the dump of any bytes gives them back: one line
// per 16 bytes, each with its offset, its bytes in hex and as ASCII.
func FuzzHexDump(f *testing.F) {
	b, _ := hex.DecodeString(articleFrame)
	f.Add(b)
	f.Add([]byte{})
	f.Add([]byte("0123456789abcdef"))
	f.Add([]byte{0, 0x7f, 0x80, 0xff, '|', ' ', '~'})
	f.Fuzz(func(t *testing.T, b []byte) {
		lines := legacy.HexDump(b)
		if len(lines) != (len(b)+15)/16 {
			t.Fatalf("HexDump(%x): %d lines for %d bytes: %q", b, len(lines), len(b), lines)
		}
		var back []byte
		for i, l := range lines {
			// 00000010  61 62 63 64 65 66 67 68  69 6a 6b 6c 6d 6e 6f 70  |abcdefghijklmnop|
			row := b[16*i : min(len(b), 16*i+16)]
			if len(l) < 10 || l[:8] != fmt.Sprintf("%08x", 16*i) {
				t.Fatalf("HexDump(%x): line %d %q lacks offset %08x", b, i, l, 16*i)
			}
			bar := strings.IndexByte(l, '|')
			if bar < 0 || !strings.HasSuffix(l, "|") {
				t.Fatalf("HexDump(%x): line %d %q has no |ASCII|", b, i, l)
			}
			got, err := hex.DecodeString(strings.Join(strings.Fields(l[8:bar]), ""))
			if err != nil || !bytes.Equal(got, row) {
				t.Fatalf("HexDump(%x): line %d %q shows %x, want %x", b, i, l, got, row)
			}
			ascii := []byte(l[bar+1 : len(l)-1])
			for j, c := range row {
				want := byte('.')
				if c >= 32 && c <= 126 {
					want = c
				}
				if j >= len(ascii) || ascii[j] != want {
					t.Fatalf("HexDump(%x): line %d %q shows byte %d as %q", b, i, l, j, ascii)
				}
			}
			back = append(back, got...)
		}
		if !bytes.Equal(back, b) {
			t.Fatalf("HexDump(%x) shows %x", b, back)
		}
	})
}

// FuzzReadFeedback checks that any stream a feedback service sends is read
// as whole tuples that write back to exactly the bytes they came from; a
// stream cut inside a tuple gives the tuples before the cut and an
// ErrTruncatedFeedback, a tuple whose token is empty or over MaxTokenSize
// the tuples before it and ErrBadFeedback, and nothing else is an error.
func FuzzReadFeedback(f *testing.F) {
	tok, _ := hex.DecodeString(articleToken)
	whole := legacy.AppendFeedbackTuple(nil, legacy.FeedbackTuple{Time: time.Unix(1700000000, 0), Token: tok})
	whole = legacy.AppendFeedbackTuple(whole, legacy.FeedbackTuple{Time: time.Unix(0, 0), Token: tok[:1]})
	f.Add(whole)
	f.Add(whole[:len(whole)-1])
	f.Add(whole[:40])
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0, 0, 0, 1, 0, 0})
	f.Fuzz(func(t *testing.T, stream []byte) {
		tuples, err := legacy.ReadFeedback(bytes.NewReader(stream))
		var back []byte
		for _, tu := range tuples {
			if tu.Time.Location() != time.UTC || tu.Time.Unix() < 0 || tu.Time.Unix() > 1<<32-1 || tu.Time.Nanosecond() != 0 {
				t.Fatalf("ReadFeedback(%x): time %v", stream, tu.Time)
			}
			if len(tu.Token) == 0 || len(tu.Token) > legacy.MaxTokenSize {
				t.Fatalf("ReadFeedback(%x): a %d-byte token taken", stream, len(tu.Token))
			}
			back = legacy.AppendFeedbackTuple(back, tu)
		}
		if errors.Is(err, legacy.ErrBadFeedback) {
			rest := stream[len(back):]
			if !bytes.HasPrefix(stream, back) || len(rest) < 6 || !strings.Contains(err.Error(), fmt.Sprintf("after %d tuples", len(tuples))) {
				t.Fatalf("ReadFeedback(%x) = %v, %v: not the tuples before a bad one", stream, tuples, err)
			}
			if size := int(rest[4])<<8 | int(rest[5]); size != 0 && size <= legacy.MaxTokenSize {
				t.Fatalf("ReadFeedback(%x): %v for a %d-byte token", stream, err, size)
			}
			return
		}
		if err == nil {
			if !bytes.Equal(back, stream) {
				t.Fatalf("ReadFeedback(%x) = %v, which writes back as %x", stream, tuples, back)
			}
			return
		}
		if !errors.Is(err, legacy.ErrTruncatedFeedback) || !strings.Contains(err.Error(), fmt.Sprintf("after %d tuples", len(tuples))) {
			t.Fatalf("ReadFeedback(%x): error %v is not a truncation after %d tuples", stream, err, len(tuples))
		}
		rest := stream[len(back):]
		if !bytes.HasPrefix(stream, back) || len(rest) == 0 {
			t.Fatalf("ReadFeedback(%x) = %v, %v: the tuples are not the stream's start", stream, tuples, err)
		}
		if len(rest) >= 6 && len(rest) >= 6+(int(rest[4])<<8|int(rest[5])) {
			t.Fatalf("ReadFeedback(%x): %v, but %x is a whole tuple", stream, err, rest)
		}
	})
}

// FuzzFeedbackRoundTrip checks AppendFeedbackTuple then ReadFeedback: two
// tuples come back as they were, and a stream cut anywhere inside them
// gives the whole tuples before the cut and ErrTruncatedFeedback.
func FuzzFeedbackRoundTrip(f *testing.F) {
	tok, _ := hex.DecodeString(articleToken)
	f.Add(uint32(1700000000), tok, uint32(0), []byte{1}, uint16(0))
	f.Add(uint32(0xffffffff), []byte{}, uint32(1), bytes.Repeat([]byte{9}, 80), uint16(45))
	f.Add(uint32(0xffffffff), []byte{3}, uint32(1), bytes.Repeat([]byte{9}, 100), uint16(45))
	f.Fuzz(func(t *testing.T, s1 uint32, tok1 []byte, s2 uint32, tok2 []byte, cut uint16) {
		if len(tok1) > 0xFFFF || len(tok2) > 0xFFFF {
			t.Skip("no token is that long; AppendFeedbackTuple cuts it")
		}
		in := []legacy.FeedbackTuple{{Time: time.Unix(int64(s1), 0), Token: tok1}, {Time: time.Unix(int64(s2), 0), Token: tok2}}
		stream := legacy.AppendFeedbackTuple(legacy.AppendFeedbackTuple(nil, in[0]), in[1])
		if len(stream) != 12+len(tok1)+len(tok2) {
			t.Fatalf("%d bytes for tokens of %d and %d", len(stream), len(tok1), len(tok2))
		}
		if bad := func(tok []byte) bool { return len(tok) == 0 || len(tok) > legacy.MaxTokenSize }; bad(tok1) || bad(tok2) {
			if _, err := legacy.ReadFeedback(bytes.NewReader(stream)); !errors.Is(err, legacy.ErrBadFeedback) {
				t.Fatalf("tokens of %d and %d bytes: %v, want ErrBadFeedback", len(tok1), len(tok2), err)
			}
			return
		}
		out, err := legacy.ReadFeedback(bytes.NewReader(stream))
		if err != nil || len(out) != 2 {
			t.Fatalf("ReadFeedback(%x) = %v, %v", stream, out, err)
		}
		for i := range in {
			if !out[i].Time.Equal(in[i].Time) || !bytes.Equal(out[i].Token, in[i].Token) {
				t.Fatalf("tuple %d came back as %v, want %v", i, out[i], in[i])
			}
		}
		k := int(cut) % len(stream)
		if k == 0 {
			return
		}
		first := 6 + len(tok1)
		out, err = legacy.ReadFeedback(bytes.NewReader(stream[:k]))
		switch {
		case k == first && (err != nil || len(out) != 1):
			t.Fatalf("cut after the first tuple: %v, %v", out, err)
		case k != first && !errors.Is(err, legacy.ErrTruncatedFeedback):
			t.Fatalf("cut at %d of %d: error %v", k, len(stream), err)
		case k != first && len(out) != min(1, k/first):
			t.Fatalf("cut at %d of %d: %d tuples", k, len(stream), len(out))
		}
	})
}

// FuzzParseErrorResponse checks that any bytes are either a 6-byte packet
// starting with command 8, whose Bytes give it back and whose String names
// its status and identifier, or refused with ErrNotErrorResponse.
func FuzzParseErrorResponse(f *testing.F) {
	f.Add([]byte{8, 8, 0, 0, 0, 42})
	f.Add([]byte{8, 10, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{8, 9, 0, 0, 0, 0})
	f.Add([]byte{2, 8, 0, 0, 0, 1})
	f.Add([]byte{8, 8, 0, 0, 0})
	f.Add([]byte("HTTP/1.1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := legacy.ParseErrorResponse(b)
		if err != nil {
			if !errors.Is(err, legacy.ErrNotErrorResponse) || !strings.Contains(err.Error(), "gateway") {
				t.Fatalf("ParseErrorResponse(%x): error %v is not ErrNotErrorResponse with a hint", b, err)
			}
			if len(b) == legacy.ErrorResponseSize && b[0] == legacy.ErrorCommand {
				t.Fatalf("ParseErrorResponse(%x) refused a well-formed packet: %v", b, err)
			}
			return
		}
		if !bytes.Equal(e.Bytes(), b) {
			t.Fatalf("ParseErrorResponse(%x) = %+v, whose Bytes are %x", b, e, e.Bytes())
		}
		s := e.String()
		st := legacy.LookupStatus(e.Status)
		if !strings.Contains(s, strconv.FormatUint(uint64(e.Identifier), 10)) || !strings.Contains(s, st.Description) || st.Name == "" || st.Hint == "" {
			t.Fatalf("ParseErrorResponse(%x) = %q, status %+v", b, s, st)
		}
		if again, err := legacy.ParseErrorResponse(e.Bytes()); err != nil || again != e {
			t.Fatalf("%+v does not round-trip: %+v, %v", e, again, err)
		}
	})
}
