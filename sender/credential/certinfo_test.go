package credential

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeAppTopics is the topics extension value from SilentCircle's
// apns_cert.erl (APNS-REFERENCE §3), byte for byte.
func fakeAppTopics() []byte {
	der := []byte{0x30, 0x70}
	for _, t := range []struct{ name, typ string }{
		{"com.example.FakeApp", "app"},
		{"com.example.FakeApp.voip", "voip"},
		{"com.example.FakeApp.complication", "complication"},
	} {
		der = append(der, 0x0c, byte(len(t.name)))
		der = append(der, t.name...)
		der = append(der, 0x30, byte(2+len(t.typ)), 0x0c, byte(len(t.typ)))
		der = append(der, t.typ...)
	}
	return der
}

var (
	testNotBefore = time.Date(2025, 1, 10, 12, 0, 0, 0, time.UTC)
	testNotAfter  = time.Date(2026, 2, 10, 12, 0, 0, 0, time.UTC)
)

// testCertificate makes a small ECDSA certificate shaped like Apple's
// (fast, unlike the RSA ones of package apnstest).
func testCertificate(t *testing.T, cn, uid string, exts ...pkix.Extension) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	subject := pkix.Name{CommonName: cn, OrganizationalUnit: []string{"DEF123GHIJ"}, Organization: []string{"Example Inc."}, Country: []string{"US"}}
	if uid != "" {
		subject.ExtraNames = []pkix.AttributeTypeAndValue{{Type: OIDUID, Value: uid}}
	}
	tmpl := &x509.Certificate{
		SerialNumber:    big.NewInt(0x1a2b3c),
		Subject:         subject,
		NotBefore:       testNotBefore,
		NotAfter:        testNotAfter,
		ExtraExtensions: exts,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

var (
	sandboxMarker    = pkix.Extension{Id: OIDSandbox, Value: []byte{0x05, 0x00}}
	productionMarker = pkix.Extension{Id: OIDProduction, Value: []byte{0x05, 0x00}}
)

func TestInspectCertificate(t *testing.T) {
	cert := testCertificate(t, "Apple Push Services: com.example.FakeApp", "com.example.FakeApp",
		sandboxMarker, productionMarker, pkix.Extension{Id: OIDTopics, Value: fakeAppTopics()})
	i := InspectCertificate(cert)
	want := &CertInfo{
		Subject:      "CN=Apple Push Services: com.example.FakeApp, OU=DEF123GHIJ, O=Example Inc., C=US, UID=com.example.FakeApp",
		CommonName:   "Apple Push Services: com.example.FakeApp",
		BundleID:     "com.example.FakeApp",
		TeamID:       "DEF123GHIJ",
		Organization: "Example Inc.",
		Issuer:       "CN=Apple Push Services: com.example.FakeApp, OU=DEF123GHIJ, O=Example Inc., C=US, UID=com.example.FakeApp",
		Serial:       "1A2B3C",
		Topics: []Topic{
			{"com.example.FakeApp", "app"},
			{"com.example.FakeApp.voip", "voip"},
			{"com.example.FakeApp.complication", "complication"},
		},
		Sandbox:    true,
		Production: true,
		NotBefore:  testNotBefore,
		NotAfter:   testNotAfter,
	}
	// pkix orders the subject C, O, OU, CN, then extra names; compare the
	// set of attributes rather than Go's order.
	gotParts, wantParts := strings.Split(i.Subject, ", "), strings.Split(want.Subject, ", ")
	slices.Sort(gotParts)
	slices.Sort(wantParts)
	if !slices.Equal(gotParts, wantParts) {
		t.Errorf("Subject = %q, want the attributes of %q", i.Subject, want.Subject)
	}
	i.Subject, i.Issuer = want.Subject, want.Issuer
	if !reflect.DeepEqual(i, want) {
		t.Errorf("InspectCertificate =\n%+v\nwant\n%+v", i, want)
	}
	if got := i.Environments(); got != "sandbox + production" {
		t.Errorf("Environments = %q", got)
	}
}

func TestCertInfoEnvironments(t *testing.T) {
	tests := []struct {
		exts []pkix.Extension
		want string
	}{
		{[]pkix.Extension{sandboxMarker}, "sandbox"},
		{[]pkix.Extension{productionMarker}, "production"},
		{[]pkix.Extension{sandboxMarker, productionMarker}, "sandbox + production"},
		{nil, "none: not a push certificate"},
	}
	for _, tt := range tests {
		i := InspectCertificate(testCertificate(t, "Apple Push Services: a.b", "a.b", tt.exts...))
		if got := i.Environments(); got != tt.want {
			t.Errorf("markers %v: Environments = %q, want %q", tt.exts, got, tt.want)
		}
	}
}

func TestInspectCertificateBundleIDFallbacks(t *testing.T) {
	i := InspectCertificate(testCertificate(t, "Apple Development IOS Push Services: com.example.old", ""))
	if i.BundleID != "com.example.old" {
		t.Errorf("BundleID from the CN = %q", i.BundleID)
	}
	i = InspectCertificate(testCertificate(t, "Something else", "", pkix.Extension{Id: OIDTopics, Value: fakeAppTopics()}))
	if i.BundleID != "com.example.FakeApp" {
		t.Errorf("BundleID from the app topic = %q", i.BundleID)
	}
}

func TestParseTopicsExtensionMalformed(t *testing.T) {
	good := fakeAppTopics()
	tests := []struct {
		name    string
		der     []byte
		topics  int
		problem string
	}{
		{"not DER", []byte{0xff}, 0, "not DER"},
		{"empty", nil, 0, "not DER"},
		{"truncated", good[:40], 0, "not DER"},
		{"an INTEGER, not a SEQUENCE", []byte{0x02, 0x01, 0x05}, 0, "expected a SEQUENCE"},
		{"trailing data", append(append([]byte{}, good...), 0x05, 0x00), 3, "trailing data"},
		{"an INTEGER among the topics", []byte{0x30, 0x08, 0x0c, 0x01, 'a', 0x02, 0x01, 0x05, 0x05, 0x00}, 1, "unexpected element"},
		{"a type without a topic", []byte{0x30, 0x05, 0x30, 0x03, 0x0c, 0x01, 'x'}, 0, "without a topic"},
		{"two types for one topic", []byte{0x30, 0x0d, 0x0c, 0x01, 'a', 0x30, 0x03, 0x0c, 0x01, 'x', 0x30, 0x03, 0x0c, 0x01, 'y'}, 1, "without a topic"},
		{"a type that is not a string", []byte{0x30, 0x08, 0x0c, 0x01, 'a', 0x30, 0x03, 0x02, 0x01, 0x05}, 1, "not a string"},
		{"an inner length past the end", []byte{0x30, 0x04, 0x0c, 0x09, 'a', 'b'}, 0, "not DER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			topics, problem := parseTopicsExtension(tt.der)
			if len(topics) != tt.topics || !strings.Contains(problem, tt.problem) {
				t.Fatalf("parseTopicsExtension = %v, %q; want %d topics and a problem with %q", topics, problem, tt.topics, tt.problem)
			}
		})
	}
	// A topic without a type is legal: it gets an empty type.
	topics, problem := parseTopicsExtension([]byte{0x30, 0x03, 0x0c, 0x01, 'a'})
	if problem != "" || !reflect.DeepEqual(topics, []Topic{{Name: "a"}}) {
		t.Fatalf("untyped topic: %v, %q", topics, problem)
	}
	// The certificate still loads; the problem is reported.
	cert := testCertificate(t, "Apple Push Services: a.b", "a.b", pkix.Extension{Id: OIDTopics, Value: []byte{0x30, 0x03, 0x02, 0x01, 0x05}})
	i := InspectCertificate(cert)
	if len(i.Problems) != 1 || !strings.Contains(i.Problems[0], "1.2.840.113635.100.6.3.6") {
		t.Fatalf("Problems = %q", i.Problems)
	}
	c := &Credential{Kind: KindPEM, Info: i}
	if d := strings.Join(c.Describe(testNotBefore), "\n"); !strings.Contains(d, "Problem: topics extension") {
		t.Fatalf("Describe does not report the problem:\n%s", d)
	}
}

