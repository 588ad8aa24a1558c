package credential

// Fuzz targets for every credential loader (PKCS#12, PEM pairs, .p8 token
// keys, and Load, which guesses the kind) and for the push certificate's
// topics extension. `make fuzz` runs each for a while; `go test` runs
// their seeds and testdata/fuzz as ordinary tests.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/youmark/pkcs8"
	"software.sslmate.com/src/go-pkcs12"
)

// fuzzPassword is the password the seeds are encrypted with; no error may
// ever show it.
const fuzzPassword = "pw-Fuzz-7431"

// fuzzSeeds are real credentials of every kind (small ECDSA ones, made
// once), so that the fuzzers start from inputs the loaders accept.
type fuzzSeeds struct {
	certPEM, keyPKCS8, keySEC1, keyEncPKCS8, keyLegacyEnc []byte
	certDER, p12Modern, p12Legacy, p12NoPassword, p8      []byte
}

var (
	fuzzSeedsOnce sync.Once
	fuzzSeedsVal  fuzzSeeds
)

func loadFuzzSeeds(f *testing.F) fuzzSeeds {
	fuzzSeedsOnce.Do(func() {
		s := &fuzzSeedsVal
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			f.Fatal(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(0x1a2b3c),
			Subject: pkix.Name{CommonName: "Apple Push Services: com.example.fuzz", OrganizationalUnit: []string{"DEF123GHIJ"},
				ExtraNames: []pkix.AttributeTypeAndValue{{Type: OIDUID, Value: "com.example.fuzz"}}},
			NotBefore: time.Date(2025, 1, 10, 12, 0, 0, 0, time.UTC),
			NotAfter:  time.Date(2026, 2, 10, 12, 0, 0, 0, time.UTC),
			ExtraExtensions: []pkix.Extension{{Id: OIDSandbox, Value: []byte{5, 0}}, {Id: OIDProduction, Value: []byte{5, 0}},
				{Id: OIDTopics, Value: fakeAppTopics()}},
		}
		if s.certDER, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key); err != nil {
			f.Fatal(err)
		}
		cert, _ := x509.ParseCertificate(s.certDER)
		s.certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.certDER})
		der, _ := x509.MarshalPKCS8PrivateKey(key)
		s.keyPKCS8 = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		s.p8 = s.keyPKCS8
		sec1, _ := x509.MarshalECPrivateKey(key)
		s.keySEC1 = pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1})
		enc, err := pkcs8.MarshalPrivateKey(key, []byte(fuzzPassword), nil)
		if err != nil {
			f.Fatal(err)
		}
		s.keyEncPKCS8 = pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: enc})
		//lint:ignore SA1019 keys made by the classic openssl recipes use this encryption.
		b, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", sec1, []byte(fuzzPassword), x509.PEMCipherAES256)
		if err != nil {
			f.Fatal(err)
		}
		s.keyLegacyEnc = pem.EncodeToMemory(b)
		for _, p := range []struct {
			out *[]byte
			enc *pkcs12.Encoder
			pw  string
		}{{&s.p12Modern, pkcs12.Modern, fuzzPassword}, {&s.p12Legacy, pkcs12.Legacy, fuzzPassword}, {&s.p12NoPassword, pkcs12.Passwordless, ""}} {
			if *p.out, err = p.enc.Encode(key, cert, nil, p.pw); err != nil {
				f.Fatal(err)
			}
		}
	})
	return fuzzSeedsVal
}

// checkLoaded checks what a loader returned: a credential that is whole
// and consistent (a certificate with the key that signs for it, or a P-256
// token key with well-formed ids), or a *credentialError that names a
// problem and a fix and shows neither the password nor key material.
func checkLoaded(t *testing.T, what string, c *Credential, err error, password string) {
	t.Helper()
	if err != nil {
		var ce *credentialError
		if c != nil || !errors.As(err, &ce) || ce.problem == "" || ce.fix == "" {
			t.Fatalf("%s: error %T %q (credential %v) is not a credentialError with a problem and a fix", what, err, err, c)
		}
		msg := err.Error()
		secrets := []string{"-----END"}                    // no PEM block is echoed
		if strings.HasPrefix(password, fuzzPassword[:8]) { // a password no message could contain by chance
			secrets = append(secrets, password)
		}
		for _, secret := range secrets {
			if strings.Contains(msg, secret) {
				t.Fatalf("%s: error %q gives away %q", what, msg, secret)
			}
		}
		return
	}
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	switch c.Kind {
	case KindP12, KindPEM:
		leaf := c.Certificate.Leaf
		if leaf == nil || c.Info == nil || len(c.Certificate.Certificate) == 0 || string(c.Certificate.Certificate[0]) != string(leaf.Raw) {
			t.Fatalf("%s: certificate credential without its leaf: %+v", what, c)
		}
		if key, ok := c.Certificate.PrivateKey.(crypto.Signer); !ok || !keyMatchesCertificate(key, leaf) {
			t.Fatalf("%s: private key %T does not sign for the leaf certificate", what, c.Certificate.PrivateKey)
		}
		if c.SigningKey != nil || c.KeyID != "" || !c.IsCertificate() {
			t.Fatalf("%s: certificate credential with token fields: %+v", what, c)
		}
	case KindP8:
		if c.SigningKey == nil || c.SigningKey.Curve != elliptic.P256() || !appleIDPattern.MatchString(c.TeamID) && c.TeamID != "" || c.IsCertificate() {
			t.Fatalf("%s: token credential %+v", what, c)
		}
		if c.KeyID != "" && c.TeamID != "" {
			if _, err := SignProviderToken(c, now); err != nil {
				t.Fatalf("%s: the loaded key cannot sign: %v", what, err)
			}
		}
	default:
		t.Fatalf("%s: credential of kind %v", what, c.Kind)
	}
	if c.Summary(now) == "" || len(c.Describe(now)) == 0 {
		t.Fatalf("%s: credential %+v describes itself as nothing", what, c)
	}
}

