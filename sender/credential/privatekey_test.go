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