func TestCredentialEnvironments(t *testing.T) {
	cred := func(exts ...pkix.Extension) *Credential {
		return &Credential{Kind: KindPEM, Info: InspectCertificate(testCertificate(t, "Apple Push Services: a.b", "a.b", exts...))}
	}
	tests := []struct {
		name                string
		c                   *Credential
		sandbox, production bool
		productionOnly      bool
	}{
		{"sandbox only", cred(sandboxMarker), true, false, false},
		{"production only", cred(productionMarker), false, true, true},
		{"both", cred(sandboxMarker, productionMarker), true, true, false},
		{"no markers", cred(), true, true, false},
		{"token key", &Credential{Kind: KindP8, KeyID: "ABC123DEFG", TeamID: "DEF123GHIJ"}, true, true, false},
	}
	for _, tt := range tests {
		sandbox, production := tt.c.Environments()
		if sandbox != tt.sandbox || production != tt.production {
			t.Errorf("%s: Environments() = %v, %v; want %v, %v", tt.name, sandbox, production, tt.sandbox, tt.production)
		}
		if got := tt.c.ProductionOnly(); got != tt.productionOnly {
			t.Errorf("%s: ProductionOnly() = %v, want %v", tt.name, got, tt.productionOnly)
		}
	}
}

func TestCredentialValidity(t *testing.T) {
	c := &Credential{Kind: KindPEM, Info: InspectCertificate(testCertificate(t, "Apple Push Services: com.example.FakeApp", "com.example.FakeApp",
		sandboxMarker, productionMarker, pkix.Extension{Id: OIDTopics, Value: fakeAppTopics()}))}
	day := 24 * time.Hour
	tests := []struct {
		name     string
		now      time.Time
		sentinel error
		errText  string
		warning  string
		summary  string
	}{
		{"valid for long", testNotBefore.Add(day), nil, "", "",
			"Apple Push Services: com.example.FakeApp · 3 topics · sandbox + production · expires 2026-02-10"},
		{"not yet valid", testNotBefore.Add(-time.Minute), ErrCertificateNotYetValid, "is not valid until 2025-01-10 12:00 UTC", "not valid until 2025-01-10 12:00 UTC",
			"Apple Push Services: com.example.FakeApp · 3 topics · sandbox + production · not valid until 2025-01-10 12:00 UTC"},
		{"expired", testNotAfter.Add(time.Second), ErrCertificateExpired, "expired on 2026-02-10: create a new one in the developer portal", "expired on 2026-02-10",
			"Apple Push Services: com.example.FakeApp · 3 topics · sandbox + production · expired on 2026-02-10"},
		{"30 days left", testNotAfter.Add(-30*day - time.Hour), nil, "", "expires in 30 days, on 2026-02-10",
			"Apple Push Services: com.example.FakeApp · 3 topics · sandbox + production · expires in 30 days, on 2026-02-10"},
		{"31 days left", testNotAfter.Add(-31*day - time.Hour), nil, "", "",
			"Apple Push Services: com.example.FakeApp · 3 topics · sandbox + production · expires 2026-02-10"},
		{"one day left", testNotAfter.Add(-day - time.Hour), nil, "", "expires tomorrow, at 2026-02-10 12:00 UTC", ""},
		{"23 hours left, the date is tomorrow", testNotAfter.Add(-23 * time.Hour), nil, "", "expires tomorrow, at 2026-02-10 12:00 UTC", ""},
		{"two days on the calendar", testNotAfter.Add(-47 * time.Hour), nil, "", "expires in 2 days, on 2026-02-10", ""},
		{"hours left", testNotAfter.Add(-time.Hour), nil, "", "expires today, at 2026-02-10 12:00 UTC", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.CheckValidity(tt.now)
			switch {
			case tt.sentinel == nil && err != nil:
				t.Errorf("CheckValidity: %v", err)
			case tt.sentinel != nil && !errors.Is(err, tt.sentinel):
				t.Errorf("CheckValidity = %v, want %v", err, tt.sentinel)
			case tt.sentinel != nil && !strings.Contains(err.Error(), tt.errText):
				t.Errorf("CheckValidity = %q, want it to contain %q", err, tt.errText)
			}
			if got := c.ExpiryWarning(tt.now); got != tt.warning {
				t.Errorf("ExpiryWarning = %q, want %q", got, tt.warning)
			}
			if got := c.Summary(tt.now); tt.summary != "" && got != tt.summary {
				t.Errorf("Summary =\n %q\nwant\n %q", got, tt.summary)
			}
		})
	}
}

