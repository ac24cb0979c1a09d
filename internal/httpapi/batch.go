package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/orgdir/orgdir/internal/httpx"
)

// MaxBatchRequests is Graph's limit of requests in one JSON batch.
const MaxBatchRequests = 20

// batchPattern is the route of JSON batching; its inner requests are
// throttled one by one, the envelope is not.
const batchPattern = "POST /v1.0/$batch"

// batchBody is the body of POST /$batch.
type batchBody struct {
	Requests *[]batchItem `json:"requests"`
}

// batchItem is one request of a batch, as Graph and its SDKs write it.
type batchItem struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Body      json.RawMessage   `json:"body"`
	DependsOn []string          `json:"dependsOn"`
}

// batchAnswer is one response of a batch.
type batchAnswer struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// handleBatch serves Graph's JSON batching: each request goes through
// ServeHTTP as if it came alone — the batch's bearer token authenticates
// it, the throttle counts it, the route table routes it, the pipeline logs
// and counts it (httpx.Inner) — so a batch can do nothing its requests
// could not do one by one. Requests run one at a time, each after the ones
// it dependsOn; one whose dependency failed is answered 424 unrun.
// Responses come in the order of the requests.
func (a *API) handleBatch(w http.ResponseWriter, r *http.Request) error {
	var body batchBody
	if err := a.decode(w, r, &body, false); err != nil {
		return err
	}
	items, order, err := checkBatch(body.Requests)
	if err != nil {
		return err
	}
	answers := make([]batchAnswer, len(items))
	status := make(map[string]int, len(items))
	for _, i := range order {
		it := items[i]
		if failed := failedDependency(it, status); failed != "" {
			answers[i] = a.failedDependency(r, it.ID, failed)
		} else {
			answers[i] = a.runInner(r, it)
		}
		status[it.ID] = answers[i].Status
	}
	return writeJSON(w, http.StatusOK, map[string]any{"responses": answers})
}

// checkBatch refuses a malformed batch as a whole (Graph's 400), and
// returns its requests in an order that runs each after its dependencies,
// otherwise in the order given.
func checkBatch(reqs *[]batchItem) ([]batchItem, []int, error) {
	if reqs == nil {
		return nil, nil, badRequest("requests", "the batch has no requests property: send {\"requests\": [{\"id\": \"1\", \"method\": \"GET\", \"url\": \"/me\"}]}")
	}
	items := *reqs
	switch {
	case len(items) == 0:
		return nil, nil, badRequest("requests", "the batch holds no request")
	case len(items) > MaxBatchRequests:
		return nil, nil, badRequest("requests", fmt.Sprintf("the batch holds %d requests; at most %d are allowed", len(items), MaxBatchRequests))
	}
	index := make(map[string]int, len(items))
	for i, it := range items {
		if strings.TrimSpace(it.ID) == "" {
			return nil, nil, badRequest("id", fmt.Sprintf("request %d of the batch has no id", i+1))
		}
		if _, dup := index[it.ID]; dup {
			return nil, nil, badRequest("id", fmt.Sprintf("the id %q is used by more than one request of the batch", it.ID))
		}
		index[it.ID] = i
		if err := checkItem(it); err != nil {
			return nil, nil, err
		}
	}
	for _, it := range items {
		for _, d := range it.DependsOn {
			if _, ok := index[d]; !ok || d == it.ID {
				return nil, nil, badRequest("dependsOn", fmt.Sprintf("request %q depends on %q, which is not another request of the batch", it.ID, d))
			}
		}
	}
	order, err := runOrder(items, index)
	return items, order, err
}

// checkItem checks one request's method, URL and body.
func checkItem(it batchItem) error {
	if it.Method == "" || strings.ContainsAny(it.Method, " \t\r\n/") {
		return badRequest("method", fmt.Sprintf("request %q has no valid method", it.ID))
	}
	if _, err := innerURL(it); err != nil {
		return err
	}
	if b := bytes.TrimSpace(it.Body); len(b) > 0 && b[0] != '{' && b[0] != '[' && b[0] != '"' && !bytes.Equal(b, []byte("null")) {
		return badRequest("body", fmt.Sprintf("the body of request %q must be a JSON object, or a base64 string", it.ID))
	}
	return nil
}

