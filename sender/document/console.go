package document

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"apnsconsole/sender"
	"apnsconsole/sender/credential"
)

// ConsoleExt is the extension of console documents.
const ConsoleExt = ".apnsconsole"

// Version is the console document format this package writes; it reads
// versions 1 to Version.
const Version = 1

// formatName marks a console document ("format" key).
const formatName = "apns-console"

// Target environments besides sender's sandbox, production and local.
const (
	// TargetSimulator is the iOS Simulator, through `xcrun simctl push`.
	TargetSimulator = "simulator"
	// TargetCustom is another host (Target.Host, trusting Target.CA).
	TargetCustom = "custom"
)

// Target is where a document's notification goes.
type Target struct {
	// Environment is "sandbox", "production", "local" (the built-in APNs
	// simulator), "custom" (Host and CA) or "simulator" (the iOS
	// Simulator, Device).
	Environment string
	Host        string // host:port, for custom (or a running `serve` for local)
	CA          string // path of the PEM CA to trust for Host ("" = the system's roots)
	Device      string // iOS Simulator: a UDID, or "booted"
	// Binary is the 2009 binary protocol's format ("simple", "enhanced",
	// "frame") when the send uses it; "" for HTTP/2.
	Binary string
}

// Document is a console document: everything needed to repeat a send.
// It holds where the credential's files are, never a password, private
// key or JWT.
type Document struct {
	Target     Target
	Credential credential.Ref // zero: none chosen
	Topic      string         // "" = the credential's default
	PushType   sender.PushType
	Priority   int // 0 = header omitted
	// Expiration is as typed, read when sending: UNIX seconds (an absolute
	// date), "0" (try once), a duration from the send such as "1h", or an
	// RFC 3339 date; "" leaves the header out.
	Expiration string
	CollapseID string
	Tokens     []string // as pasted
	// LiveActivity is the window's Live Activity fields, kept as saved
	// (a JSON object) so that a version of the window with them loses
	// nothing; nil = none.
	LiveActivity json.RawMessage
	Payload      json.RawMessage // a JSON object, as it is sent
}

// fileDocument is the JSON form of a Document.
type fileDocument struct {
	Format       string          `json:"format"`
	Version      int             `json:"version"`
	Target       fileTarget      `json:"target"`
	Credential   *fileCredential `json:"credential,omitempty"`
	Topic        string          `json:"topic,omitempty"`
	PushType     string          `json:"push_type,omitempty"`
	Priority     int             `json:"priority,omitempty"`
	Expiration   string          `json:"expiration,omitempty"`
	CollapseID   string          `json:"collapse_id,omitempty"`
	Tokens       []string        `json:"tokens"`
	LiveActivity json.RawMessage `json:"live_activity,omitempty"`
	Payload      json.RawMessage `json:"payload"`
}

type fileTarget struct {
	Environment string `json:"environment"`
	Host        string `json:"host,omitempty"`
	CA          string `json:"ca,omitempty"`
	Device      string `json:"device,omitempty"`
	Binary      string `json:"binary,omitempty"`
}

type fileCredential struct {
	Kind    string `json:"kind"`
	Path    string `json:"path"`
	KeyPath string `json:"key_path,omitempty"`
	KeyID   string `json:"key_id,omitempty"`
	TeamID  string `json:"team_id,omitempty"`
}

