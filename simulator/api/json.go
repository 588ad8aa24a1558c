package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"apnsconsole/simulator"
)

// Notification is one answered request as the API shows it.
type Notification struct {
	ID         string     `json:"id"` // the apns-id answered
	Time       time.Time  `json:"time"`
	Connection uint64     `json:"connection"`
	Remote     string     `json:"remote,omitempty"`
	Auth       string     `json:"auth,omitempty"` // "certificate" or "token"
	Method     string     `json:"method,omitempty"`
	Path       string     `json:"path,omitempty"`
	Token      string     `json:"token,omitempty"`
	Topic      string     `json:"topic,omitempty"`
	PushType   string     `json:"push_type,omitempty"`
	Priority   int        `json:"priority,omitempty"`
	CollapseID string     `json:"collapse_id,omitempty"`
	Expiration *time.Time `json:"expiration,omitempty"`
	TeamID     string     `json:"team_id,omitempty"`
	KeyID      string     `json:"key_id,omitempty"`
	Status     int        `json:"status"`
	Reason     string     `json:"reason,omitempty"`
	// Timestamp is the 410 Unregistered timestamp, in milliseconds.
	Timestamp *int64 `json:"timestamp,omitempty"`
	UniqueID  string `json:"unique_id,omitempty"`
	// Payload is the body, written as "payload" when it is JSON and as
	// "payload_text" (PayloadText) when it is not.
	Payload     json.RawMessage   `json:"payload,omitempty"`
	PayloadText string            `json:"payload_text,omitempty"`
	PayloadSize int               `json:"payload_size"`
	Headers     map[string]string `json:"headers,omitempty"` // in GET /api/v1/notifications/{id} only
	Warnings    []string          `json:"warnings,omitempty"`
	GoAway      bool              `json:"goaway,omitempty"`
	// NoAnswer says why a request read was never answered (status 0):
	// "drop" or "reset" (a fault), "closed" (the connection went first).
	NoAnswer  string `json:"no_answer,omitempty"`
	Channel   string `json:"channel,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// NotificationOf is r as the API shows it, with its headers when
// withHeaders.
func NotificationOf(r simulator.Record, withHeaders bool) Notification {
	n := Notification{
		ID: r.ApnsID, Time: r.Time, Connection: r.Conn, Remote: r.Remote, Auth: r.Auth,
		Method: r.Method, Path: r.Path, Token: r.Token, Topic: r.Topic, PushType: string(r.PushType),
		Priority: r.Priority, CollapseID: r.CollapseID, Expiration: r.Expiration, TeamID: r.TeamID, KeyID: r.KeyID,
		Status: r.Status, Reason: r.Reason, UniqueID: r.UniqueID, PayloadSize: r.PayloadSize,
		Warnings: r.Warnings, GoAway: r.GoAway, NoAnswer: r.NoAnswer, Channel: r.Channel, RequestID: r.RequestID,
	}
	if r.Reason == "Unregistered" && !r.Timestamp.IsZero() {
		ms := r.Timestamp.UnixMilli()
		n.Timestamp = &ms
	}
	if len(r.Payload) > 0 {
		n.Payload = json.RawMessage(r.Payload) // written as payload_text when it is not JSON (MarshalJSON)
	}
	if withHeaders {
		n.Headers = make(map[string]string, len(r.Header))
		for k, v := range r.Header {
			n.Headers[strings.ToLower(k)] = strings.Join(v, ", ")
		}
	}
	return n
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// apiError is the body of every error answer.
type apiError struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Error: msg})
}

// readJSON decodes a body of at most MaxBody bytes into v, refusing
// unknown fields (a misspelt one would otherwise be silently ignored).
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return true
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", MaxBody))
	case errors.Is(err, io.EOF):
		writeError(w, http.StatusBadRequest, "the body is empty: send a JSON object")
	default:
		writeError(w, http.StatusBadRequest, "the body is not the JSON expected: "+err.Error())
	}
	return false
}

// intParam reads a whole-number query parameter within [lo, hi].
func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s=%s: give a whole number from %d to %d", name, v, lo, hi)
	}
	return n, nil
}