// innerURL is the request's URL under /v1.0: relative to the version, as
// Graph has it ("/users?$top=5" or "users/{id}"), never another host,
// never outside /v1.0, never a batch in a batch.
func innerURL(it batchItem) (*url.URL, error) {
	bad := func(why string) error {
		return badRequest("url", fmt.Sprintf("the url %q of request %q %s", it.URL, it.ID, why))
	}
	if strings.TrimSpace(it.URL) == "" {
		return nil, bad("is empty")
	}
	u, err := url.Parse("/v1.0/" + strings.TrimPrefix(it.URL, "/"))
	if err != nil || strings.Contains(it.URL, "://") || strings.HasPrefix(it.URL, "//") {
		return nil, bad("is not a URL relative to /v1.0, such as /users?$top=5")
	}
	u.Path = path.Clean(u.Path)
	if u.Path != "/v1.0" && !strings.HasPrefix(u.Path, "/v1.0/") {
		return nil, bad("leaves /v1.0")
	}
	if strings.EqualFold(u.Path, "/v1.0/$batch") {
		return nil, bad("is a batch: batches do not nest")
	}
	u.RawPath = ""
	return u, nil
}

// runOrder sorts the requests so that each runs after its dependencies,
// keeping the given order where dependencies allow; a cycle is a 400.
func runOrder(items []batchItem, index map[string]int) ([]int, error) {
	const (
		unseen = iota
		visiting
		done
	)
	mark := make([]int, len(items))
	order := make([]int, 0, len(items))
	var visit func(i int) error
	visit = func(i int) error {
		switch mark[i] {
		case done:
			return nil
		case visiting:
			return badRequest("dependsOn", fmt.Sprintf("the dependsOn of request %q form a cycle", items[i].ID))
		}
		mark[i] = visiting
		for _, d := range items[i].DependsOn {
			if err := visit(index[d]); err != nil {
				return err
			}
		}
		mark[i] = done
		order = append(order, i)
		return nil
	}
	for i := range items {
		if err := visit(i); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// failedDependency is the first dependency of it that failed (an error
// status, or itself unrun), or "".
func failedDependency(it batchItem, status map[string]int) string {
	for _, d := range it.DependsOn {
		if status[d] >= 400 {
			return d
		}
	}
	return ""
}

func (a *API) failedDependency(r *http.Request, id, dep string) batchAnswer {
	rec := newCapture()
	a.writeError(rec, r, &apiError{status: http.StatusFailedDependency, code: "FailedDependency",
		message: fmt.Sprintf("The request was not run: request %q, on which it depends, failed.", dep)})
	return rec.answer(id)
}

// runInner serves one request of the batch through ServeHTTP.
func (a *API) runInner(outer *http.Request, it batchItem) batchAnswer {
	u, _ := innerURL(it) // checked by checkBatch
	var body io.Reader = http.NoBody
	b := bytes.TrimSpace(it.Body)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
	case b[0] == '"': // Graph's way of carrying a body that is not JSON
		var s string
		var raw []byte
		err := json.Unmarshal(b, &s)
		if err == nil {
			raw, err = base64.StdEncoding.DecodeString(s)
		}
		if err != nil {
			rec := newCapture()
			a.writeError(rec, outer, badRequest("body", fmt.Sprintf("the body of request %q is a string but not base64", it.ID)))
			return rec.answer(it.ID)
		}
		body = bytes.NewReader(raw)
	default:
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(outer.Context(), strings.ToUpper(it.Method), u.String(), body)
	if err != nil {
		rec := newCapture()
		a.writeError(rec, outer, badRequest("url", fmt.Sprintf("request %q: %v", it.ID, err)))
		return rec.answer(it.ID)
	}
	for k, v := range it.Headers {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "Host", "Content-Length", "Content-Encoding", "Accept-Encoding", "Transfer-Encoding", "Connection":
			// The batch's own token and connection hold for every
			// request; the inner body is the JSON above, never encoded.
		default:
			req.Header.Set(k, v)
		}
	}
	if body != http.NoBody && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json") // what a JSON body is
	}
	req.Header.Set("Authorization", outer.Header.Get("Authorization"))
	req.Host, req.RemoteAddr, req.TLS = outer.Host, outer.RemoteAddr, outer.TLS
	rec := newCapture()
	httpx.Inner(rec, req, a)
	return rec.answer(it.ID)
}

// capture is the ResponseWriter of one inner request.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newCapture() *capture { return &capture{header: http.Header{}} }

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}

func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}

// answer is the captured response as a batch response: a JSON body as
// JSON, any other as a base64 string, as Graph does.
func (c *capture) answer(id string) batchAnswer {
	ans := batchAnswer{ID: id, Status: c.status, Headers: map[string]string{}}
	if ans.Status == 0 {
		ans.Status = http.StatusOK
	}
	for k, vs := range c.header {
		ans.Headers[k] = strings.Join(vs, ", ")
	}
	if c.body.Len() == 0 {
		return ans
	}
	mt, _, _ := mime.ParseMediaType(c.header.Get("Content-Type"))
	if (mt == "application/json" || strings.HasSuffix(mt, "+json")) && json.Valid(c.body.Bytes()) {
		ans.Body = json.RawMessage(c.body.Bytes())
	} else {
		ans.Body, _ = json.Marshal(base64.StdEncoding.EncodeToString(c.body.Bytes()))
	}
	return ans
}
