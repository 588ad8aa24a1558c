package simulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"apnsconsole/sender/credential"
)

var asn1Null = []byte{0x05, 0x00}

// Authority is the simulator's own certificate authority: it signs the
// server certificate and every push certificate the simulator accepts.
// Clients trust it through Pool (and only for the Local environment).
type Authority struct {
	Cert    *x509.Certificate
	Key     *ecdsa.PrivateKey
	CertPEM []byte
}

// NewAuthority makes a fresh CA, valid for ten years.
func NewAuthority() (*Authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "APNs Console Local Simulator CA", Organization: []string{"APNs Console"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &Authority{Cert: cert, Key: key, CertPEM: pemBlock("CERTIFICATE", der)}, nil
}

// Pool is a certificate pool holding only this authority.
func (a *Authority) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(a.Cert)
	return p
}

// ServerCertificate issues a TLS server certificate for loopback
// (127.0.0.1, ::1, localhost) and any extra host names given.
func (a *Authority) ServerCertificate(hosts ...string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "APNs Console Local Simulator"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(5, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.Cert, &key.PublicKey, a.Key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der, a.Cert.Raw}, PrivateKey: key}, nil
}

// PushCertSpec describes a push certificate to issue. Zero fields take the
// defaults noted.
type PushCertSpec struct {
	BundleID   string             // the subject UID; required
	TeamID     string             // subject OU; default DemoTeamID
	CommonName string             // default "Apple Push Services: <bundle id>"
	Sandbox    bool               // carries the .6.3.1 (development) marker
	Production bool               // carries the .6.3.2 (production) marker
	Topics     []credential.Topic // default: bundle id (app), .voip (voip), .complication (complication); empty non-nil slice: no topics extension
	NotBefore  time.Time          // default an hour ago
	NotAfter   time.Time          // default a year from now
}

// PushCert is an issued push certificate with its RSA key, as Apple issues
// them.
type PushCert struct {
	Cert    *x509.Certificate
	Key     *rsa.PrivateKey
	CertPEM []byte // "CERTIFICATE"
	KeyPEM  []byte // unencrypted PKCS#8 "PRIVATE KEY"
}

// IssuePushCert signs a push certificate shaped like Apple's: UID = bundle
// id, environment markers and a topics extension.
func (a *Authority) IssuePushCert(spec PushCertSpec) (*PushCert, error) {
	if spec.BundleID == "" {
		return nil, fmt.Errorf("simulator: PushCertSpec.BundleID is empty")
	}
	if spec.TeamID == "" {
		spec.TeamID = DemoTeamID
	}
	if spec.CommonName == "" {
		spec.CommonName = "Apple Push Services: " + spec.BundleID
	}
	now := time.Now()
	if spec.NotBefore.IsZero() {
		spec.NotBefore = now.Add(-time.Hour)
	}
	if spec.NotAfter.IsZero() {
		spec.NotAfter = now.AddDate(1, 0, 0)
	}
	if spec.Topics == nil {
		spec.Topics = DefaultTopics(spec.BundleID)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	var exts []pkix.Extension
	if spec.Sandbox {
		exts = append(exts, pkix.Extension{Id: credential.OIDSandbox, Value: asn1Null})
	}
	if spec.Production {
		exts = append(exts, pkix.Extension{Id: credential.OIDProduction, Value: asn1Null})
	}
	if len(spec.Topics) > 0 {
		v, err := MarshalTopics(spec.Topics)
		if err != nil {
			return nil, err
		}
		exts = append(exts, pkix.Extension{Id: credential.OIDTopics, Value: v})
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject: pkix.Name{
			CommonName:         spec.CommonName,
			OrganizationalUnit: []string{spec.TeamID},
			Organization:       []string{"Example Inc."},
			Country:            []string{"US"},
			ExtraNames:         []pkix.AttributeTypeAndValue{{Type: credential.OIDUID, Value: spec.BundleID}},
		},
		NotBefore:       spec.NotBefore,
		NotAfter:        spec.NotAfter,
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		ExtraExtensions: exts,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.Cert, &key.PublicKey, a.Key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &PushCert{Cert: cert, Key: key, CertPEM: pemBlock("CERTIFICATE", der), KeyPEM: pemBlock("PRIVATE KEY", keyDER)}, nil
}

// P12 encodes the certificate and key as a PKCS#12 file. modern selects
// OpenSSL 3's defaults (AES-256 + PBKDF2 + SHA-256 MAC); otherwise the
// legacy RC2/3DES + SHA-1 encoding that Keychain Access exports.
func (p *PushCert) P12(password string, modern bool) ([]byte, error) {
	enc := pkcs12.LegacyRC2
	if modern {
		enc = pkcs12.Modern2023
	}
	return enc.Encode(p.Key, p.Cert, nil, password)
}

// LegacyP12 encodes the certificate and key as a PKCS#12 file with 3DES
// and a SHA-1 MAC, which every PKCS#12 reader takes, golang.org/x/crypto/
// pkcs12 (and the clients built on it, sideshow/apns2 among them) too.
func (p *PushCert) LegacyP12(password string) ([]byte, error) {
	return pkcs12.LegacyDES.Encode(p.Key, p.Cert, nil, password)
}

// DefaultTopics is the topic list of a typical certificate for bundleID:
// the app, its VoIP and its complication topics.
func DefaultTopics(bundleID string) []credential.Topic {
	return []credential.Topic{
		{Name: bundleID, Type: "app"},
		{Name: bundleID + ".voip", Type: "voip"},
		{Name: bundleID + ".complication", Type: "complication"},
	}
}

// MarshalTopics encodes a topics extension value the way Apple does:
// SEQUENCE { UTF8String topic, SEQUENCE { UTF8String type }, … }.
func MarshalTopics(topics []credential.Topic) ([]byte, error) {
	var body []byte
	for _, t := range topics {
		name, err := asn1.MarshalWithParams(t.Name, "utf8")
		if err != nil {
			return nil, err
		}
		typ, err := asn1.MarshalWithParams(t.Type, "utf8")
		if err != nil {
			return nil, err
		}
		seq, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: typ})
		if err != nil {
			return nil, err
		}
		body = append(append(body, name...), seq...)
	}
	return asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: body})
}

// SigningKey is a token-auth (.p8) key as Apple issues it: a P-256 key in
// an unencrypted PKCS#8 PEM, with its Key ID and Team ID.
type SigningKey struct {
	KeyID  string
	TeamID string
	Key    *ecdsa.PrivateKey
	P8     []byte
}

// NewSigningKey makes a fresh .p8 key for keyID and teamID.
func NewSigningKey(keyID, teamID string) (*SigningKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &SigningKey{KeyID: keyID, TeamID: teamID, Key: key, P8: pemBlock("PRIVATE KEY", der)}, nil
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return n
}
