package sender

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrInvalidToken is wrapped by every *TokenError.
var ErrInvalidToken = errors.New("invalid device token")

// TokenError says why a pasted device token was refused and what to paste
// instead.
type TokenError struct {
	Problem string // what is wrong with the text, e.g. "the middle bytes are missing"
	Fix     string // what to do about it
}

func (e *TokenError) Error() string { return e.Problem + ": " + e.Fix }

// Unwrap returns ErrInvalidToken.
func (e *TokenError) Unwrap() error { return ErrInvalidToken }

// DeviceToken is the binary device token APNs gave the app.
type DeviceToken []byte

// String is the token as lowercase hex, the form APNs expects in the path.
func (t DeviceToken) String() string { return hex.EncodeToString(t) }

// Warning is "" for a 32-byte token (what physical devices get today) and
// otherwise a one-line note: other lengths are legal (simulator tokens are
// 80 bytes, and Apple says not to assume a size) but worth a second look.
func (t DeviceToken) Warning() string {
	n := len(t)
	switch {
	case n == 32:
		return ""
	case n == 0:
		return "the token is empty"
	case n == 16:
		return "this token is 16 bytes (32 hex digits), the size of a UUID, not of a device token (usually 32 bytes): check that you copied the push token and not a device or app identifier"
	case n == 20:
		return "this token is 20 bytes (40 hex digits), the size of an old device UDID, not of a device token (usually 32 bytes): check that you copied the push token"
	case n == 80:
		return "this token is 80 bytes (160 hex digits), the size of a Simulator token (Xcode 14+, sandbox only); a physical device's token is usually 32 bytes"
	case n < 32:
		return fmt.Sprintf("this token is %d bytes (%d hex digits), shorter than the usual 32: check that you copied all of it", n, 2*n)
	}
	return fmt.Sprintf("this token is %d bytes (%d hex digits), not the usual 32: fine for a Simulator (Xcode 14+) or a newer device, otherwise check that you copied only the token", n, 2*n)
}

// swiftTokenHex is the Swift that turns the token Data into the hex string
// ParseToken wants.
const swiftTokenHex = `deviceToken.map { String(format: "%02x", $0) }.joined()`

// tokenFixPrintHex is the usual advice: print the token as hex in the app.
const tokenFixPrintHex = "in application(_:didRegisterForRemoteNotificationsWithDeviceToken:) print the token as hex with " +
	swiftTokenHex + " and paste that"

var (
	// The iOS 13+ NSData description: {length = 32, bytes = 0x… ... … }.
	tokenDataDescription = regexp.MustCompile(`(?s)^\{\s*length\s*=\s*(\d+)\s*,\s*bytes\s*=\s*(.*?)\s*\}$`)
	// Swift's Data.description ("32 bytes") and `po` output ("▿ 32 bytes").
	tokenSwiftDescription = regexp.MustCompile(`\b\d+ bytes\b`)
	tokenUUID             = regexp.MustCompile(`^[0-9A-Za-z]{8}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{12}$`)
	tokenBase64           = regexp.MustCompile(`^[A-Za-z0-9+/_-]{16,}={0,2}$`)
	tokenExpo             = regexp.MustCompile(`^Expo(nent)?PushToken\[`)
)

