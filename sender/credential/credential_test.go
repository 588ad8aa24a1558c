package credential_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/youmark/pkcs8"
	"software.sslmate.com/src/go-pkcs12"

	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// credentialFixtures are issued once: RSA key generation is the slow part.
type credentialFixtures struct {
	authority *apnstest.Authority
	demo      *apnstest.PushCert // sandbox + production, three topics
	other     *apnstest.PushCert // production only, another app
	signing   *apnstest.SigningKey
	p384      []byte // a PKCS#8 P-384 key
}

var (
	fixturesOnce sync.Once
	fixtures     credentialFixtures
	fixturesErr  error
)

func loadCredentialFixtures(t *testing.T) *credentialFixtures {
	t.Helper()
	fixturesOnce.Do(func() {
		f := &fixtures
		if f.authority, fixturesErr = apnstest.NewAuthority(); fixturesErr != nil {
			return
		}
		if f.demo, fixturesErr = f.authority.IssuePushCert(apnstest.PushCertSpec{BundleID: apnstest.DemoBundleID, Sandbox: true, Production: true}); fixturesErr != nil {
			return
		}
		if f.other, fixturesErr = f.authority.IssuePushCert(apnstest.PushCertSpec{BundleID: "com.example.other", Production: true}); fixturesErr != nil {
			return
		}
		if f.signing, fixturesErr = apnstest.NewSigningKey(apnstest.DemoKeyID, apnstest.DemoTeamID); fixturesErr != nil {
			return
		}
		var k *ecdsa.PrivateKey
		if k, fixturesErr = ecdsa.GenerateKey(elliptic.P384(), rand.Reader); fixturesErr != nil {
			return
		}
		f.p384 = pemOf("PRIVATE KEY", mustPKCS8(k))
	})
	if fixturesErr != nil {
		t.Fatal(fixturesErr)
	}
	return &fixtures
}

func mustPKCS8(key any) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(err)
	}
	return der
}

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// writeCredentialFile writes data as name in a fresh temporary folder.
func writeCredentialFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// wantCredentialError checks that err wraps sentinel (nil: any error), says
// want, and gives away no password or key material.
func wantCredentialError(t *testing.T, err, sentinel error, want string, secrets ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one saying %q", want)
	}
	if sentinel != nil && !errors.Is(err, sentinel) {
		t.Fatalf("error %q does not wrap %q", err, sentinel)
	}
	msg := err.Error()
	if !strings.Contains(msg, want) {
		t.Fatalf("error %q does not say %q", msg, want)
	}
	if !strings.Contains(msg, ": ") {
		t.Fatalf("error %q does not give a fix after the cause", msg)
	}
	for _, s := range append(secrets, "-----END", "MII", "MIG") {
		if s != "" && strings.Contains(msg, s) {
			t.Fatalf("error %q gives away %q", msg, s)
		}
	}
}

// checkDemoCertificate checks a credential loaded from the demo certificate.
func checkDemoCertificate(t *testing.T, f *credentialFixtures, c *credential.Credential, kind credential.Kind) {
	t.Helper()
	if c.Kind != kind {
		t.Errorf("Kind = %v, want %v", c.Kind, kind)
	}
	if c.Certificate.Leaf == nil || !c.Certificate.Leaf.Equal(f.demo.Cert) {
		t.Fatalf("Leaf is not the demo certificate")
	}
	if !bytes.Equal(c.Certificate.Certificate[0], f.demo.Cert.Raw) {
		t.Errorf("the chain does not start with the leaf")
	}
	if !f.demo.Key.PublicKey.Equal(c.Certificate.PrivateKey.(crypto.Signer).Public()) {
		t.Errorf("PrivateKey is not the demo key")
	}
	if got := c.DefaultTopic(); got != apnstest.DemoBundleID {
		t.Errorf("DefaultTopic = %q", got)
	}
	want := apnstest.DefaultTopics(apnstest.DemoBundleID)
	if got := c.Topics(); len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("Topics = %v, want %v", got, want)
	}
	if !c.Info.Sandbox || !c.Info.Production || c.Info.TeamID != apnstest.DemoTeamID {
		t.Errorf("Info = %+v", c.Info)
	}
	now := time.Now()
	if got, want := c.Summary(now), "Apple Push Services: com.example.demo · 3 topics · sandbox + production · expires "+f.demo.Cert.NotAfter.UTC().Format("2006-01-02"); got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	if err := c.CheckValidity(now); err != nil {
		t.Errorf("CheckValidity: %v", err)
	}
	if d := strings.Join(c.Describe(now), "\n"); !strings.Contains(d, "Key: RSA 2048-bit") || strings.Contains(d, "PRIVATE") {
		t.Errorf("Describe:\n%s", d)
	}
}

