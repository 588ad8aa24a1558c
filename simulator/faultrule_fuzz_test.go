package simulator

import (
	"strings"
	"testing"
)

// FuzzParseFault feeds serve's --fault parser any text: it never panics;
// a refusal is an error that names a key or says what to give; a rule it
// takes answers either a status (400–599, with a reason) or a GOAWAY, with
// sane conditions, and reads back the same from its String.
func FuzzParseFault(f *testing.F) {
	for _, seed := range []string{
		"status=503,every=10", "goaway=Shutdown,every=1000", "status=410", "status=429,reason=TooManyRequests,first=3",
		"status=500,rate=0.25", "goaway=BadCertificateEnvironment,token=" + strings.Repeat("ab", 32),
		"", ",", "status", "status=", "status=200", "status=503,goaway=Shutdown", "reason=Foo", "every=0,status=500",
		"rate=NaN,status=500", "status=418", "status=503,status=503", "token=12,status=500", "goaway=a\nb",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, rule string) {
		fault, err := ParseFault(rule)
		if err != nil {
			msg := err.Error()
			if !strings.Contains(msg, "status") && !strings.Contains(msg, ":") {
				t.Fatalf("ParseFault(%q) error %q names no key", rule, msg)
			}
			return
		}
		switch {
		case fault.GoAway == "" && (fault.Status < 400 || fault.Status > 599 || fault.Reason == ""):
			t.Fatalf("ParseFault(%q) = %+v: no GOAWAY and no error status with a reason", rule, fault)
		case fault.GoAway != "" && fault.Status != 0:
			t.Fatalf("ParseFault(%q) = %+v: both a status and a GOAWAY", rule, fault)
		case fault.Every < 0 || fault.First < 0 || !(fault.Rate >= 0 && fault.Rate <= 1):
			t.Fatalf("ParseFault(%q) = %+v: conditions out of range", rule, fault)
		case strings.ContainsAny(fault.Reason+fault.GoAway, "\"\\\n\r\x00"):
			t.Fatalf("ParseFault(%q) = %+v: a reason that cannot go into JSON or a log line as is", rule, fault)
		}
		again, err := ParseFault(fault.String())
		if err != nil || again != fault {
			t.Fatalf("ParseFault(%q).String() = %q reads back as %+v, %v; want %+v", rule, fault.String(), again, err, fault)
		}
	})
}