// FuzzParseCredential feeds every loader the same arbitrary bytes: each
// may refuse them, with an explained error, or give a whole credential.
func FuzzParseCredential(f *testing.F) {
	s := loadFuzzSeeds(f)
	der, _ := encryptedP256(f)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der}))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{0x30, 0x00}}))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-256-CBC,00"}, Bytes: []byte{1, 2, 3}}))
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x03})
	for _, b := range [][]byte{s.p12Modern, s.p12Legacy, s.p12NoPassword, s.p8, s.certDER, append(append([]byte{}, s.certPEM...), s.keySEC1...),
		append(append([]byte{}, s.certPEM...), s.keyEncPKCS8...), append(append([]byte{}, s.keyLegacyEnc...), s.certPEM...)} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parseP12(data, fuzzPassword, "f")
		checkLoaded(t, "parseP12", c, err, fuzzPassword)
		c, err = parsePEM(data, nil, fuzzPassword, "f", "")
		checkLoaded(t, "parsePEM", c, err, fuzzPassword)
		c, err = parsePEM(data, data, "", "f", "g")
		checkLoaded(t, "parsePEM twice", c, err, "")
		c, err = parseP8(data, "ABC123DEFG", "DEF123GHIJ", "f")
		checkLoaded(t, "parseP8", c, err, "")
		if err == nil && (c.KeyID != "ABC123DEFG" || c.TeamID != "DEF123GHIJ") {
			t.Fatalf("parseP8 changed the ids: %q, %q", c.KeyID, c.TeamID)
		}
	})
}

// FuzzParseP12 varies the .p12 bytes and the password typed.
func FuzzParseP12(f *testing.F) {
	s := loadFuzzSeeds(f)
	for _, pw := range []string{fuzzPassword, "", fuzzPassword + "-wrong", "😀"} {
		f.Add(s.p12Modern, pw)
		f.Add(s.p12Legacy, pw)
	}
	f.Add(s.p12NoPassword, "")
	f.Add(s.certPEM, "")
	f.Fuzz(func(t *testing.T, data []byte, password string) {
		c, err := ParseP12(data, password)
		checkLoaded(t, "ParseP12", c, err, password)
		if err == nil && c.Kind != KindP12 {
			t.Fatalf("ParseP12 = %+v", c)
		}
	})
}

// FuzzParsePEM varies both files of a PEM pair and the key's password.
func FuzzParsePEM(f *testing.F) {
	s := loadFuzzSeeds(f)
	for _, key := range [][]byte{s.keyPKCS8, s.keySEC1, s.keyEncPKCS8, s.keyLegacyEnc, nil} {
		f.Add(s.certPEM, key, fuzzPassword)
		f.Add(s.certDER, key, "")
		f.Add(s.certPEM, key, fuzzPassword+"-wrong")
	}
	f.Add(s.keySEC1, s.certPEM, "") // swapped files
	f.Add([]byte("-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n"), []byte{}, "")
	f.Fuzz(func(t *testing.T, cert, key []byte, password string) {
		c, err := ParsePEM(cert, key, password)
		checkLoaded(t, "ParsePEM", c, err, password)
		if err == nil && c.Kind != KindPEM {
			t.Fatalf("ParsePEM gave a %v", c.Kind)
		}
	})
}

