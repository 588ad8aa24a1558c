package sender

import (
	"fmt"
	"time"

	"apnsconsole/sender/credential"
)

// providerAuth is the authorization value for cred, "bearer <JWT>" for a
// .p8 key ("" for a certificate), and the token in it; a newly signed
// token is reported on emit (never the token itself).
func providerAuth(cred *credential.Credential, jwt *credential.ProviderToken, now time.Time, emit EventFunc) (auth, token string, err error) {
	if cred.Kind != credential.KindP8 {
		return "", "", nil
	}
	token, renewed, err := jwt.Get(cred, now)
	if err != nil {
		return "", "", err
	}
	if renewed {
		emit.Emit(Event{Kind: EventInfo, Text: fmt.Sprintf("Signed a new provider token (JWT) with key %s for team %s; it is reused for %d minutes", cred.KeyID, cred.TeamID, int(credential.TokenRefreshAfter.Minutes()))})
	}
	return "bearer " + token, token, nil
}