// Encode is the document as JSON (indented, final newline). Paths inside
// dir (the document's folder; "" = keep every path as it is) are saved
// relative to it, so a folder of documents and keys can be moved.
func (d *Document) Encode(dir string) ([]byte, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	f := fileDocument{
		Format: formatName, Version: Version,
		Target:       fileTarget{Environment: d.Target.Environment, Host: d.Target.Host, CA: relativeTo(dir, d.Target.CA), Device: d.Target.Device, Binary: d.Target.Binary},
		Topic:        d.Topic,
		PushType:     string(d.PushType),
		Priority:     d.Priority,
		Expiration:   d.Expiration,
		CollapseID:   d.CollapseID,
		Tokens:       d.Tokens,
		LiveActivity: d.LiveActivity,
		Payload:      d.Payload,
	}
	if f.Tokens == nil {
		f.Tokens = []string{}
	}
	if !d.Credential.IsZero() {
		c := d.Credential
		f.Credential = &fileCredential{Kind: c.Kind.KindName(), Path: c.Path, KeyPath: c.KeyPath, KeyID: c.KeyID, TeamID: c.TeamID}
		if c.IsFile() {
			f.Credential.Path, f.Credential.KeyPath = relativeTo(dir, c.Path), relativeTo(dir, c.KeyPath)
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, &Error{Problem: "cannot encode the document: " + err.Error(), Fix: "check the payload and Live Activity JSON", Err: ErrNotJSON}
	}
	return b.Bytes(), nil
}

// check refuses what must not be saved: a payload or Live Activity value
// that is not a JSON object, an unknown target.
func (d *Document) check() error {
	if err := checkObject(d.Payload, "payload"); err != nil {
		return err
	}
	if len(d.LiveActivity) > 0 {
		if err := checkObject(d.LiveActivity, "live_activity"); err != nil {
			return err
		}
	}
	if err := checkEnvironment(d.Target.Environment); err != nil {
		return err
	}
	if d.Credential.Kind != 0 && d.Credential.Kind.KindName() == "" {
		return &Error{Problem: fmt.Sprintf("unknown credential kind %d", d.Credential.Kind), Fix: "choose a .p12, PEM or .p8 credential", Err: ErrBadField}
	}
	return nil
}

// ParseConsole reads a console document. dir is its folder: relative
// paths in it are taken from there ("" leaves them as they are).
//
// When the document is sound but its credential's file (or CA file) no
// longer exists, ParseConsole returns the document AND an error wrapping
// ErrCredentialMissing, so that the window can open it and ask for the
// file, and the command line can refuse it unless a credential is given.
func ParseConsole(data []byte, dir string) (*Document, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{Problem: "the file is empty", Fix: "choose an .apnsconsole document saved by APNs Console", Err: ErrNotJSON}
	}
	var f fileDocument
	if err := json.Unmarshal(data, &f); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typ) && typ.Field == "":
			return nil, &Error{Problem: "the file is " + typ.Value + " JSON, not an APNs Console document", Fix: "choose an .apnsconsole document saved by APNs Console", Err: ErrNotDocument}
		case errors.As(err, &typ):
			return nil, &Error{Problem: "the document is damaged: " + jsonProblem(data, err), Fix: "fix that field in a text editor, or save the document again from the window", Err: ErrBadField}
		case errors.As(err, &syn):
			return nil, &Error{Problem: "the file is not JSON: " + jsonProblem(data, err), Fix: "fix it in a text editor, or save the document again from the window", Err: ErrNotJSON}
		}
		return nil, &Error{Problem: "the file cannot be read: " + err.Error(), Fix: "save the document again from the window", Err: ErrNotJSON}
	}
	switch {
	case f.Format != formatName || f.Version < 1:
		fix := "choose an .apnsconsole document saved by APNs Console"
		if f.Format == "" && f.Version == 0 && f.Payload == nil {
			fix += `; a bare payload or .apns file opens as a payload (send --file x.apns)`
		}
		return nil, &Error{Problem: `the file is JSON but not an APNs Console document (it has no "format":"apns-console" and "version")`, Fix: fix, Err: ErrNotDocument}
	case f.Version > Version:
		return nil, &Error{Problem: fmt.Sprintf("the document is version %d, made by a newer APNs Console (this one reads versions up to %d)", f.Version, Version),
			Fix: "update APNs Console to open it", Err: ErrUnknownVersion}
	}
	if f.Payload == nil {
		return nil, &Error{Problem: `the document has no "payload"`, Fix: `add "payload": {"aps":{…}}, or save the document again from the window`, Err: ErrPayloadNotObject}
	}
	d := &Document{
		Target:       Target{Environment: f.Target.Environment, Host: f.Target.Host, CA: absoluteIn(dir, f.Target.CA), Device: f.Target.Device, Binary: f.Target.Binary},
		Topic:        f.Topic,
		PushType:     sender.PushType(f.PushType),
		Priority:     f.Priority,
		Expiration:   f.Expiration,
		CollapseID:   f.CollapseID,
		Tokens:       f.Tokens,
		LiveActivity: f.LiveActivity,
		Payload:      f.Payload,
	}
	if len(d.LiveActivity) == 0 || string(d.LiveActivity) == "null" {
		d.LiveActivity = nil
	}
	if d.PushType != "" && !d.PushType.Known() {
		return nil, &Error{Problem: fmt.Sprintf("unknown push type %q", d.PushType), Fix: "use one of alert, background, voip, complication, fileprovider, mdm, liveactivity, location, pushtotalk, widgets, controls", Err: ErrBadField}
	}
	if c := f.Credential; c != nil {
		kind, err := credential.ParseKindName(c.Kind)
		if err != nil {
			return nil, &Error{Problem: "the credential's " + err.Error(), Fix: "fix \"kind\" in a text editor, or choose the credential again and save", Err: ErrBadField}
		}
		if c.Path == "" {
			return nil, &Error{Problem: `the credential has no "path"`, Fix: "choose the credential again in the window and save", Err: ErrBadField}
		}
		d.Credential = credential.Ref{Kind: kind, Path: c.Path, KeyPath: c.KeyPath, KeyID: c.KeyID, TeamID: c.TeamID}
		if d.Credential.IsFile() {
			d.Credential.Path, d.Credential.KeyPath = absoluteIn(dir, c.Path), absoluteIn(dir, c.KeyPath)
		}
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	return d, d.missingFiles()
}