func TestLoadP12(t *testing.T) {
	f := loadCredentialFixtures(t)
	tests := []struct {
		name     string
		password string
		modern   bool
	}{
		{"modern (OpenSSL 3)", "demo", true},
		{"legacy (RC2, Keychain Access)", "demo", false},
		{"modern, empty password", "", true},
		{"legacy, empty password", "", false},
		{"legacy, non-ASCII password", "pässwörd", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := f.demo.P12(tt.password, tt.modern)
			if err != nil {
				t.Fatal(err)
			}
			c, err := credential.LoadP12(writeCredentialFile(t, "demo.p12", data), tt.password)
			if err != nil {
				t.Fatalf("LoadP12: %v", err)
			}
			checkDemoCertificate(t, f, c, credential.KindP12)
			if c.Source != "demo.p12" {
				t.Errorf("Source = %q", c.Source)
			}
			if _, err := credential.ParseP12(data, tt.password); err != nil {
				t.Errorf("ParseP12: %v", err)
			}
		})
	}
}

func TestLoadP12Refused(t *testing.T) {
	f := loadCredentialFixtures(t)
	modern, _ := f.demo.P12("right-password", true)
	legacy, _ := f.demo.P12("right-password", false)
	certOnlyLegacy, err := pkcs12.LegacyRC2.EncodeTrustStore([]*x509.Certificate{f.demo.Cert}, "pw")
	if err != nil {
		t.Fatal(err)
	}
	certOnlyModern, err := pkcs12.Modern2023.EncodeTrustStore([]*x509.Certificate{f.demo.Cert}, "pw")
	if err != nil {
		t.Fatal(err)
	}
	mismatched, err := pkcs12.Modern2023.Encode(f.other.Key, f.demo.Cert, nil, "pw")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, password string
		data           []byte
		sentinel       error
		want           string
	}{
		{"wrong password, modern", "wrong-guess", modern, credential.ErrWrongPassword,
			"the password for demo.p12 is wrong: type the password you chose when exporting from Keychain Access"},
		{"wrong password, legacy", "wrong-guess", legacy, credential.ErrWrongPassword, "the password for demo.p12 is wrong"},
		{"no password given", "", legacy, credential.ErrWrongPassword, "demo.p12 is protected by a password"},
		{"password with emoji", "🔑", legacy, credential.ErrWrongPassword, "cannot hold"},
		{"certificate only, legacy", "pw", certOnlyLegacy, credential.ErrNoPrivateKey,
			"demo.p12 holds no private key: export the certificate *with* its key from Keychain Access (select both, then Export 2 items)"},
		{"certificate only, modern", "pw", certOnlyModern, credential.ErrNoPrivateKey, "holds no private key"},
		{"key of another certificate", "pw", mismatched, credential.ErrKeyMismatch, "does not belong to its certificate"},
		{"a PEM file", "", f.demo.CertPEM, nil, "demo.p12 is a PEM file, not a .p12: load it as PEM"},
		{"a token key", "", f.signing.P8, credential.ErrNoCertificate, "load it as a .p8"},
		{"a DER certificate", "", f.demo.Cert.Raw, credential.ErrNoPrivateKey, "certificate without its private key"},
		{"garbage", "", []byte("hello, world"), nil, "demo.p12 is not a .p12 (PKCS#12) file"},
		{"damaged", "right-password", modern[:len(modern)-40], nil, "demo.p12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := credential.LoadP12(writeCredentialFile(t, "demo.p12", tt.data), tt.password)
			wantCredentialError(t, err, tt.sentinel, tt.want, tt.password, "right-password")
		})
	}
	_, err = credential.ParseP12(modern, "nope")
	wantCredentialError(t, err, credential.ErrWrongPassword, "the password for this .p12 is wrong")
}

