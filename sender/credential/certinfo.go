package credential

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"strings"
	"time"
)

// Apple's push certificate extensions and the subject's UID attribute
// (APNS-REFERENCE §3): the development (sandbox) and production markers,
// the topic list, and the UID that holds the bundle id.
var (
	OIDSandbox    = asn1.ObjectIdentifier{1, 2, 840, 113635, 100, 6, 3, 1}
	OIDProduction = asn1.ObjectIdentifier{1, 2, 840, 113635, 100, 6, 3, 2}
	OIDTopics     = asn1.ObjectIdentifier{1, 2, 840, 113635, 100, 6, 3, 6}
	OIDUID        = asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}
)

// CertInfo is what a push certificate says about itself.
type CertInfo struct {
	Subject      string // the subject DN in certificate order, e.g. "UID=com.example.demo, CN=Apple Push Services: com.example.demo, OU=DEF123GHIJ, O=Example Inc., C=US"
	CommonName   string
	BundleID     string // the UID (the default topic); else guessed from the CN or the first app topic
	TeamID       string // the OU
	Organization string // the O (team name)
	Issuer       string // the issuer DN
	Serial       string // upper-case hex
	Topics       []Topic
	Sandbox      bool // carries the development marker 1.2.840.113635.100.6.3.1
	Production   bool // carries the production marker 1.2.840.113635.100.6.3.2
	NotBefore    time.Time
	NotAfter     time.Time
	Problems     []string // parts that could not be read, e.g. a malformed topics extension
}

// InspectCertificate reads a push certificate's subject, Apple extensions
// and validity. It never fails: what it cannot read is listed in Problems.
func InspectCertificate(cert *x509.Certificate) *CertInfo {
	i := &CertInfo{
		Subject:    distinguishedName(cert.Subject.Names),
		CommonName: cert.Subject.CommonName,
		Issuer:     distinguishedName(cert.Issuer.Names),
		NotBefore:  cert.NotBefore,
		NotAfter:   cert.NotAfter,
	}
	if cert.SerialNumber != nil {
		i.Serial = strings.ToUpper(cert.SerialNumber.Text(16))
	}
	if len(cert.Subject.OrganizationalUnit) > 0 {
		i.TeamID = cert.Subject.OrganizationalUnit[0]
	}
	if len(cert.Subject.Organization) > 0 {
		i.Organization = cert.Subject.Organization[0]
	}
	for _, n := range cert.Subject.Names {
		if n.Type.Equal(OIDUID) {
			i.BundleID = fmt.Sprint(n.Value)
			break
		}
	}
	for _, ext := range cert.Extensions {
		switch {
		case ext.Id.Equal(OIDSandbox):
			i.Sandbox = true
		case ext.Id.Equal(OIDProduction):
			i.Production = true
		case ext.Id.Equal(OIDTopics):
			topics, problem := parseTopicsExtension(ext.Value)
			i.Topics = topics
			if problem != "" {
				i.Problems = append(i.Problems, "topics extension (1.2.840.113635.100.6.3.6): "+problem)
			}
		}
	}
	if i.BundleID == "" {
		i.BundleID = bundleIDFromCommonName(i.CommonName)
	}
	if i.BundleID == "" {
		for _, t := range i.Topics {
			if t.Type == "app" {
				i.BundleID = t.Name
				break
			}
		}
	}
	return i
}

// Environments is "sandbox", "production", "sandbox + production", or
// "none: not a push certificate" from the environment markers.
func (i *CertInfo) Environments() string {
	switch {
	case i.Sandbox && i.Production:
		return "sandbox + production"
	case i.Sandbox:
		return "sandbox"
	case i.Production:
		return "production"
	}
	return "none: not a push certificate"
}

// displayName is how messages name the certificate: its CN, else its
// bundle id, else its subject.
func (i *CertInfo) displayName() string {
	for _, s := range []string{i.CommonName, i.BundleID, i.Subject} {
		if s != "" {
			return s
		}
	}
	return "(no subject)"
}

