package simulator

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"slices"
	"strings"
	"time"
)

// Token timing rules (APNS-REFERENCE §2).
const (
	// TokenMaxAge is how far a JWT's iat may be from the server's clock, in
	// either direction, before ExpiredProviderToken.
	TokenMaxAge = time.Hour
	// TokenMinRefresh is the least time between two new JWTs on one
	// connection; a newer one sooner is TooManyProviderTokenUpdates.
	TokenMinRefresh = 20 * time.Minute
)

// providerKey is a registered .p8 public key.
type providerKey struct {
	keyID, teamID string
	pub           *ecdsa.PublicKey
	envs          []Environment // nil: both environments
}

// AddKey registers a .p8 signing key for token authentication. With envs,
// the key works only in those environments (like Apple's environment-
// restricted team keys); using it elsewhere is answered with
// EnvironmentKeyReason. The demo key is registered by Start.
func (s *Server) AddKey(k *SigningKey, envs ...Environment) {
	s.AddPublicKey(k.KeyID, k.TeamID, &k.Key.PublicKey, envs...)
}

// AddPublicKey registers a token key by its public half.
func (s *Server) AddPublicKey(keyID, teamID string, pub *ecdsa.PublicKey, envs ...Environment) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = make(map[string]providerKey)
	}
	s.keys[keyID] = providerKey{keyID: keyID, teamID: teamID, pub: pub, envs: slices.Clone(envs)}
}

// AddBundle registers bundleID as an app of teamID: that team's token
// keys may push to its topics (the bundle id and its push-type suffixes),
// other teams' keys may not. The demo team has DemoBundleID.
//
// Like a real team key, which is valid for every app of its team, a
// team's keys may also push to any bundle id no team registered (the
// simulator knows no other apps), unless RestrictBundles limited the team
// to the bundles added for it.
func (s *Server) AddBundle(teamID, bundleID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addBundleLocked(teamID, bundleID)
}

func (s *Server) addBundleLocked(teamID, bundleID string) {
	if s.bundles == nil {
		s.bundles = make(map[string]map[string]bool)
	}
	if s.bundles[teamID] == nil {
		s.bundles[teamID] = map[string]bool{anyBundle: true}
	}
	s.bundles[teamID][bundleID] = true
}

// RestrictBundles limits teamID's token keys to bundleIDs (and those
// added later with AddBundle): another bundle id is TopicDisallowed, as
// for a key that is not the team's. serve --topics restricts the demo
// team this way.
func (s *Server) RestrictBundles(teamID string, bundleIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addBundleLocked(teamID, anyBundle)
	delete(s.bundles[teamID], anyBundle)
	for _, b := range bundleIDs {
		s.bundles[teamID][b] = true
	}
}

// anyBundle marks, among a team's bundles, a team not restricted by
// RestrictBundles; no bundle id is "*".
const anyBundle = "*"

func (s *Server) lookupKey(keyID string) (providerKey, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[keyID]
	return k, ok
}

// teamHasBundle reports whether teamID's keys may push to bundleID: one
// of its registered bundles, or (unless restricted) one no other team
// registered.
func (s *Server) teamHasBundle(teamID, bundleID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	own := s.bundles[teamID]
	if own[bundleID] {
		return true
	}
	if own != nil && !own[anyBundle] {
		return false
	}
	for team, bundles := range s.bundles {
		if team != teamID && bundles[bundleID] {
			return false
		}
	}
	return true
}

// providerToken is a parsed (not yet verified) JWT.
type providerToken struct {
	keyID, teamID string
	issuedAt      time.Time
	signed        []byte // header.claims, what the signature covers
	signature     []byte
}

var errBadJWT = errors.New("malformed provider token")