func TestLoadP12PicksTheLeafByItsKey(t *testing.T) {
	f := loadCredentialFixtures(t)
	// The CA first, the push certificate second: the key decides the leaf.
	data, err := pkcs12.Modern2023.Encode(f.demo.Key, f.authority.Cert, []*x509.Certificate{f.demo.Cert}, "pw")
	if err != nil {
		t.Fatal(err)
	}
	c, err := credential.ParseP12(data, "pw")
	if err != nil {
		t.Fatal(err)
	}
	checkDemoCertificate(t, f, c, credential.KindP12)
	if len(c.Certificate.Certificate) != 2 || !bytes.Equal(c.Certificate.Certificate[1], f.authority.Cert.Raw) {
		t.Errorf("the chain should be the leaf and then the CA")
	}
}

func TestLoadNotFound(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nowhere.p12")
	for name, load := range map[string]func() error{
		"LoadP12": func() error { _, err := credential.LoadP12(missing, ""); return err },
		"LoadPEM": func() error { _, err := credential.LoadPEM(missing, "", ""); return err },
		"LoadP8": func() error {
			_, err := credential.LoadP8(missing, apnstest.DemoKeyID, apnstest.DemoTeamID)
			return err
		},
		"Load": func() error { _, err := credential.Load(missing, ""); return err },
	} {
		err := load()
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: %v does not wrap fs.ErrNotExist", name, err)
		}
		wantCredentialError(t, err, nil, "nowhere.p12 was not found")
	}
	_, err := credential.LoadP12(t.TempDir(), "")
	wantCredentialError(t, err, nil, "is a folder")
}

// legacyEncryptedKey is the key in the 2009 article's form: PKCS#1 with
// Proc-Type/DEK-Info headers.
func legacyEncryptedKey(t *testing.T, f *credentialFixtures, password string) []byte {
	t.Helper()
	//lint:ignore SA1019 the point is to read keys made with this deprecated encryption.
	b, err := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(f.demo.Key), []byte(password), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(b)
}

func encryptedPKCS8Key(t *testing.T, f *credentialFixtures, password string) []byte {
	t.Helper()
	der, err := pkcs8.MarshalPrivateKey(f.demo.Key, []byte(password), nil)
	if err != nil {
		t.Fatal(err)
	}
	return pemOf("ENCRYPTED PRIVATE KEY", der)
}

func TestLoadPEM(t *testing.T) {
	f := loadCredentialFixtures(t)
	pkcs1 := pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(f.demo.Key))
	bagAttributes := "Bag Attributes\n    friendlyName: Apple Push Services: com.example.demo\n    localKeyID: 01 02 03\nsubject=/UID=com.example.demo/CN=Apple Push Services: com.example.demo\n"
	crlf := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) }
	tests := []struct {
		name      string
		cert, key []byte // key nil: in the certificate file
		password  string
		source    string
	}{
		{"certificate and PKCS#8 key in two files", f.demo.CertPEM, f.demo.KeyPEM, "", "cert.pem + key.pem"},
		{"combined file", append(append([]byte{}, f.demo.CertPEM...), f.demo.KeyPEM...), nil, "", "cert.pem"},
		{"key first in a combined file", append(append([]byte{}, f.demo.KeyPEM...), f.demo.CertPEM...), nil, "", "cert.pem"},
		{"files swapped", f.demo.KeyPEM, f.demo.CertPEM, "", "cert.pem + key.pem"},
		{"PKCS#1 key", f.demo.CertPEM, pkcs1, "", "cert.pem + key.pem"},
		{"openssl pkcs12 output with bag attributes", []byte(bagAttributes + string(f.demo.CertPEM)), []byte(bagAttributes + string(pkcs1)), "", "cert.pem + key.pem"},
		{"Windows line ends", crlf(f.demo.CertPEM), crlf(f.demo.KeyPEM), "", "cert.pem + key.pem"},
		{"DER .cer from the developer portal", f.demo.Cert.Raw, f.demo.KeyPEM, "", "cert.pem + key.pem"},
		{"DER key", f.demo.CertPEM, mustPKCS8(f.demo.Key), "", "cert.pem + key.pem"},
		{"encrypted PKCS#8 key", f.demo.CertPEM, encryptedPKCS8Key(t, f, "s3cret"), "s3cret", "cert.pem + key.pem"},
		{"legacy encrypted key (Proc-Type, DEK-Info)", f.demo.CertPEM, legacyEncryptedKey(t, f, "s3cret"), "s3cret", "cert.pem + key.pem"},
		{"password given for a plain key", f.demo.CertPEM, f.demo.KeyPEM, "unused", "cert.pem + key.pem"},
		{"chain and a key of another certificate in the file", append(append(append([]byte{}, f.authority.CertPEM...), f.other.KeyPEM...), f.demo.CertPEM...), f.demo.KeyPEM, "", "cert.pem + key.pem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			certPath := writeCredentialFile(t, "cert.pem", tt.cert)
			keyPath := ""
			if tt.key != nil {
				keyPath = filepath.Join(filepath.Dir(certPath), "key.pem")
				if err := os.WriteFile(keyPath, tt.key, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			c, err := credential.LoadPEM(certPath, keyPath, tt.password)
			if err != nil {
				t.Fatalf("LoadPEM: %v", err)
			}
			checkDemoCertificate(t, f, c, credential.KindPEM)
			if c.Source != tt.source {
				t.Errorf("Source = %q, want %q", c.Source, tt.source)
			}
			if _, err := credential.ParsePEM(tt.cert, tt.key, tt.password); err != nil {
				t.Errorf("ParsePEM: %v", err)
			}
		})
	}
}