// missingFiles reports a credential or CA file that no longer exists.
func (d *Document) missingFiles() error {
	files := []struct{ path, what string }{{d.Target.CA, "CA file"}}
	if d.Credential.IsFile() {
		files = append(files, struct{ path, what string }{d.Credential.Path, "credential file"},
			struct{ path, what string }{d.Credential.KeyPath, "credential's key file"})
	}
	for _, p := range files {
		if p.path == "" {
			continue
		}
		if _, err := os.Stat(p.path); errors.Is(err, fs.ErrNotExist) {
			return &Error{Problem: fmt.Sprintf("the %s %s no longer exists", p.what, p.path),
				Fix: "choose it again where it is now (or move it back), then save the document", Err: ErrCredentialMissing}
		}
	}
	return nil
}

// ReadConsole reads the console document at path; relative paths in it
// are taken from its folder. Like ParseConsole it returns the document
// with an ErrCredentialMissing error when only a file it names is gone.
func ReadConsole(path string) (*Document, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	d, err := ParseConsole(data, filepath.Dir(path))
	if e, ok := err.(*Error); ok {
		e.Path = path
	}
	return d, err
}

// WriteConsole saves d at path atomically, readable by the owner only (it
// lists device tokens). Paths in the document's folder are saved relative
// to it.
func WriteConsole(path string, d *Document) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	data, err := d.Encode(filepath.Dir(abs))
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Path = path
		}
		return err
	}
	return writeFile(path, data, true)
}

// IsConsole reports whether path names a console document (by its
// extension); other files open as payloads (.apns).
func IsConsole(path string) bool {
	return strings.EqualFold(filepath.Ext(path), ConsoleExt)
}

func checkObject(raw json.RawMessage, name string) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return &Error{Problem: fmt.Sprintf("the %s is missing", name), Fix: `give a JSON object such as {"aps":{"alert":"Hi"}}`, Err: ErrPayloadNotObject}
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return &Error{Problem: fmt.Sprintf("the %s is not JSON: %s", name, jsonProblem(raw, err)), Fix: "fix the JSON", Err: ErrNotJSON}
	}
	if _, ok := v.(map[string]any); !ok {
		return &Error{Problem: fmt.Sprintf("the %s is %s, not a JSON object", name, sender.JSONKind(v)), Fix: `write it as {"aps":{…}}: an object with Apple's keys under "aps"`, Err: ErrPayloadNotObject}
	}
	return nil
}

func checkEnvironment(env string) error {
	switch env {
	case "", TargetSimulator, TargetCustom:
		return nil
	}
	if _, err := sender.ParseEnvironment(env); err != nil {
		return &Error{Problem: fmt.Sprintf("unknown target %q", env), Fix: "use sandbox, production, local, custom or simulator", Err: ErrUnknownEnvironment}
	}
	return nil
}

// relativeTo is path relative to dir when it lies inside dir, else
// absolute (a relative path is taken from the working directory).
func relativeTo(dir, path string) string {
	if dir == "" || path == "" {
		return path
	}
	if !filepath.IsAbs(path) {
		abs, err := filepath.Abs(path)
		if err != nil {
			return path
		}
		path = abs
	}
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	return rel
}

// absoluteIn is a relative path taken from dir.
func absoluteIn(dir, path string) string {
	if dir == "" || path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}
