package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
)

// writeJSON sends v as the JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeJSONAs(w, status, "application/json", v)
}

func writeJSONAs(w http.ResponseWriter, status int, contentType string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Callers pass structs, maps and slices of strings, numbers and
		// times, which always marshal; reaching this is a programming error.
		http.Error(w, `{"error":{"code":"internal_error","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}

	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// readBody reads the request body up to the server's limit.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxUploadBytes))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	return body, nil
}

// decodeJSON reads the request body as one JSON value into v, rejecting
// unknown fields so that a misspelt field is reported instead of ignored.
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	return decodeJSONBody(body, v)
}

// decodeJSONBody decodes body as one JSON value into v for decodeJSON and
// for handlers that read the body themselves. Errors are 400s in the
// words of jsonError.
func decodeJSONBody(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("the request body is empty; send a JSON document")
	}

	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return badRequest("the request body holds more than one JSON value; send exactly one")
	}
	return nil
}

// jsonError turns a decoding error into a 400 that names the field and the
// expected type, without Go type names.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError

	switch {
	case errors.As(err, &syntax):
		return badRequest("the request body is not valid JSON at byte %d: %s", syntax.Offset, syntax.Error())
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badRequest("the request body is a JSON %s; expected %s", typ.Value, jsonKind(typ))
		}
		return badRequest("field %q is a JSON %s; expected %s", typ.Field, typ.Value, jsonKind(typ))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the request body ends in the middle of a JSON value; send the complete document")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return badRequest("unknown field %s in the request body; check its spelling against the API documentation", field)
	}
	return badRequest("the request body is not the expected JSON document")
}

func jsonKind(e *json.UnmarshalTypeError) string {
	switch e.Type.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a whole number"
}

// queryInt reads a non-negative integer query parameter, or def when absent.
func queryInt(q url.Values, name string, def, maximum int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, badRequest("query parameter %s=%q: give a whole number, 0 or more", name, v)
	}
	if n > maximum {
		return 0, badRequest("query parameter %s=%d is above the maximum of %d; page through the results with offset", name, n, maximum)
	}
	return n, nil
}

// queryBool reads a true/false parameter; "1", "true", "0", "false" and
// the other spellings of strconv.ParseBool are accepted.
func queryBool(name, v string) (bool, error) {
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, badRequest("parameter %s=%q: use true or false", name, v)
	}
	return b, nil
}

// Paging bounds of list endpoints: a page is defaultLimit records unless the
// client asks for up to maxLimit.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

func paging(q url.Values) (limit, offset int, err error) {
	limit, err = queryInt(q, "limit", defaultLimit, maxLimit)
	if err != nil {
		return 0, 0, err
	}
	offset, err = queryInt(q, "offset", 0, int(^uint(0)>>1))
	if err != nil {
		return 0, 0, err
	}
	if limit == 0 {
		limit = defaultLimit
	}
	return limit, offset, nil
}