func TestLoadPEMRefused(t *testing.T) {
	f := loadCredentialFixtures(t)
	p12, _ := f.demo.P12("pw", true)
	csr := pemOf("CERTIFICATE REQUEST", []byte{0x30, 0x00})
	tests := []struct {
		name      string
		cert, key []byte
		password  string
		sentinel  error
		want      string
	}{
		{"certificate only", f.demo.CertPEM, nil, "", credential.ErrNoPrivateKey, "cert.pem holds a certificate but no private key"},
		{"key only", f.demo.KeyPEM, nil, "", credential.ErrNoCertificate, "cert.pem holds a private key but no certificate"},
		{"two files without a certificate", f.demo.KeyPEM, f.demo.KeyPEM, "", credential.ErrNoCertificate, "cert.pem and key.pem hold a private key but no certificate"},
		{"key of another certificate", f.demo.CertPEM, f.other.KeyPEM, "", credential.ErrKeyMismatch,
			"the private key in key.pem does not belong to the certificate in cert.pem"},
		{"encrypted PKCS#8 without password", f.demo.CertPEM, encryptedPKCS8Key(t, f, "s3cret"), "", credential.ErrKeyPasswordNeeded, "the private key in key.pem is encrypted: type its password"},
		{"encrypted PKCS#8, wrong password", f.demo.CertPEM, encryptedPKCS8Key(t, f, "s3cret"), "guess", credential.ErrWrongPassword, "the password for the private key in key.pem is wrong"},
		{"legacy encrypted without password", f.demo.CertPEM, legacyEncryptedKey(t, f, "s3cret"), "", credential.ErrKeyPasswordNeeded, "is encrypted"},
		{"legacy encrypted, wrong password", f.demo.CertPEM, legacyEncryptedKey(t, f, "s3cret"), "guess", credential.ErrWrongPassword, "the password for the private key in key.pem is wrong"},
		{"a token key given as the certificate", f.signing.P8, nil, "", credential.ErrNoCertificate, "looks like a token key (.p8)"},
		{"a certificate request", csr, nil, "", credential.ErrNoCertificate, "cert.pem holds CERTIFICATE REQUEST, not a certificate: a certificate request is what you upload"},
		{"not PEM", []byte("just some text\n"), nil, "", nil, "cert.pem is not a PEM file"},
		{"a .p12", p12, nil, "", nil, "cert.pem is a .p12 file, not PEM: load it as .p12"},
		{"damaged certificate", pemOf("CERTIFICATE", []byte{0x30, 0x03, 0x02, 0x01, 0x01}), f.demo.KeyPEM, "", nil, "a certificate in cert.pem is damaged"},
		{"damaged key", f.demo.CertPEM, pemOf("RSA PRIVATE KEY", []byte{0x30, 0x00}), "", nil, "the private key in key.pem is not a readable RSA PRIVATE KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			certPath := writeCredentialFile(t, "cert.pem", tt.cert)
			keyPath := ""
			if tt.key != nil {
				keyPath = filepath.Join(filepath.Dir(certPath), "key.pem")
				if err := os.WriteFile(keyPath, tt.key, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := credential.LoadPEM(certPath, keyPath, tt.password)
			wantCredentialError(t, err, tt.sentinel, tt.want, tt.password, "s3cret")
		})
	}
}

func TestLoadP8(t *testing.T) {
	f := loadCredentialFixtures(t)
	sec1, err := x509.MarshalECPrivateKey(f.signing.Key)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file          string
		data                []byte
		keyID, teamID       string
		wantKeyID, wantTeam string
	}{
		{"ids given", "key.p8", f.signing.P8, "ABC123DEFG", "DEF123GHIJ", "ABC123DEFG", "DEF123GHIJ"},
		{"Key ID from Apple's file name", "AuthKey_ABC123DEFG.p8", f.signing.P8, "", "DEF123GHIJ", "ABC123DEFG", "DEF123GHIJ"},
		{"typed ids win over the file name", "AuthKey_ZZZZZZZZZZ.p8", f.signing.P8, "ABC123DEFG", "DEF123GHIJ", "ABC123DEFG", "DEF123GHIJ"},
		{"lower case and spaces", "key.p8", f.signing.P8, " abc123defg ", "def123ghij\n", "ABC123DEFG", "DEF123GHIJ"},
		{"SEC 1 EC PRIVATE KEY", "key.p8", pemOf("EC PRIVATE KEY", sec1), "ABC123DEFG", "DEF123GHIJ", "ABC123DEFG", "DEF123GHIJ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := credential.LoadP8(writeCredentialFile(t, tt.file, tt.data), tt.keyID, tt.teamID)
			if err != nil {
				t.Fatalf("LoadP8: %v", err)
			}
			if c.Kind != credential.KindP8 || c.KeyID != tt.wantKeyID || c.TeamID != tt.wantTeam || c.Source != tt.file {
				t.Fatalf("credential = %+v", c)
			}
			if c.SigningKey == nil || !c.SigningKey.Equal(f.signing.Key) {
				t.Fatal("SigningKey is not the .p8 key")
			}
			if got, want := c.Summary(time.Now()), "Token key ABC123DEFG · team DEF123GHIJ · all environments"; got != want {
				t.Errorf("Summary = %q, want %q", got, want)
			}
			if c.Info != nil || c.Certificate.Leaf != nil || c.Topics() != nil || c.DefaultTopic() != "" {
				t.Error("a token key has no certificate")
			}
			if sandbox, production := c.Environments(); !sandbox || !production {
				t.Error("a token key works in every environment")
			}
		})
	}
}

