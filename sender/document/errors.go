package document

import (
	"encoding/json"
	"errors"
	"fmt"

	"apnsconsole/sender"
)

// The causes a *Error wraps, for errors.Is.
var (
	ErrNotJSON            = errors.New("not JSON")
	ErrPayloadNotObject   = errors.New("payload is not a JSON object")
	ErrNotDocument        = errors.New("not an APNs Console document")
	ErrUnknownVersion     = errors.New("unknown document version")
	ErrBadField           = errors.New("bad field")
	ErrCredentialMissing  = errors.New("credential file missing")
	ErrNotRegularFile     = errors.New("not a regular file")
	ErrFileTooLarge       = errors.New("file too large")
	ErrUnknownEnvironment = errors.New("unknown target")
)

// Error is a problem with a file: what is wrong and what to do about it.
type Error struct {
	Path    string // the file, when known
	Problem string
	Fix     string
	Err     error // one of the Err… causes above, or an *fs.PathError
}

func (e *Error) Error() string {
	s := e.Problem + ": " + e.Fix
	if e.Path != "" {
		s = e.Path + ": " + s
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// jsonProblem says what is wrong with data and where: line and column for
// syntax errors.
func jsonProblem(data []byte, err error) string {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) && typ.Field != "" {
		return fmt.Sprintf("%q is a JSON %s, not the %s it should be", typ.Field, typ.Value, typeName(typ.Type.Kind().String()))
	}
	return sender.DescribeJSONError(data, err)
}

func typeName(kind string) string {
	switch kind {
	case "int", "int64":
		return "number"
	case "slice":
		return "list"
	case "struct", "map":
		return "object"
	}
	return kind
}
