package sender

// JSON helpers for the packages that read and write payload files
// (sender/document), so that they describe JSON and keep key order the
// way BuildPayload does.

// PayloadWithout is the JSON object p, compact, without key, the other
// keys in their order (a repeated key keeps its first place and its last
// value, as encoding/json reads it). p must be a valid JSON object.
func PayloadWithout(p []byte, key string) ([]byte, error) {
	o, err := parseJSONObject(p)
	if err != nil {
		return nil, err
	}
	kept := o[:0]
	for _, kv := range o {
		if kv.key != key {
			kept = append(kept, kv)
		}
	}
	return kept.encode(), nil
}

// DescribeJSONError says what is wrong with data as err (from
// encoding/json) found it, with line and column for syntax errors.
func DescribeJSONError(data []byte, err error) string { return describeJSONError(data, err) }

// JSONKind names the kind of a value decoded by encoding/json, with its
// article: "an object", "an array", "a string", "null"…
func JSONKind(v any) string { return jsonKind(v) }