func TestLoadP8Refused(t *testing.T) {
	f := loadCredentialFixtures(t)
	p12, _ := f.demo.P12("pw", true)
	encDER, err := pkcs8.MarshalPrivateKey(f.signing.Key, []byte("pw"), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		data          []byte
		keyID, teamID string
		sentinel      error
		want          string
	}{
		{"no Key ID", f.signing.P8, "", "DEF123GHIJ", credential.ErrMissingKeyID, "the Key ID is missing: copy the 10-character Key ID"},
		{"short Key ID", f.signing.P8, "ABC123", "DEF123GHIJ", credential.ErrMissingKeyID, `the Key ID "ABC123" is not 10 letters and digits (it has 6 characters)`},
		{"Key ID with punctuation", f.signing.P8, "ABC-23DEFG", "DEF123GHIJ", credential.ErrMissingKeyID, "not 10 letters and digits"},
		{"no Team ID", f.signing.P8, "ABC123DEFG", "", credential.ErrMissingTeamID, "the Team ID is missing: copy the 10-character Team ID"},
		{"long Team ID", f.signing.P8, "ABC123DEFG", "DEF123GHIJK", credential.ErrMissingTeamID, "not 10 letters and digits"},
		{"P-384 key", f.p384, "ABC123DEFG", "DEF123GHIJ", credential.ErrNotP256,
			"key.p8 is a P-384 key, not the P-256 key of an APNs token key: download the APNs key (.p8) from Certificates, Identifiers & Profiles → Keys"},
		{"RSA key", f.demo.KeyPEM, "ABC123DEFG", "DEF123GHIJ", credential.ErrNotP256, "key.p8 is an RSA key (2048-bit), not the P-256 key"},
		{"a certificate", f.demo.CertPEM, "ABC123DEFG", "DEF123GHIJ", nil, "key.p8 holds a certificate, not a token key"},
		{"a .p12", p12, "ABC123DEFG", "DEF123GHIJ", nil, "key.p8 is a .p12 certificate, not a token key: load it as .p12"},
		{"encrypted", pemOf("ENCRYPTED PRIVATE KEY", encDER), "ABC123DEFG", "DEF123GHIJ", credential.ErrKeyPasswordNeeded, "Apple's .p8 keys are not"},
		{"not PEM", []byte("MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg"), "ABC123DEFG", "DEF123GHIJ", nil, "key.p8 is not a .p8 key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := credential.LoadP8(writeCredentialFile(t, "key.p8", tt.data), tt.keyID, tt.teamID)
			wantCredentialError(t, err, tt.sentinel, tt.want)
		})
	}
	_, err = credential.ParseP8(f.signing.P8, "", "")
	wantCredentialError(t, err, credential.ErrMissingKeyID, "Key ID is missing")
}