// ParseToken cleans a device token the way users paste it (APNS-REFERENCE
// §5): plain hex in either case, the old <xxxxxxxx xxxxxxxx …> description,
// hex with spaces, colons, dashes or 0x prefixes, surrounding quotes and
// white space, and the iOS 13+ {length = N, bytes = 0x…} description when it
// shows every byte. It never truncates and assumes no length (see Warning);
// the hex digits must come in pairs.
//
// Forms that cannot give the token back are refused with a *TokenError that
// says what to paste instead: the iOS 13+ description of a token longer than
// 24 bytes (its middle bytes are elided), Swift's "32 bytes", FCM and Expo
// tokens, UUIDs (a simulator or device identifier), base64 and empty text.
// They are recognised before anything is stripped, so they never turn into a
// plausible-looking wrong token.
func ParseToken(raw string) (DeviceToken, error) {
	if isHexPairs(raw) { // the common case: nothing to recognise or strip
		if b, err := hex.DecodeString(raw); err == nil {
			return DeviceToken(b), nil
		}
	}
	s := trimTokenWrapping(raw)
	if s == "" {
		return nil, &TokenError{"the device token is empty", "paste the token the app received: " + tokenFixPrintHex}
	}
	if err := refuseTokenForm(s); err != nil {
		return nil, err
	}
	if m := tokenDataDescription.FindStringSubmatch(s); m != nil {
		return parseTokenDataDescription(m[1], m[2])
	}
	digits, err := tokenHexDigits(s)
	if err != nil {
		return nil, err
	}
	if digits == "" {
		return nil, &TokenError{"the text holds no hex digits", "paste the token the app received: " + tokenFixPrintHex}
	}
	if len(digits)%2 != 0 {
		return nil, &TokenError{
			fmt.Sprintf("the token has %d hex digits, an odd number, so a digit is missing or extra", len(digits)),
			"every byte is two hex digits, so copy the whole token again; " + tokenFixPrintHex,
		}
	}
	b, err := hex.DecodeString(digits)
	if err != nil { // unreachable: tokenHexDigits keeps hex digits only
		return nil, &TokenError{"the token is not hex", tokenFixPrintHex}
	}
	return DeviceToken(b), nil
}

// trimTokenWrapping removes white space, quotes and a Swift Optional(…)
// around the token.
func trimTokenWrapping(raw string) string {
	s := strings.TrimSpace(raw)
	for {
		t := s
		if strings.HasPrefix(t, "Optional(") && strings.HasSuffix(t, ")") {
			t = strings.TrimSuffix(strings.TrimPrefix(t, "Optional("), ")")
		}
		for _, q := range [][2]string{{`"`, `"`}, {`'`, `'`}, {"`", "`"}, {"“", "”"}, {"‘", "’"}, {"«", "»"}} {
			if len(t) >= len(q[0])+len(q[1]) && strings.HasPrefix(t, q[0]) && strings.HasSuffix(t, q[1]) {
				t = t[len(q[0]) : len(t)-len(q[1])]
			}
		}
		t = strings.TrimSpace(t)
		if t == s {
			return s
		}
		s = t
	}
}

// refuseTokenForm recognises the texts that are not a device token or that
// lost some of its bytes.
func refuseTokenForm(s string) error {
	switch {
	case tokenExpo.MatchString(s):
		return &TokenError{
			"this is an Expo push token (ExponentPushToken[…]), which only Expo's push service understands",
			"get the native APNs token with Notifications.getDevicePushTokenAsync() and paste its data (hex)",
		}
	case strings.Contains(s, "APA91"):
		return &TokenError{
			"this is a Firebase Cloud Messaging registration token (…:APA91b…), not an APNs device token",
			"send it through FCM, or paste the APNs token from Messaging.messaging().apnsToken as hex: " + swiftTokenHex,
		}
	case tokenDataDescription.MatchString(s):
		return nil // parseTokenDataDescription decides
	case strings.Contains(s, "length =") || strings.Contains(s, "bytes = 0x"):
		return &TokenError{
			"this looks like the iOS 13+ description of the token data ({length = …, bytes = 0x…}) but not all of it",
			"that description leaves bytes out; " + tokenFixPrintHex,
		}
	case strings.Contains(s, "...") || strings.Contains(s, "…"):
		return &TokenError{
			"the token was shortened: it contains an ellipsis where bytes were left out",
			"copy the whole token; " + tokenFixPrintHex,
		}
	case tokenSwiftDescription.MatchString(s):
		return &TokenError{
			"this is Swift's description of the token data (\"" + tokenSwiftDescription.FindString(s) + "\"), which shows only its size",
			"the bytes are not in it; " + tokenFixPrintHex,
		}
	case tokenUUID.MatchString(s):
		return &TokenError{
			"this is a UUID, such as a Simulator's or device's identifier (UDID), not a push token",
			"the push token comes from the app, not from Xcode's device list: " + tokenFixPrintHex,
		}
	}
	return nil
}

