package sender

import (
	"errors"
	"strings"
	"testing"
)

const demoTokenHex = "740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad"

func TestParseTokenAccepts(t *testing.T) {
	sim := strings.Repeat("0123456789abcdef", 10) // 80 bytes, like an iOS 16+ Simulator token
	tests := []struct {
		name, in, want string
	}{
		{"plain hex", demoTokenHex, demoTokenHex},
		{"upper case", strings.ToUpper(demoTokenHex), demoTokenHex},
		{"NSData description before iOS 13", "<740f4707 bebcf74f 9b7c25d4 8e335894 5f6aa01d a5ddb387 462c7eaf 61bb78ad>", demoTokenHex},
		{"NSData description, short last group", "<01234567 89a23def 2323>", "0123456789a23def2323"},
		{"0x prefix", "0x" + demoTokenHex, demoTokenHex},
		{"0X prefix per byte with commas", "0X74, 0x0f, 0x47, 0x07", "740f4707"},
		{"colons", "74:0f:47:07:be:bc:f7:4f:9b:7c:25:d4:8e:33:58:94:5f:6a:a0:1d:a5:dd:b3:87:46:2c:7e:af:61:bb:78:ad", demoTokenHex},
		{"dashes", "74-0f-47-07-be-bc-f7-4f-9b-7c-25-d4-8e-33-58-94-5f-6a-a0-1d-a5-dd-b3-87-46-2c-7e-af-61-bb-78-ad", demoTokenHex},
		{"spaces every two bytes", "740f 4707 bebc f74f 9b7c 25d4 8e33 5894 5f6a a01d a5dd b387 462c 7eaf 61bb 78ad", demoTokenHex},
		{"double quotes and newline", "\"" + demoTokenHex + "\"\n", demoTokenHex},
		{"single quotes and spaces", "  '" + demoTokenHex + "'  ", demoTokenHex},
		{"smart quotes", "“" + demoTokenHex + "”", demoTokenHex},
		{"back quotes", "`" + demoTokenHex + "`", demoTokenHex},
		{"Swift Optional of a string", `Optional("` + demoTokenHex + `")`, demoTokenHex},
		{"wrapped over lines", demoTokenHex[:32] + "\r\n" + demoTokenHex[32:], demoTokenHex},
		{"80-byte Simulator token", sim, sim},
		{"iOS 13 description with every byte", "{length = 20, bytes = 0xd43e30f896b843326e57247e752f9c5d2cc744e9}", "d43e30f896b843326e57247e752f9c5d2cc744e9"},
		{"iOS 13 description, grouped bytes", "{length = 8, bytes = 0x01234567 89abcdef }", "0123456789abcdef"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := ParseToken(tt.in)
			if err != nil {
				t.Fatalf("ParseToken(%q): %v", tt.in, err)
			}
			if got := tok.String(); got != tt.want {
				t.Fatalf("ParseToken(%q) = %s, want %s", tt.in, got, tt.want)
			}
			if len(tok) != len(tt.want)/2 {
				t.Fatalf("token is %d bytes, want %d", len(tok), len(tt.want)/2)
			}
		})
	}
}