// describe is the certificate's part of Credential.Describe.
func (i *CertInfo) describe(now time.Time) []string {
	lines := []string{
		"Subject: " + i.Subject,
		"Common name: " + orMissing(i.CommonName, "(none)"),
		"Bundle id: " + orMissing(i.BundleID, "(none)"),
		"Team: " + orMissing(i.TeamID, "(no OU)") + teamName(i.Organization),
		"Environments: " + i.Environments(),
	}
	if len(i.Topics) == 0 {
		lines = append(lines, "Topics: none listed (the certificate covers its bundle id only)")
	} else {
		lines = append(lines, fmt.Sprintf("Topics (%d):", len(i.Topics)))
		for _, t := range i.Topics {
			lines = append(lines, "  "+t.Name+" ("+orMissing(t.Type, "no type")+")")
		}
	}
	validity := "Valid: " + formatMoment(i.NotBefore) + " to " + formatMoment(i.NotAfter)
	switch {
	case now.Before(i.NotBefore):
		validity += " (not yet valid)"
	case now.After(i.NotAfter):
		validity += " (expired)"
	default:
		validity += fmt.Sprintf(" (%d days left)", int(i.NotAfter.Sub(now)/(24*time.Hour)))
	}
	lines = append(lines, validity, "Issuer: "+i.Issuer, "Serial: "+i.Serial)
	for _, p := range i.Problems {
		lines = append(lines, "Problem: "+p)
	}
	return lines
}

func teamName(org string) string {
	if org == "" {
		return ""
	}
	return " (" + org + ")"
}

// bundleIDFromCommonName reads the bundle id from CNs such as "Apple Push
// Services: com.example.demo" or "Apple Development IOS Push Services:
// com.example.demo".
func bundleIDFromCommonName(cn string) string {
	prefix, id, ok := strings.Cut(cn, ": ")
	if !ok || !strings.Contains(prefix, "Push Services") {
		return ""
	}
	return strings.TrimSpace(id)
}

// parseTopicsExtension walks the value of extension 1.2.840.113635.100.6.3.6:
// SEQUENCE { UTF8String topic, SEQUENCE { UTF8String type }, … }. On
// malformed data it returns the topics read so far and says what was wrong.
func parseTopicsExtension(der []byte) ([]Topic, string) {
	var outer asn1.RawValue
	rest, err := asn1.Unmarshal(der, &outer)
	if err != nil {
		return nil, "not DER: " + err.Error()
	}
	if outer.Class != asn1.ClassUniversal || outer.Tag != asn1.TagSequence || !outer.IsCompound {
		return nil, fmt.Sprintf("expected a SEQUENCE, found tag %d", outer.Tag)
	}
	var topics []Topic
	var problem string
	if len(rest) > 0 {
		problem = fmt.Sprintf("%d bytes of trailing data", len(rest))
	}
	for body := outer.Bytes; len(body) > 0; {
		var el asn1.RawValue
		body, err = asn1.Unmarshal(body, &el)
		if err != nil {
			return topics, "element " + fmt.Sprint(len(topics)+1) + " is not DER: " + err.Error()
		}
		switch {
		case isASN1String(el):
			topics = append(topics, Topic{Name: string(el.Bytes)})
		case el.Class == asn1.ClassUniversal && el.Tag == asn1.TagSequence:
			if len(topics) == 0 || topics[len(topics)-1].Type != "" {
				return topics, "a type SEQUENCE without a topic before it"
			}
			var typ asn1.RawValue
			if _, err := asn1.Unmarshal(el.Bytes, &typ); err != nil || !isASN1String(typ) {
				return topics, "the type of " + topics[len(topics)-1].Name + " is not a string"
			}
			topics[len(topics)-1].Type = string(typ.Bytes)
		default:
			return topics, fmt.Sprintf("unexpected element with tag %d", el.Tag)
		}
	}
	return topics, problem
}

// isASN1String reports whether v is a UTF8String, PrintableString or
// IA5String.
func isASN1String(v asn1.RawValue) bool {
	return v.Class == asn1.ClassUniversal && !v.IsCompound &&
		(v.Tag == asn1.TagUTF8String || v.Tag == asn1.TagPrintableString || v.Tag == asn1.TagIA5String)
}

// distinguishedNameLabels are the short names of the attributes push
// certificates use.
var distinguishedNameLabels = map[string]string{
	"2.5.4.3":                   "CN",
	"2.5.4.6":                   "C",
	"2.5.4.7":                   "L",
	"2.5.4.8":                   "ST",
	"2.5.4.10":                  "O",
	"2.5.4.11":                  "OU",
	"1.2.840.113549.1.9.1":      "emailAddress",
	"0.9.2342.19200300.100.1.1": "UID",
}

// distinguishedName writes a DN in certificate order with short labels
// (pkix.Name.String shows the UID as hex).
func distinguishedName(names []pkix.AttributeTypeAndValue) string {
	parts := make([]string, 0, len(names))
	for _, n := range names {
		label, ok := distinguishedNameLabels[n.Type.String()]
		if !ok {
			label = n.Type.String()
		}
		parts = append(parts, label+"="+fmt.Sprint(n.Value))
	}
	return strings.Join(parts, ", ")
}

// Topic is one entry of a push certificate's topic list
// (extension 1.2.840.113635.100.6.3.6): a topic and its type
// ("app", "voip", "complication", …).
type Topic struct {
	Name string
	Type string
}
