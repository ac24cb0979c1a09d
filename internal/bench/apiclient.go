package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// apiClient calls orgdir's JSON API with one bearer token.
type apiClient struct {
	base  string // http://127.0.0.1:PORT
	token string
	http  *http.Client
}

func newAPIClient(base, token string, conc int) *apiClient {
	// As many idle connections as callers: a client that had to dial
	// again for each request would measure TCP set-up, not the server.
	return &apiClient{base: base, token: token, http: &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		MaxIdleConns: conc, MaxIdleConnsPerHost: conc}}}
}

// do sends method path (with body as JSON, unless nil) and returns the
// answer's body; any status but want is an error.
func (c *apiClient) do(ctx context.Context, method, path string, body any, want int) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%s %s answered %d, want %d: %.300s", method, path, resp.StatusCode, want, got)
	}
	return got, nil
}

// usersPage is the part of a users page the bench reads.
type usersPage struct {
	Value []struct {
		ID string `json:"id"`
	} `json:"value"`
	NextLink string `json:"@odata.nextLink"`
}

// page gets a users page at path and checks it has want users (when
// want > 0). The next link comes back as a path of c.base.
func (c *apiClient) page(ctx context.Context, path string, want int) (next string, err error) {
	b, err := c.do(ctx, http.MethodGet, path, nil, http.StatusOK)
	if err != nil {
		return "", err
	}
	var p usersPage
	if err := json.Unmarshal(b, &p); err != nil {
		return "", fmt.Errorf("GET %s: not a users page: %w", path, err)
	}
	if want > 0 && len(p.Value) != want {
		return "", fmt.Errorf("GET %s: the page has %d users, want %d", path, len(p.Value), want)
	}
	if p.NextLink == "" {
		return "", nil
	}
	u, err := url.Parse(p.NextLink)
	if err != nil {
		return "", fmt.Errorf("GET %s: @odata.nextLink %q: %w", path, p.NextLink, err)
	}
	return u.RequestURI(), nil
}
