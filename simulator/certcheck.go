package simulator

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"time"

	"apnsconsole/sender/credential"
)

// certIdentity is what a client certificate says about the provider.
type certIdentity struct {
	bundleID   string   // subject UID
	teamID     string   // subject OU
	topics     []string // from the topics extension; just bundleID when the certificate has none
	sandbox    bool     // carries the .6.3.1 marker
	production bool     // carries the .6.3.2 marker
}

// allows reports whether the certificate may be used in env.
func (c *certIdentity) allows(env Environment) bool {
	if env == Production {
		return c.production
	}
	return c.sandbox
}

// errNotPushCert is why a chained certificate is still refused.
var errNotPushCert = errors.New("not an Apple push certificate (no UID or no environment marker)")

// checkClientCert verifies the client's chain against the authority at
// now and reads the push identity from the leaf. Expired certificates fail
// here, so they are answered 403 BadCertificate on every request rather
// than with a bare TLS alert: the client then learns the reason.
func checkClientCert(chain []*x509.Certificate, roots *x509.CertPool, now time.Time) (*certIdentity, error) {
	leaf := chain[0]
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	if err != nil {
		return nil, err
	}
	id := &certIdentity{}
	for _, n := range leaf.Subject.Names {
		if n.Type.Equal(credential.OIDUID) {
			id.bundleID, _ = n.Value.(string)
		}
	}
	if len(leaf.Subject.OrganizationalUnit) > 0 {
		id.teamID = leaf.Subject.OrganizationalUnit[0]
	}
	for _, ext := range leaf.Extensions {
		switch {
		case ext.Id.Equal(credential.OIDSandbox):
			id.sandbox = true
		case ext.Id.Equal(credential.OIDProduction):
			id.production = true
		case ext.Id.Equal(credential.OIDTopics):
			topics, err := parseTopics(ext.Value)
			if err != nil {
				return nil, err
			}
			id.topics = topics
		}
	}
	if id.bundleID == "" || !id.sandbox && !id.production {
		return nil, errNotPushCert
	}
	if len(id.topics) == 0 {
		id.topics = []string{id.bundleID}
	}
	return id, nil
}

// parseTopics reads the topic names of a topics extension:
// SEQUENCE { UTF8String topic, SEQUENCE { UTF8String type }, … }.
func parseTopics(der []byte) ([]string, error) {
	var seq asn1.RawValue
	if rest, err := asn1.Unmarshal(der, &seq); err != nil || len(rest) > 0 || seq.Tag != asn1.TagSequence {
		return nil, fmt.Errorf("topics extension is not a sequence")
	}
	var topics []string
	for b := seq.Bytes; len(b) > 0; {
		var v asn1.RawValue
		rest, err := asn1.Unmarshal(b, &v)
		if err != nil {
			return nil, fmt.Errorf("topics extension: %w", err)
		}
		if v.Class == asn1.ClassUniversal && v.Tag == asn1.TagUTF8String {
			topics = append(topics, string(v.Bytes))
		}
		b = rest
	}
	return topics, nil
}
