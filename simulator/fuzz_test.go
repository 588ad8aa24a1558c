package simulator

// Fuzz targets for what the simulator reads from its clients: the binary
// gateway's notifications and the provider tokens (JWTs) of token
// authentication. `make fuzz` runs each for a while; `go test` runs their
// seeds and testdata/fuzz as ordinary tests.

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/legacy"
)

const fuzzTokenHex = "740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad"

// FuzzReadNotification feeds the gateway's frame reader any bytes a
// client might send, notification after notification as the gateway
// reads them: each read takes exactly the bytes it keeps as raw and no
// more than one notification can hold; an error is only the stream
// ending (before or inside a notification); a notification the gateway takes (status 0) is one that
// legacy.FrameLayout reads whole, with the same token and payload, within
// the protocol's sizes; any other status is one Apple defined.
func FuzzReadNotification(f *testing.F) {
	tok, _ := hex.DecodeString(fuzzTokenHex)
	n := &sender.Notification{Token: fuzzTokenHex, Payload: []byte(`{"aps":{"alert":"hi"}}`), Priority: 10}
	for _, fm := range []legacy.Format{legacy.FormatSimple, legacy.FormatEnhanced, legacy.FormatFrame} {
		b, _ := fm.Pack(n, 7)
		f.Add(b)
		f.Add(append(b, b...))
		f.Add(b[:len(b)-1])
	}
	f.Add([]byte{})
	f.Add([]byte{9})
	f.Add([]byte{0, 0, 0})
	f.Add([]byte{2, 0, 0, 0, 3, 1, 0, 0})
	f.Add([]byte{2, 0xff, 0xff, 0xff, 0xff})
	f.Add(append([]byte{2, 0, 0, 0, 38, 1, 0, 32}, append(tok, 1, 0, 0)...)) // item 1 twice
	f.Add([]byte{2, 0, 0, 0, 4, 5, 0, 1, 7})
	f.Fuzz(func(t *testing.T, stream []byte) {
		src := bytes.NewReader(stream)
		br := bufio.NewReader(src)
		consumed := 0
		for {
			frame, status, err := readNotification(br)
			now := len(stream) - src.Len() - br.Buffered()
			if err != nil {
				if frame != nil || !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("readNotification(%x): %v, %v", stream[consumed:], frame, err)
				}
				if now != len(stream) { // an error means the connection ended, before or inside a notification
					t.Fatalf("readNotification(%x): %v with %d bytes unread", stream[consumed:], err, len(stream)-now)
				}
				return
			}
			raw := frame.raw
			if !bytes.Equal(raw, stream[consumed:now]) {
				t.Fatalf("readNotification(%x) kept %x as raw but took %x", stream[consumed:], raw, stream[consumed:now])
			}
			if len(raw) > 5+gatewayMaxFrame {
				t.Fatalf("readNotification took %d bytes", len(raw))
			}
			if status != legacy.StatusNoErrors {
				if legacy.LookupStatus(status).Name == "Status"+strconv.Itoa(int(status)) {
					t.Fatalf("readNotification(%x): status %d, which Apple never defined", raw, status)
				}
				return // the gateway answers and closes
			}
			checkTaken(t, frame)
			consumed = now
		}
	})
}

// checkTaken checks a notification the gateway took against the
// protocol's sizes and against legacy.FrameLayout's reading of it.
func checkTaken(t *testing.T, frame *receivedFrame) {
	t.Helper()
	raw := frame.raw
	limit := gatewayLegacyPayload
	if frame.format == GatewayFormat(legacy.FormatFrame) {
		limit = gatewayFramePayload
	}
	if len(frame.token) != gatewayToken || len(frame.payload) == 0 || len(frame.payload) > limit {
		t.Fatalf("gateway took %x: a %d-byte token and %d-byte payload in the %s format", raw, len(frame.token), len(frame.payload), frame.format)
	}
	if raw[0] != legacy.Format(frame.format).Command() {
		t.Fatalf("gateway took %x as the %s format", raw, frame.format)
	}
	fields, err := legacy.FrameLayout(raw)
	if err != nil {
		t.Fatalf("gateway took %x, which FrameLayout refuses: %v", raw, err)
	}
	byLabel := map[string][]byte{}
	for _, fl := range fields {
		byLabel[fl.Label] = fl.Bytes
	}
	if !bytes.Equal(byLabel["device token"], frame.token) || !bytes.Equal(byLabel["payload"], frame.payload) {
		t.Fatalf("gateway took %x with token %x and payload %q; FrameLayout says %+v", raw, frame.token, frame.payload, fields)
	}
	rec := frame.record(1, time.Unix(0, 0), 0)
	if rec.Token != hex.EncodeToString(frame.token) || !bytes.Equal(rec.Frame, raw) {
		t.Fatalf("record %+v of %x", rec, raw)
	}
}

