package credential

import (
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Provider-token timing (APNS-REFERENCE §2): APNs refuses a JWT older than
// an hour and one renewed more often than every 20 minutes on a connection.
const (
	TokenRefreshAfter   = 50 * time.Minute
	TokenMinRefreshWait = 20 * time.Minute
)

// ProviderToken caches the signed JWT of a .p8 key and renews it about
// every 50 minutes, never sooner than 20 minutes after the last one. Its
// zero value is ready to use; it is safe for concurrent use.
type ProviderToken struct {
	mu     sync.Mutex
	signed string
	iat    time.Time
}

// Get returns the JWT for cred at now, signing a new one when there is none
// or the cached one is TokenRefreshAfter old. renewed reports a new JWT.
func (p *ProviderToken) Get(cred *Credential, now time.Time) (token string, renewed bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.signed != "" && now.Sub(p.iat) < TokenRefreshAfter {
		return p.signed, false, nil
	}
	signed, err := SignProviderToken(cred, now)
	if err != nil {
		return "", false, err
	}
	p.signed, p.iat = signed, now
	return signed, true, nil
}

// Expire drops the cached JWT after APNs called it stale, unless it was
// signed less than TokenMinRefreshWait ago (renewing then would only earn
// TooManyProviderTokenUpdates).
func (p *ProviderToken) Expire(now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if now.Sub(p.iat) < TokenMinRefreshWait {
		return false
	}
	p.signed = ""
	return true
}

// SignProviderToken makes the ES256 JWT APNs expects: header alg and kid,
// claims iss (Team ID) and iat; no typ, no exp.
func SignProviderToken(cred *Credential, now time.Time) (string, error) {
	if cred == nil || cred.Kind != KindP8 || cred.SigningKey == nil {
		return "", fmt.Errorf("%w: token authentication needs a .p8 key with its Key ID and Team ID", ErrNotTokenKey)
	}
	if cred.KeyID == "" {
		return "", fmt.Errorf("%w: the Key ID is empty: copy the 10-character Key ID shown next to the key in the developer portal", ErrMissingKeyID)
	}
	if cred.TeamID == "" {
		return "", fmt.Errorf("%w: the Team ID is empty: copy the 10-character Team ID from the developer portal's Membership page", ErrMissingTeamID)
	}
	t := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{"iss": cred.TeamID, "iat": now.Unix()})
	t.Header["kid"] = cred.KeyID
	delete(t.Header, "typ")
	return t.SignedString(cred.SigningKey)
}