func TestLoadGuessesTheKind(t *testing.T) {
	f := loadCredentialFixtures(t)
	p12, _ := f.demo.P12("pw", false)
	combined := append(append([]byte{}, f.demo.CertPEM...), encryptedPKCS8Key(t, f, "pw")...)
	for _, tt := range []struct {
		file string
		data []byte
		kind credential.Kind
	}{
		{"demo.p12", p12, credential.KindP12},
		{"demo.pem", combined, credential.KindPEM},
		{"AuthKey_ABC123DEFG.p8", f.signing.P8, credential.KindP8},
		{"renamed.txt", f.signing.P8, credential.KindP8},
	} {
		c, err := credential.Load(writeCredentialFile(t, tt.file, tt.data), "pw")
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if c.Kind != tt.kind {
			t.Fatalf("%s: Kind = %v, want %v", tt.file, c.Kind, tt.kind)
		}
		if tt.kind != credential.KindP8 {
			checkDemoCertificate(t, f, c, tt.kind)
		}
	}
	c, err := credential.Load(writeCredentialFile(t, "AuthKey_ABC123DEFG.p8", f.signing.P8), "")
	if err != nil || c.KeyID != "ABC123DEFG" || c.TeamID != "" {
		t.Fatalf("Load of a .p8: %+v, %v (want the Key ID from the name and no team)", c, err)
	}
	if got := c.Summary(time.Now()); got != "Token key ABC123DEFG · team (missing) · all environments" {
		t.Errorf("Summary = %q", got)
	}

	_, err = credential.Load(writeCredentialFile(t, "aps.cer", f.demo.Cert.Raw), "")
	wantCredentialError(t, err, credential.ErrNoPrivateKey, "aps.cer holds a certificate but no private key")
	_, err = credential.Load(writeCredentialFile(t, "key.pem", f.demo.KeyPEM), "")
	wantCredentialError(t, err, credential.ErrNoCertificate, "key.pem holds a private key but no certificate")
	_, err = credential.Load(writeCredentialFile(t, "notes.txt", []byte("hello")), "")
	wantCredentialError(t, err, nil, "notes.txt is not a certificate or key file")
	_, err = credential.Load(writeCredentialFile(t, "demo.p12", p12), "pw-guess-7")
	wantCredentialError(t, err, credential.ErrWrongPassword, "the password for demo.p12 is wrong", "pw-guess-7")
}

func TestLoadedCertificateEnvironments(t *testing.T) {
	f := loadCredentialFixtures(t)
	c, err := credential.ParsePEM(f.other.CertPEM, f.other.KeyPEM, "")
	if err != nil {
		t.Fatal(err)
	}
	if sandbox, production := c.Environments(); sandbox || !production {
		t.Errorf("production-only certificate: Sandbox %v, Production %v", sandbox, production)
	}
	if !c.ProductionOnly() {
		t.Error("ProductionOnly = false for a production-only certificate")
	}
	if got := c.Info.Environments(); got != "production" {
		t.Errorf("Environments = %q", got)
	}
	if c.DefaultTopic() != "com.example.other" || len(c.Topics()) != 3 || c.Topics()[2].Type != "complication" {
		t.Errorf("DefaultTopic %q, Topics %v", c.DefaultTopic(), c.Topics())
	}
	after := f.other.Cert.NotAfter.Add(time.Hour)
	wantCredentialError(t, c.CheckValidity(after), credential.ErrCertificateExpired, "expired on "+f.other.Cert.NotAfter.UTC().Format("2006-01-02")+": create a new one in the developer portal")
	before := f.other.Cert.NotBefore.Add(-time.Hour)
	wantCredentialError(t, c.CheckValidity(before), credential.ErrCertificateNotYetValid, "is not valid until")
}