// FuzzGatewayRoundTrip packs a notification as the console's binary client
// does and reads it as the gateway does: whatever the client packs, the
// gateway reads whole, with the same fields, and refuses only what APNs
// refused (a token that is not 32 bytes, in every format).
func FuzzGatewayRoundTrip(f *testing.F) {
	tok, _ := hex.DecodeString(fuzzTokenHex)
	for fm := range uint8(3) {
		f.Add(fm, tok, "hi", uint32(7), uint32(1700000000), true, uint8(10))
	}
	f.Add(uint8(2), []byte{1}, "", uint32(0), uint32(0), false, uint8(5))
	f.Add(uint8(0), tok[:20], strings.Repeat("x", 300), uint32(0), uint32(0), false, uint8(0))
	f.Fuzz(func(t *testing.T, format uint8, token []byte, alert string, id, expiry uint32, hasExpiry bool, priority uint8) {
		fm := []legacy.Format{legacy.FormatSimple, legacy.FormatEnhanced, legacy.FormatFrame}[format%3]
		payload, _ := json.Marshal(map[string]any{"aps": map[string]string{"alert": alert}})
		n := &sender.Notification{Token: hex.EncodeToString(token), Payload: payload, Priority: int(priority)}
		if hasExpiry {
			e := time.Unix(int64(expiry), 0)
			n.Expiration = &e
		}
		packed, err := fm.Pack(n, id)
		if err != nil {
			return // the client refused it before sending (see FuzzPackLayout)
		}
		frame, status, err := readNotification(bufio.NewReader(bytes.NewReader(packed)))
		if err != nil {
			t.Fatalf("%s %x: %v", fm, packed, err)
		}
		if len(token) != gatewayToken {
			if status != legacy.StatusInvalidTokenSize {
				t.Fatalf("%s with a %d-byte token: status %d", fm, len(token), status)
			}
			return
		}
		if status != legacy.StatusNoErrors {
			t.Fatalf("%s %x: status %d", fm, packed, status)
		}
		checkTaken(t, frame)
		if frame.format != GatewayFormat(fm) || !bytes.Equal(frame.token, token) || !bytes.Equal(frame.payload, payload) || !bytes.Equal(frame.raw, packed) {
			t.Fatalf("%s %x read as %+v", fm, packed, frame)
		}
		if fm.HasIdentifiers() && frame.identifier != id {
			t.Fatalf("%s: identifier %d read as %d", fm, id, frame.identifier)
		}
		wantExpiry := fm == legacy.FormatEnhanced || fm == legacy.FormatFrame && hasExpiry
		if (frame.expiration != nil) != wantExpiry || wantExpiry && hasExpiry && frame.expiration.Unix() != int64(expiry) {
			t.Fatalf("%s: expiration %v (set %v) read as %v", fm, expiry, hasExpiry, frame.expiration)
		}
		if fm == legacy.FormatFrame && frame.priority != int(priority) {
			t.Fatalf("frame: priority %d read as %d", priority, frame.priority)
		}
	})
}

var (
	fuzzKeyOnce sync.Once
	fuzzKey     *SigningKey
	fuzzKeyErr  error
)

func fuzzSigningKey(f *testing.F) *SigningKey {
	fuzzKeyOnce.Do(func() { fuzzKey, fuzzKeyErr = NewSigningKey(DemoKeyID, DemoTeamID) })
	if fuzzKeyErr != nil {
		f.Fatal(fuzzKeyErr)
	}
	return fuzzKey
}

// signJWT makes an ES256 JWT from raw header and claims JSON, with a JWS
// (R||S) or DER signature.
func signJWT(t testing.TB, key *ecdsa.PrivateKey, header, claims string, der bool) string {
	enc := base64.RawURLEncoding.EncodeToString
	signing := enc([]byte(header)) + "." + enc([]byte(claims))
	digest := sha256.Sum256([]byte(signing))
	var sig []byte
	if der {
		var err error
		if sig, err = ecdsa.SignASN1(rand.Reader, key, digest[:]); err != nil {
			t.Fatal(err)
		}
	} else {
		r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
		if err != nil {
			t.Fatal(err)
		}
		sig = append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	}
	return signing + "." + enc(sig)
}

