package simulator

import (
	"strings"
	"testing"
	"time"
)

// TestTokenAuthAccepts covers what the token rules must let through, the
// counterpart of the rejections in TestEveryReason.
func TestTokenAuthAccepts(t *testing.T) {
	f := getFixture(t)
	s, clk := startServer(t, f, nil)
	e := &env{t: t, f: f, s: s, clk: clk}
	ok := func(name string, a answer) {
		t.Helper()
		if a.Status != 200 {
			t.Errorf("%s: %d %s", name, a.Status, a.Body)
		}
	}

	// A DER signature (openssl, Java) is as good as the JWS one.
	ok("DER signature", e.viaToken(push{header: e.tokenHeader("authorization", bearer(derJWTFor(t, f.demo.Key, clk.Now())))}))
	// Other keys and teams work on connections of their own.
	ok("second key of the team", e.viaToken(push{header: e.tokenHeader("authorization", bearer(jwtFor(t, f.other, clk.Now())))}))
	ok("another team's key and bundle", e.viaToken(push{header: e.tokenHeader(
		"authorization", bearer(jwtFor(t, f.otherTeam, clk.Now())), "apns-topic", "com.example.teamtwo")}))
	// Suffixed topics of the team's bundle, with their push types.
	ok("voip topic", e.viaToken(push{body: repeat(5120), header: e.tokenHeader(
		"apns-topic", DemoBundleID+".voip", "apns-push-type", "voip")}))
	ok("live activity topic", e.viaToken(push{header: e.tokenHeader(
		"apns-topic", DemoBundleID+".push-type.liveactivity", "apns-push-type", "liveactivity", "apns-priority", "10")}))
	ok("background at priority 5", e.viaToken(push{header: e.tokenHeader("apns-push-type", "background", "apns-priority", "5")}))
	// An added bundle.
	s.AddBundle(DemoTeamID, "com.example.added")
	ok("added bundle", e.viaToken(push{header: e.tokenHeader("apns-topic", "com.example.added")}))
	// A key restricted to the server's environment.
	s.AddKey(f.prodKey, "production", "sandbox")
	ok("key for both environments", e.viaToken(push{header: e.tokenHeader("authorization", bearer(jwtFor(t, f.prodKey, clk.Now())))}))

	// On one connection: the same JWT for 59 minutes, then a new one
	// (more than 20 minutes after the first), then that one again.
	cc := dial(t, s, nil)
	first := bearer(jwtFor(t, f.demo.Key, clk.Now()))
	ok("first JWT", send(t, s, cc, push{header: e.tokenHeader("authorization", first)}))
	clk.Advance(59 * time.Minute)
	ok("same JWT 59 minutes later", send(t, s, cc, push{header: e.tokenHeader("authorization", first)}))
	renewed := bearer(jwtFor(t, f.demo.Key, clk.Now()))
	ok("renewed JWT", send(t, s, cc, push{header: e.tokenHeader("authorization", renewed)}))
	clk.Advance(time.Minute)
	ok("renewed JWT again", send(t, s, cc, push{header: e.tokenHeader("authorization", renewed)}))
	if a := send(t, s, cc, push{header: e.tokenHeader("authorization", first)}); a.Reason != "ExpiredProviderToken" {
		t.Errorf("first JWT 60+ minutes on: %d %s", a.Status, a.Body)
	}
	if a := send(t, s, cc, push{header: e.tokenHeader("authorization", bearer(jwtFor(t, f.demo.Key, clk.Now())))}); a.Reason != "TooManyProviderTokenUpdates" {
		t.Errorf("third JWT a minute after the second: %d %s", a.Status, a.Body)
	}
}

// TestCertificateAuthAccepts covers the certificate rules' acceptances.
func TestCertificateAuthAccepts(t *testing.T) {
	f := getFixture(t)
	s, clk := startServer(t, f, nil)
	e := &env{t: t, f: f, s: s, clk: clk}

	// A single-topic certificate needs no apns-topic: the UID is the default.
	if a := e.viaCert(f.single, push{}); a.Status != 200 {
		t.Errorf("single-topic certificate without topic: %d %s", a.Status, a.Body)
	}
	// The demo certificate's VoIP topic takes 5120 bytes, push type given or inferred.
	for _, h := range [][]string{{"apns-push-type", "voip"}, {}} {
		kv := append([]string{"apns-topic", DemoBundleID + ".voip"}, h...)
		if a := e.viaCert(f.demo.Cert, push{body: repeat(5120), header: e.certHeader(kv...)}); a.Status != 200 {
			t.Errorf("voip %v: %d %s", h, a.Status, a.Body)
		}
	}
	// An authorization header is ignored on a certificate connection.
	if a := e.viaCert(f.demo.Cert, push{header: e.certHeader("authorization", "bearer junk")}); a.Status != 200 {
		t.Errorf("certificate with a junk authorization header: %d %s", a.Status, a.Body)
	}
	acc := s.Accepted()
	if len(acc) != 4 || acc[0].Topic != "com.example.single" || acc[0].Auth != AuthCertificate || acc[0].TeamID != DemoTeamID {
		t.Errorf("accepted %+v", acc)
	}
}

// TestTeamKeyCoversEveryBundleOfItsTeam: like a real .p8, the demo key
// pushes to any bundle id no other team registered (and its suffixed
// topics), never to another team's; the demo certificate keeps its own
// topics; RestrictBundles limits the key to those listed.
func TestTeamKeyCoversEveryBundleOfItsTeam(t *testing.T) {
	f := getFixture(t)
	s, clk := startServer(t, f, nil)
	e := &env{t: t, f: f, s: s, clk: clk}
	for _, topic := range []string{"com.example.app", "com.example.app.voip", "org.other.thing"} {
		kv := []string{"apns-topic", topic}
		if strings.HasSuffix(topic, ".voip") {
			kv = append(kv, "apns-push-type", "voip")
		}
		if a := e.viaToken(push{header: e.tokenHeader(kv...)}); a.Status != 200 {
			t.Errorf("demo key to %s: %d %s, want 200", topic, a.Status, a.Body)
		}
	}
	if a := e.viaToken(push{header: e.tokenHeader("apns-topic", "com.example.teamtwo")}); a.Reason != "TopicDisallowed" {
		t.Errorf("demo key to another team's bundle: %d %s, want TopicDisallowed", a.Status, a.Body)
	}
	if a := e.viaCert(f.demo.Cert, push{header: e.certHeader("apns-topic", "com.example.app")}); a.Reason != "TopicDisallowed" {
		t.Errorf("demo certificate to a topic it does not list: %d %s, want TopicDisallowed", a.Status, a.Body)
	}

	r, rclk := startServer(t, f, func(s *Server) { s.RestrictBundles(DemoTeamID, "com.example.app") })
	re := &env{t: t, f: f, s: r, clk: rclk}
	for topic, want := range map[string]int{"com.example.app": 200, DemoBundleID: 200, "org.other.thing": 400} {
		if a := re.viaToken(push{header: re.tokenHeader("apns-topic", topic)}); a.Status != want {
			t.Errorf("restricted demo key to %s: %d %s, want %d", topic, a.Status, a.Body, want)
		}
	}
}
