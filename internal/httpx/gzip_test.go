package httpx

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// page is about what a page of 100 users weighs.
func page() []byte {
	var b bytes.Buffer
	b.WriteString(`{"value":[`)
	for i := 0; i < 100; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%08d-0000-4000-8000-000000000000","displayName":"User %d","userPrincipalName":"user%d@contoso.example","accountEnabled":true,"userType":"Member","mail":"user%d@contoso.example","createdDateTime":"2026-03-01T09:00:00Z","jobTitle":null,"department":null,"officeLocation":null,"mobilePhone":null,"givenName":null,"surname":null}`, i, i, i, i)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

func compressingServer(t *testing.T) *httptest.Server {
	t.Helper()
	big := page()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		// Written in pieces, the first one below the threshold.
		_, _ = w.Write(big[:100])
		_, _ = w.Write(big[100:])
	})
	mux.HandleFunc("GET /tiny", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"1"}`))
	})
	mux.HandleFunc("GET /segment", func(w http.ResponseWriter, r *http.Request) {
		// A token response's size: one TCP segment, compressed or not.
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(big[:1200])
	})
	mux.HandleFunc("GET /png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(bytes.Repeat([]byte{0x89}, 4096))
	})
	mux.HandleFunc("GET /stream", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write([]byte("data: 1\n\n"))
		_ = http.NewResponseController(w).Flush()
		_, _ = w.Write(bytes.Repeat([]byte("data: 2\n\n"), 500))
	})
	srv := httptest.NewServer((&Pipeline{}).Wrap(mux))
	t.Cleanup(srv.Close)
	return srv
}

// fetch gets path with the Accept-Encoding given (none when empty), raw:
// the client does not decode for us.
func fetch(t *testing.T, srv *httptest.Server, path, acceptEncoding string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

func TestAPageIsGzippedWhenTheClientAsksAndDecodesToTheSameBytes(t *testing.T) {
	srv := compressingServer(t)
	plainRes, plain := fetch(t, srv, "/page", "")
	if plainRes.Header.Get("Content-Encoding") != "" || !bytes.Equal(plain, page()) {
		t.Fatalf("without Accept-Encoding: encoding %q, %d bytes", plainRes.Header.Get("Content-Encoding"), len(plain))
	}
	res, zipped := fetch(t, srv, "/page", "br;q=1.0, gzip;q=0.8")
	if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("with gzip asked: Content-Encoding %q, Content-Type %q", res.Header.Get("Content-Encoding"), res.Header.Get("Content-Type"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(decoded, plain) {
		t.Fatalf("decoded %d bytes differ from the %d uncompressed ones", len(decoded), len(plain))
	}
	if len(zipped)*4 > len(plain) {
		t.Fatalf("%d bytes gzipped from %d: less than fourfold", len(zipped), len(plain))
	}
	for _, r := range []*http.Response{plainRes, res} {
		if r.Header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("Vary %q; a cache must keep the two apart", r.Header.Get("Vary"))
		}
	}
	t.Logf("a page of 100 users: %d bytes, %d gzipped", len(plain), len(zipped))
}

func TestWhatGzipCannotHelpGoesOutAsItIs(t *testing.T) {
	srv := compressingServer(t)
	for _, c := range []struct{ path, accept string }{
		{"/tiny", "gzip"},        // below MinGzipBytes
		{"/segment", "gzip"},     // fits in one TCP segment anyway
		{"/png", "gzip"},         // compressed already
		{"/page", "gzip;q=0"},    // refused by the client
		{"/page", "deflate, br"}, // not asked for
		{"/stream", "gzip"},      // events reach the client as written
	} {
		res, body := fetch(t, srv, c.path, c.accept)
		if enc := res.Header.Get("Content-Encoding"); enc != "" {
			t.Fatalf("%s with Accept-Encoding %q: Content-Encoding %q", c.path, c.accept, enc)
		}
		if c.path == "/tiny" && (res.StatusCode != http.StatusCreated || string(body) != `{"id":"1"}`) {
			t.Fatalf("tiny: %d %q", res.StatusCode, body)
		}
		if c.path == "/stream" && !strings.HasPrefix(string(body), "data: 1\n\ndata: 2") {
			t.Fatalf("stream: %q", body[:20])
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"gzip": true, "GZIP": true, "deflate, gzip": true, "gzip;q=0.5": true, "x-gzip": true,
		"": false, "gzip;q=0": false, "gzip; q=0.0": false, "br": false, "gzipped": false,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", h)
		if got := acceptsGzip(r); got != want {
			t.Errorf("Accept-Encoding %q: %v, want %v", h, got, want)
		}
	}
}

func TestAPanicBeforeTheBodyLeavesIsAPlain500EvenWhenGzipWasAsked(t *testing.T) {
	h := (&Pipeline{}).Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"half":`)) // held back, below MinGzipBytes
		panic("boom")
	}))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Encoding") != "" || strings.Contains(rec.Body.String(), "half") {
		t.Fatalf("%d, Content-Encoding %q, body %q; want a plain 500 without the half-written body", rec.Code, rec.Header().Get("Content-Encoding"), rec.Body.String())
	}
}