func TestCredentialTopicsAndDescribe(t *testing.T) {
	c := &Credential{Kind: KindP12, Source: "demo.p12", Info: InspectCertificate(testCertificate(t, "Apple Push Services: com.example.FakeApp", "com.example.FakeApp",
		sandboxMarker, pkix.Extension{Id: OIDTopics, Value: fakeAppTopics()}))}
	if got := c.DefaultTopic(); got != "com.example.FakeApp" {
		t.Errorf("DefaultTopic = %q", got)
	}
	topics := c.Topics()
	if len(topics) != 3 || topics[1] != (Topic{"com.example.FakeApp.voip", "voip"}) {
		t.Fatalf("Topics = %v", topics)
	}
	topics[0].Name = "changed"
	if c.Info.Topics[0].Name != "com.example.FakeApp" {
		t.Error("Topics returns the certificate's own slice")
	}
	d := strings.Join(c.Describe(testNotAfter.Add(-10*24*time.Hour)), "\n")
	for _, want := range []string{
		"Kind: certificate (.p12)", "File: demo.p12", "Bundle id: com.example.FakeApp", "Team: DEF123GHIJ (Example Inc.)",
		"Environments: sandbox", "Topics (3):", "  com.example.FakeApp.complication (complication)",
		"Valid: 2025-01-10 12:00 UTC to 2026-02-10 12:00 UTC (10 days left)", "Serial: 1A2B3C",
		"Warning: the certificate expires in 10 days, on 2026-02-10",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("Describe lacks %q:\n%s", want, d)
		}
	}
}

