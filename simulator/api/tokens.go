package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"apnsconsole/simulator"
)

// Token is what the simulator knows about a device token, as the API
// reads and writes it (PUT /api/v1/tokens/{token}):
//
//	{"state":"unregistered","since":"2026-12-01T10:00:00Z"}  410 Unregistered, with since as the timestamp (default now)
//	{"state":"expired"}                                       410 ExpiredToken
//	{"environment":"production"}                              400 BadDeviceToken when sent to the other environment
//	{"topics":["com.example.app"]}                            400 DeviceTokenNotForTopic for other topics (a bundle id covers its topics)
//	{"fail":"TooManyRequests"}                                every request answered with this reason
//
// A PUT replaces the token's state; fields combine.
type Token struct {
	Token       string          `json:"token"`
	State       string          `json:"state,omitempty"` // "active" (the default), "unregistered" or "expired"
	Since       json.RawMessage `json:"since,omitempty"` // RFC 3339, or milliseconds since 1970
	Environment string          `json:"environment,omitempty"`
	Topics      []string        `json:"topics,omitempty"`
	Fail        string          `json:"fail,omitempty"`
}

func tokenOf(st simulator.TokenState) Token {
	t := Token{Token: st.Token, State: "active", Environment: st.Environment, Topics: st.Topics, Fail: st.Fail}
	switch {
	case !st.Unregistered.IsZero():
		t.State = "unregistered"
		t.Since, _ = json.Marshal(st.Unregistered.UTC().Format(time.RFC3339Nano))
	case st.Expired:
		t.State = "expired"
	}
	return t
}

func parseSince(raw json.RawMessage) (time.Time, error) {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return time.Now(), nil
	}
	var ms int64
	if err := json.Unmarshal(raw, &ms); err == nil {
		return time.UnixMilli(ms), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New(`since: give an RFC 3339 time ("2026-12-01T10:00:00Z") or milliseconds since 1970`)
}

// GET /api/v1/tokens
func (a *API) listTokens(w http.ResponseWriter, r *http.Request) {
	all := a.s.Tokens()
	out := struct {
		Tokens []Token `json:"tokens"`
	}{Tokens: make([]Token, len(all))}
	for i, st := range all {
		out.Tokens[i] = tokenOf(st)
	}
	writeJSON(w, http.StatusOK, out)
}

// GET /api/v1/tokens/{token}
func (a *API) getToken(w http.ResponseWriter, r *http.Request) {
	st, _ := a.s.TokenInfo(r.PathValue("token"))
	writeJSON(w, http.StatusOK, tokenOf(st))
}

// PUT /api/v1/tokens/{token}
func (a *API) putToken(w http.ResponseWriter, r *http.Request) {
	var t Token
	if !readJSON(w, r, &t) {
		return
	}
	st := simulator.TokenState{Token: r.PathValue("token"), Environment: t.Environment, Topics: t.Topics, Fail: t.Fail}
	switch t.State {
	case "", "active":
	case "unregistered":
		since, err := parseSince(t.Since)
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		st.Unregistered = since
	case "expired":
		st.Expired = true
	default:
		writeError(w, http.StatusBadRequest, `state: "active", "unregistered" or "expired"`)
		return
	}
	if t.State != "unregistered" && len(t.Since) > 0 {
		writeError(w, http.StatusBadRequest, `since goes with "state":"unregistered"`)
		return
	}
	if t.Topics != nil && len(t.Topics) == 0 {
		writeError(w, http.StatusBadRequest, "topics: give at least one topic, or leave it out for any")
		return
	}
	if err := a.s.SetToken(st); err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, simulator.ErrTooManyTokens) {
			status = http.StatusInsufficientStorage
		}
		writeError(w, status, err.Error())
		return
	}
	got, _ := a.s.TokenInfo(st.Token)
	writeJSON(w, http.StatusOK, tokenOf(got))
}

// DELETE /api/v1/tokens/{token}
func (a *API) deleteToken(w http.ResponseWriter, r *http.Request) {
	a.s.Forget(r.PathValue("token"))
	st, _ := a.s.TokenInfo(r.PathValue("token"))
	writeJSON(w, http.StatusOK, tokenOf(st))
}
