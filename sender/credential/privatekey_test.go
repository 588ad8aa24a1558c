package credential

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"testing"

	"github.com/youmark/pkcs8"
)

// encryptedP256 is a freshly encrypted PKCS#8 P-256 key and its parts.
func encryptedP256(t testing.TB) (der []byte, info struct {
	Algorithm pkix.AlgorithmIdentifier
	Data      []byte
}) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if der, err = pkcs8.MarshalPrivateKey(key, []byte("pw"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := asn1.Unmarshal(der, &info); err != nil {
		t.Fatal(err)
	}
	return der, info
}

func TestDecodePrivateKeyBlockSurvivesMalformedEncryption(t *testing.T) {
	_, info := encryptedP256(t)
	info.Data = info.Data[:5] // not a whole cipher block: the library would panic
	der, err := asn1.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	_, err = decodePrivateKeyBlock(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der}, "pw", "the key")
	if err == nil || errors.Is(err, ErrWrongPassword) {
		t.Fatalf("err = %v, want a malformed-key error", err)
	}
}

// FuzzParseCredential feeds every loader arbitrary bytes: they may refuse
// them but must not panic.
func FuzzParseCredential(f *testing.F) {
	der, _ := encryptedP256(f)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der}))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{0x30, 0x00}}))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-256-CBC,00"}, Bytes: []byte{1, 2, 3}}))
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x03})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = parseP12(data, "pw", "f")
		_, _ = parsePEM(data, nil, "pw", "f", "")
		_, _ = parsePEM(data, data, "", "f", "g")
		_, _ = parseP8(data, "ABC123DEFG", "DEF123GHIJ", "f")
	})
}