func TestTokenKeyCredentialText(t *testing.T) {
	c := &Credential{Kind: KindP8, Source: "AuthKey_ABC123DEFG.p8", KeyID: "ABC123DEFG", TeamID: "DEF123GHIJ"}
	now := time.Now()
	if got, want := c.Summary(now), "Token key ABC123DEFG · team DEF123GHIJ · all environments"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	if c.ExpiryWarning(now) != "" || c.CheckValidity(now) != nil || c.DefaultTopic() != "" || c.Topics() != nil {
		t.Error("a token key has no expiry, default topic or topics")
	}
	d := strings.Join(c.Describe(now), "\n")
	for _, want := range []string{"Kind: token key (.p8)", "Key ID: ABC123DEFG", "Team ID: DEF123GHIJ", "Key: none", "Environments: all"} {
		if !strings.Contains(d, want) {
			t.Errorf("Describe lacks %q:\n%s", want, d)
		}
	}
	c.TeamID = ""
	if got := c.Summary(now); !strings.Contains(got, "team (missing)") {
		t.Errorf("Summary without a team = %q", got)
	}
}

// asn1 is used by the fixtures above only through the byte literals; this
// checks the literal against encoding/asn1 so a typo cannot hide.
func TestFakeAppTopicsIsDER(t *testing.T) {
	var raw asn1.RawValue
	if rest, err := asn1.Unmarshal(fakeAppTopics(), &raw); err != nil || len(rest) != 0 || raw.Tag != asn1.TagSequence || len(raw.Bytes) != 0x70 {
		t.Fatalf("fixture is not one 0x70-byte SEQUENCE: %v, %d trailing", err, len(rest))
	}
}