func TestParseTokenRefuses(t *testing.T) {
	tests := []struct {
		name, in string
		problem  string // must appear in Problem
	}{
		{"empty", "", "empty"},
		{"white space only", " \n\t ", "empty"},
		{"empty quotes", `""`, "empty"},
		{"empty brackets", "<>", "no hex digits"},
		{"iOS 13 description of 32 bytes", "{length = 32, bytes = 0xd3d997af 967d1f43 b405374a 13394d2f ... 28f10282 14af515f }", "middle bytes"},
		{"iOS 13 description with an ellipsis character", "{length = 32, bytes = 0xd3d997af 967d1f43 b405374a 13394d2f … 28f10282 14af515f }", "middle bytes"},
		{"iOS 13 description, length does not match", "{length = 32, bytes = 0xd43e30f896b843326e57247e752f9c5d2cc744e9}", "says length = 32 but shows 40 hex digits"},
		{"iOS 13 description of no bytes", "{length=0,bytes=0X}", "shows no bytes"},
		{"iOS 13 description of no bytes, spaced", "{length = 0, bytes = 0x}", "shows no bytes"},
		{"iOS 13 description, cut off", "{length = 32, bytes = 0xd3d997af 967d1f43", "not all of it"},
		{"shortened with an ellipsis", "740f4707bebcf74f…61bb78ad", "shortened"},
		{"shortened with dots", "740f4707bebcf74f...61bb78ad", "shortened"},
		{"Swift description", "32 bytes", "Swift's description"},
		{"Swift description in quotes", `"32 bytes"`, "Swift's description"},
		{"po output", "▿ 32 bytes\n  - count : 32\n  ▿ pointer : 0x000000016f5b2c40\n    - pointerValue : 6163344448", "Swift's description"},
		{"FCM token", "fMEP0vJqS0:APA91bHHvHNOWHlrZxKv1wB7dZQbTQbmGUHK9DQ6F8dhiWSbqQd3vfW6-0aNGxb4xyfRNQe6Zl3K2Lh8fRhkmIxYZ4O_jbfjc0Js2xAR9lJ4ChMFQtNDKJHUUsDJNHWBD9rBJ0VtgdWG", "Firebase"},
		{"Expo token", "ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]", "Expo"},
		{"Expo token, new prefix", "ExpoPushToken[xxxxxxxxxxxxxxxxxxxxxx]", "Expo"},
		{"Simulator UDID", "BB1ZZ4T5-0A1B-4C2D-8E3F-123456789ABC", "UUID"},
		{"UUID in hex", "123e4567-e89b-12d3-a456-426655440000", "UUID"},
		{"base64", "dA9HB76890+bfCXUjjNYlF9qoB2l3bOHRix+r2G7eK0=", "base64 (32 bytes once decoded)"},
		{"base64 without padding", "dA9HB76890-bfCXUjjNYlF9qoB2l3bOHRix-r2G7eK0", "base64 (32 bytes once decoded)"},
		{"odd number of digits", demoTokenHex[:63], "63 hex digits, an odd number"},
		{"a label before the token", "token: " + demoTokenHex, `"t" (character 1)`},
		{"a stray letter", demoTokenHex[:10] + "g" + demoTokenHex[11:], `"g" (character 11)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := ParseToken(tt.in)
			if err == nil {
				t.Fatalf("ParseToken(%q) = %s, want an error", tt.in, tok)
			}
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("error %v does not wrap ErrInvalidToken", err)
			}
			var te *TokenError
			if !errors.As(err, &te) {
				t.Fatalf("error %T is not a *TokenError", err)
			}
			if !strings.Contains(te.Problem, tt.problem) {
				t.Errorf("Problem %q does not mention %q", te.Problem, tt.problem)
			}
			if te.Fix == "" {
				t.Error("Fix is empty")
			}
			if err.Error() != te.Problem+": "+te.Fix {
				t.Errorf("Error() = %q, want Problem: Fix", err.Error())
			}
		})
	}
}

func TestParseTokenFixShowsSwift(t *testing.T) {
	for _, in := range []string{"32 bytes", "{length = 32, bytes = 0xd3d997af 967d1f43 b405374a 13394d2f ... 28f10282 14af515f }", ""} {
		_, err := ParseToken(in)
		var te *TokenError
		if !errors.As(err, &te) || !strings.Contains(te.Fix, `deviceToken.map { String(format: "%02x", $0) }.joined()`) {
			t.Errorf("ParseToken(%q): fix %v does not give the Swift that prints hex", in, err)
		}
	}
}

func TestDeviceTokenWarning(t *testing.T) {
	tests := []struct {
		bytes int
		want  string // "" = no warning
	}{
		{32, ""},
		{80, "Simulator"},
		{20, "UDID"},
		{16, "UUID"},
		{8, "shorter than the usual 32"},
		{54, "54 bytes (108 hex digits)"},
	}
	for _, tt := range tests {
		w := DeviceToken(make([]byte, tt.bytes)).Warning()
		if tt.want == "" && w != "" || tt.want != "" && !strings.Contains(w, tt.want) {
			t.Errorf("Warning for %d bytes = %q, want it to contain %q", tt.bytes, w, tt.want)
		}
	}
}