// FuzzParseP8 varies the key file and the typed Key ID and Team ID: ids
// are accepted only as 10 letters and digits (upper-cased), and whatever
// is accepted signs a provider token.
func FuzzParseP8(f *testing.F) {
	s := loadFuzzSeeds(f)
	f.Add(s.p8, "ABC123DEFG", "DEF123GHIJ")
	f.Add(s.p8, " abc123defg ", "def123ghij\n")
	f.Add(s.p8, "", "DEF123GHIJ")
	f.Add(s.p8, "ABC123DEFGH", "ß")
	f.Add(s.keySEC1, "ABC123DEFG", "DEF123GHIJ")
	f.Add(s.keyEncPKCS8, "ABC123DEFG", "DEF123GHIJ")
	f.Add(s.p12Modern, "ABC123DEFG", "DEF123GHIJ")
	f.Fuzz(func(t *testing.T, data []byte, keyID, teamID string) {
		c, err := ParseP8(data, keyID, teamID)
		checkLoaded(t, "ParseP8", c, err, "")
		if err != nil {
			return
		}
		if c.KeyID != strings.ToUpper(strings.TrimSpace(keyID)) || c.TeamID != strings.ToUpper(strings.TrimSpace(teamID)) || !appleIDPattern.MatchString(c.KeyID) {
			t.Fatalf("ParseP8(…, %q, %q) gave ids %q, %q", keyID, teamID, c.KeyID, c.TeamID)
		}
	})
}

// FuzzLoad checks the loader that guesses a file's kind (inspect, drag and
// drop): any file content gives a credential or an explained error.
func FuzzLoad(f *testing.F) {
	s := loadFuzzSeeds(f)
	for _, b := range [][]byte{s.p12Modern, s.p12NoPassword, s.p8, s.certDER, s.certPEM, append(append([]byte{}, s.certPEM...), s.keyLegacyEnc...), {}} {
		f.Add(b, true)
		f.Add(b, false)
	}
	f.Fuzz(func(t *testing.T, data []byte, appleName bool) {
		name := "credential"
		if appleName {
			name = "AuthKey_ABC123DEFG.p8"
		}
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path, fuzzPassword)
		checkLoaded(t, "Load", c, err, fuzzPassword)
		if err == nil && c.Kind == KindP8 && c.KeyID != keyIDFromFileName(name) {
			t.Fatalf("Load(%s) gave Key ID %q", name, c.KeyID)
		}
	})
}

// FuzzParseTopicsExtension checks that malformed extension values never
// panic, and that what is read is read consistently: at most one topic
// per two bytes, and topics read without a problem encode back to a value
// that reads the same.
func FuzzParseTopicsExtension(f *testing.F) {
	f.Add(fakeAppTopics())
	f.Add([]byte{0x30, 0x03, 0x0c, 0x01, 'a'})
	f.Add([]byte{0x30, 0x80, 0x00, 0x00})
	f.Add([]byte{0x30, 0x08, 0x0c, 0x01, 'a', 0x30, 0x03, 0x02, 0x01, 0x05})
	f.Add([]byte{0x30, 0x0a, 0x13, 0x01, 'a', 0x30, 0x05, 0x16, 0x01, 'x', 0x05, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		topics, problem := parseTopicsExtension(der)
		if 2*len(topics) > len(der) {
			t.Fatalf("%d topics from %d bytes (problem %q)", len(topics), len(der), problem)
		}
		if problem == "" {
			again, p := parseTopicsExtension(encodeTopics(t, topics))
			if p != "" || !reflect.DeepEqual(again, topics) {
				t.Fatalf("topics %q read from %x encode to %q, %q", topics, der, again, p)
			}
		}
	})
}

// FuzzTopicsRoundTrip checks that any two topics (types may be empty),
// encoded as Apple does, are read back exactly.
func FuzzTopicsRoundTrip(f *testing.F) {
	f.Add("com.example.FakeApp", "app", "com.example.FakeApp.voip", "voip")
	f.Add("", "", "a", "")
	f.Add("\xff", "\x00", "é", strings.Repeat("x", 200))
	f.Fuzz(func(t *testing.T, name1, type1, name2, type2 string) {
		want := []Topic{{name1, type1}, {name2, type2}}
		got, problem := parseTopicsExtension(encodeTopics(t, want))
		if problem != "" || !reflect.DeepEqual(got, want) {
			t.Fatalf("topics %q read back as %q, %q", want, got, problem)
		}
	})
}

// encodeTopics writes topics as extension 1.2.840.113635.100.6.3.6:
// SEQUENCE { UTF8String topic, SEQUENCE { UTF8String type }, … }, with no
// type SEQUENCE for an empty type.
func encodeTopics(t *testing.T, topics []Topic) []byte {
	t.Helper()
	var body []byte
	for _, tp := range topics {
		name, err := asn1.Marshal(asn1.RawValue{Tag: asn1.TagUTF8String, Bytes: []byte(tp.Name)})
		if err != nil {
			t.Fatal(err)
		}
		body = append(body, name...)
		if tp.Type != "" {
			typ, _ := asn1.Marshal(asn1.RawValue{Tag: asn1.TagUTF8String, Bytes: []byte(tp.Type)})
			seq, err := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: typ})
			if err != nil {
				t.Fatal(err)
			}
			body = append(body, seq...)
		}
	}
	der, err := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: body})
	if err != nil {
		t.Fatal(err)
	}
	return der
}