// parseTokenDataDescription reads {length = N, bytes = 0x…}: recoverable when
// every byte is shown (24 bytes or fewer), refused when the middle is elided.
func parseTokenDataDescription(length, body string) (DeviceToken, error) {
	n, err := strconv.Atoi(length)
	if err != nil {
		n = -1
	}
	if strings.Contains(body, "...") || strings.Contains(body, "…") {
		return nil, &TokenError{
			fmt.Sprintf("this is the iOS 13+ description of the token data ({length = %s, bytes = 0x… ... …}), which leaves out the middle bytes, so the token cannot be recovered from it", length),
			tokenFixPrintHex,
		}
	}
	digits := strings.Join(strings.Fields(strings.TrimPrefix(strings.TrimPrefix(body, "0x"), "0X")), "")
	if digits == "" {
		return nil, &TokenError{
			fmt.Sprintf("this description of the token data ({length = %s, bytes = …}) shows no bytes, so there is no token in it", length),
			"paste the token the app received: " + tokenFixPrintHex,
		}
	}
	if _, err := hex.DecodeString(digits); err != nil || len(digits) != 2*n {
		return nil, &TokenError{
			fmt.Sprintf("this description of the token data says length = %s but shows %d hex digits", length, len(digits)),
			"copy it whole, or better: " + tokenFixPrintHex,
		}
	}
	b, _ := hex.DecodeString(digits)
	return DeviceToken(b), nil
}

// tokenHexDigits keeps the hex digits of s, dropping the separators people
// paste (white space, <, >, colons, dashes, commas) and 0x prefixes; any
// other character is an error that names it.
func tokenHexDigits(s string) (string, error) {
	var b strings.Builder
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("<>:-,", r)
	})
	for _, f := range fields {
		f = strings.TrimPrefix(strings.TrimPrefix(f, "0x"), "0X")
		for _, r := range f {
			if !isTokenHexDigit(r) {
				return "", foreignTokenCharacter(s, r)
			}
		}
		b.WriteString(strings.ToLower(f))
	}
	return b.String(), nil
}

func isTokenHexDigit(r rune) bool {
	return '0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F'
}

// foreignTokenCharacter explains the first character that cannot be part of
// a hex token, recognising base64.
func foreignTokenCharacter(s string, r rune) error {
	if looksLikeBase64(s) {
		if b, err := decodeTokenBase64(s); err == nil {
			return &TokenError{
				fmt.Sprintf("this looks like base64 (%d bytes once decoded), not hex", len(b)),
				"APNs tokens are sent as hex; " + tokenFixPrintHex + " (from base64 in Swift: Data(base64Encoded: s)!.map { String(format: \"%02x\", $0) }.joined())",
			}
		}
	}
	pos := 1 + utf8.RuneCountInString(s[:max(0, strings.IndexRune(s, r))])
	return &TokenError{
		fmt.Sprintf("the token contains %q (character %d), which is not a hex digit", string(r), pos),
		"a device token is hex digits 0-9 and a-f only: paste only the token; " + tokenFixPrintHex,
	}
}

// looksLikeBase64 tells base64 from hex with a typo: base64 of random
// bytes is mostly letters beyond f, or ends in "=".
func looksLikeBase64(s string) bool {
	if !tokenBase64.MatchString(s) {
		return false
	}
	foreign := 0
	for _, r := range s {
		if !isTokenHexDigit(r) {
			foreign++
		}
	}
	return strings.HasSuffix(s, "=") || foreign > len(s)/8
}

func decodeTokenBase64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}
