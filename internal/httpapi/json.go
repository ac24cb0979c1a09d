package httpapi

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/orgdir/orgdir/internal/graphjson"
)

// bodies keeps response buffers across requests: a page of 100 users is
// 56 KB, which would otherwise be grown afresh, doubling, every time.
var bodies = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// maxPooledBody: a rare large answer (an export) is not kept.
const maxPooledBody = 256 << 10

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	buf := bodies.Get().(*[]byte)
	b, err := graphjson.Append((*buf)[:0], v)
	if err != nil {
		bodies.Put(buf)
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("OData-Version", "4.0")
	w.WriteHeader(status)
	_, _ = w.Write(b) // the client went away: nothing more to do
	if cap(b) <= maxPooledBody {
		*buf = b[:0]
		bodies.Put(buf)
	}
	return nil
}

func strp(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// decode reads the JSON body into dst (a pointer to a struct of pointer
// fields, so that absent and null can be told from zero). Bodies are
// capped; unknown properties, wrong types, trailing data and malformed
// JSON are 400s that name what is wrong. An empty body is an error unless
// optional.
func (a *API) decode(w http.ResponseWriter, r *http.Request, dst any, optional bool) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return badRequest("Content-Type", fmt.Sprintf("the request body must be application/json, not %q", ct))
		}
	}
	var body io.Reader = http.MaxBytesReader(w, r.Body, a.opts.MaxBodyBytes)
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip": // Graph's SDKs compress request bodies
		zr, err := gzip.NewReader(body)
		if err != nil {
			if errors.Is(err, io.EOF) && optional {
				return nil
			}
			return badRequest("Content-Encoding", "the request body is not valid gzip")
		}
		defer zr.Close()
		// The cap applies to what the JSON decoder reads, not only to the
		// compressed bytes.
		body = &cappedReader{r: zr, left: a.opts.MaxBodyBytes}
	default:
		return &apiError{status: http.StatusUnsupportedMediaType, code: "Request_BadRequest",
			message: fmt.Sprintf("Content-Encoding %q is not supported; send gzip or none", enc), target: "Content-Encoding"}
	}
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if errors.Is(err, io.EOF) {
		if optional {
			return nil
		}
		return badRequest("", "the request body is empty; a JSON object is expected")
	}
	if err != nil {
		return decodeError(err, a.opts.MaxBodyBytes)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return decodeError(err, a.opts.MaxBodyBytes)
		}
		return badRequest("", "unexpected data after the JSON object")
	}
	return nil
}

// cappedReader fails once more than left bytes were read, as
// http.MaxBytesReader does for the raw body.
type cappedReader struct {
	r    io.Reader
	left int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, &http.MaxBytesError{}
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, &http.MaxBytesError{}
	}
	return n, err
}

func decodeError(err error, limit int64) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &mbe):
		return badRequest("", fmt.Sprintf("the request body is larger than %d bytes", limit))
	case errors.As(err, &syn):
		return badRequest("", fmt.Sprintf("malformed JSON at byte %d: %s", syn.Offset, strings.TrimPrefix(syn.Error(), "json: ")))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return badRequest("", fmt.Sprintf("the request body must be a JSON object, not %s", typ.Value))
		}
		return badRequest(field, fmt.Sprintf("property %s must be %s, not %s", field, jsonTypeName(typ.Type.Kind().String()), typ.Value))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "the JSON of the request body ends too early")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return badRequest(name, fmt.Sprintf("unknown property %q: orgdir does not support it here", name))
	}
	return badRequest("", "the request body is not valid JSON: "+strings.TrimPrefix(err.Error(), "json: "))
}

// jsonTypeName names a Go kind in JSON's words.
func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "int", "int64", "int32":
		return "a whole number"
	case "float64":
		return "a number"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	case "ptr":
		return "a value"
	}
	return kind
}