// parseProviderToken reads an ES256 JWT: header {"alg":"ES256","kid":…},
// claims {"iss":…,"iat":…}.
func parseProviderToken(raw string) (*providerToken, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, errBadJWT
	}
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	var claims struct {
		Iss string      `json:"iss"`
		Iat json.Number `json:"iat"`
	}
	if err := decodeSegment(parts[0], &header); err != nil || header.Alg != "ES256" || header.Kid == "" {
		return nil, errBadJWT
	}
	if err := decodeSegment(parts[1], &claims); err != nil || claims.Iss == "" || claims.Iat == "" {
		return nil, errBadJWT
	}
	iat, err := claims.Iat.Float64()
	if err != nil {
		return nil, errBadJWT
	}
	sig, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[2], "="))
	if err != nil {
		return nil, errBadJWT
	}
	return &providerToken{
		keyID:     header.Kid,
		teamID:    claims.Iss,
		issuedAt:  time.Unix(int64(iat), 0),
		signed:    []byte(parts[0] + "." + parts[1]),
		signature: sig,
	}, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// verify checks the ES256 signature, accepting both the JWS encoding (raw
// R||S, 64 bytes) and DER, which openssl and Java produce and APNs takes
// (APNS-REFERENCE §2).
func (t *providerToken) verify(pub *ecdsa.PublicKey) bool {
	digest := sha256.Sum256(t.signed)
	if len(t.signature) == 64 {
		r := new(big.Int).SetBytes(t.signature[:32])
		s := new(big.Int).SetBytes(t.signature[32:])
		return ecdsa.Verify(pub, digest[:], r, s)
	}
	return ecdsa.VerifyASN1(pub, digest[:], t.signature)
}

// authenticateToken applies the token rules to a request's authorization
// header on connection c, in pushy's order with Apple's later reasons
// (APNS-REFERENCE §2, §9.6). It returns the team and key, or the reason.
func (s *Server) authenticateToken(c *conn, authorization string, now time.Time) (teamID, keyID, reason string) {
	const scheme = "bearer "
	if len(authorization) < len(scheme) || !strings.EqualFold(authorization[:len(scheme)], scheme) {
		return "", "", "MissingProviderToken"
	}
	raw := strings.TrimSpace(authorization[len(scheme):])
	if raw == "" {
		return "", "", "MissingProviderToken"
	}
	// A provider reuses one JWT for many requests (up to an hour): its
	// signature is checked once per connection, not per request.
	c.mu.Lock()
	tok, key := c.verifiedTok, c.verifiedKey
	if c.verifiedJWT != raw {
		tok = nil
	}
	c.mu.Unlock()
	if tok == nil {
		var err error
		if tok, err = parseProviderToken(raw); err != nil {
			return "", "", "InvalidProviderToken"
		}
		var ok bool
		key, ok = s.lookupKey(tok.keyID)
		if !ok || key.teamID != tok.teamID || !tok.verify(key.pub) {
			return "", "", "InvalidProviderToken"
		}
		c.mu.Lock()
		c.verifiedJWT, c.verifiedTok, c.verifiedKey = raw, tok, key
		c.mu.Unlock()
	}
	if age := now.Sub(tok.issuedAt); age > TokenMaxAge || age < -TokenMaxAge {
		return "", "", "ExpiredProviderToken"
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.teamID != "" && c.teamID != tok.teamID {
		return "", "", "InvalidProviderToken"
	}
	if c.keyID != "" && c.keyID != tok.keyID {
		return "", "", "UnrelatedKeyIdInToken"
	}
	if key.envs != nil && !slices.Contains(key.envs, s.Environment) {
		return "", "", s.EnvironmentKeyReason
	}
	// A token is new when its iat is: signing the same claims again gives
	// another string (ECDSA signatures are randomized) but is no update.
	switch {
	case c.jwtSince.IsZero():
		c.teamID, c.keyID, c.jwtIssuedAt, c.jwtSince = tok.teamID, tok.keyID, tok.issuedAt, now
	case !tok.issuedAt.Equal(c.jwtIssuedAt):
		if now.Sub(c.jwtSince) < TokenMinRefresh {
			return "", "", "TooManyProviderTokenUpdates"
		}
		c.jwtIssuedAt, c.jwtSince = tok.issuedAt, now
	}
	return tok.teamID, tok.keyID, ""
}