// FuzzParseProviderToken feeds the simulator's JWT parser any
// authorization token: it is refused with errBadJWT, or read into a key
// id, a team id and the exact header.claims the signature covers; and the
// signature check never passes for a token the key did not sign.
func FuzzParseProviderToken(f *testing.F) {
	k := fuzzSigningKey(f)
	hdr, claims := `{"alg":"ES256","kid":"`+DemoKeyID+`"}`, `{"iss":"`+DemoTeamID+`","iat":1700000000}`
	signed := map[string]bool{} // what the key signed: nothing else may verify
	for _, seed := range []struct {
		header, claims string
		der            bool
		tail           string
	}{
		{hdr, claims, false, ""}, {hdr, claims, true, ""}, {`{"alg":"none","kid":"x"}`, claims, false, ""},
		{hdr, `{"iss":"T","iat":"1700000000"}`, false, ""}, {hdr, `{"iss":"T","iat":1e400}`, false, ""},
		{hdr, `{"iss":"T","iat":-1.5}`, false, "=="},
	} {
		raw := signJWT(f, k.Key, seed.header, seed.claims, seed.der)
		signed[raw[:strings.LastIndexByte(raw, '.')]] = true
		f.Add(raw + seed.tail)
	}
	f.Add("a.b")
	f.Add("..")
	f.Add("eyJ9.eyJ9.")
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := parseProviderToken(raw)
		if err != nil {
			if tok != nil || !errors.Is(err, errBadJWT) {
				t.Fatalf("parseProviderToken(%q) = %v, %v", raw, tok, err)
			}
			return
		}
		parts := strings.Split(raw, ".")
		if len(parts) != 3 || tok.keyID == "" || tok.teamID == "" || string(tok.signed) != parts[0]+"."+parts[1] {
			t.Fatalf("parseProviderToken(%q) = %+v", raw, tok)
		}
		if tok.verify(&k.Key.PublicKey) && !signed[string(tok.signed)] {
			t.Fatalf("parseProviderToken(%q) verifies, but the key never signed it", raw)
		}
	})
}

// FuzzProviderTokenRoundTrip signs JWTs with any ids and iat, as the
// console and other providers do: the simulator reads the ids and iat
// back and verifies the signature (JWS or DER), and no longer verifies it
// once a byte of the signed part or of the signature changes.
func FuzzProviderTokenRoundTrip(f *testing.F) {
	k := fuzzSigningKey(f)
	f.Add(DemoKeyID, DemoTeamID, int64(1700000000), false, uint16(3))
	f.Add("k", "\xff", int64(-1), true, uint16(200))
	f.Add("\"", "é", int64(1)<<53, false, uint16(0))
	f.Fuzz(func(t *testing.T, kid, iss string, iat int64, der bool, flip uint16) {
		if kid == "" || iss == "" || iat > 1<<53 || iat < -(1<<53) {
			t.Skip("refused (ids are required) or beyond float64's exact integers")
		}
		hdr, _ := json.Marshal(map[string]string{"alg": "ES256", "kid": kid})
		claims, _ := json.Marshal(map[string]any{"iss": iss, "iat": iat})
		raw := signJWT(t, k.Key, string(hdr), string(claims), der)
		tok, err := parseProviderToken(raw)
		if err != nil {
			t.Fatalf("parseProviderToken(%q): %v", raw, err)
		}
		var want struct{ Kid, Iss string }
		json.Unmarshal(hdr, &want)
		json.Unmarshal(claims, &struct{ Iss *string }{&want.Iss})
		if tok.keyID != want.Kid || tok.teamID != want.Iss || tok.issuedAt.Unix() != iat {
			t.Fatalf("parseProviderToken(%q) = %q, %q, %v; want %q, %q, %d", raw, tok.keyID, tok.teamID, tok.issuedAt.Unix(), want.Kid, want.Iss, iat)
		}
		if !tok.verify(&k.Key.PublicKey) {
			t.Fatalf("the signature of %q does not verify", raw)
		}
		// Change one byte of the signed part or of the signature.
		i := int(flip) % (len(tok.signed) + len(tok.signature))
		bad := *tok
		bad.signed, bad.signature = bytes.Clone(tok.signed), bytes.Clone(tok.signature)
		if i < len(bad.signed) {
			bad.signed[i] ^= 1
		} else {
			bad.signature[i-len(bad.signed)] ^= 1
		}
		if bad.verify(&k.Key.PublicKey) {
			t.Fatalf("a changed token verifies (byte %d of %q)", i, raw)
		}
	})
}
