package httpx

import (
	"compress/gzip"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// MinGzipBytes is the smallest body the pipeline compresses: a body that
// fits in one TCP segment (about 1,400 bytes) is sent in one packet either
// way, so compressing it costs both ends CPU and saves nothing. A token
// response (about 1,100 bytes) is one of these.
const MinGzipBytes = 1400

// gzipPool keeps the compressors (about 800 KB of state each) across
// requests. BestSpeed: a page of 100 users (50 KB) shrinks about tenfold
// either way, and the request's time is what counts.
var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

// acceptsGzip reports whether the client asked for gzip (and did not rule
// it out with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "x-gzip" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// gzipWriter holds back the start of a response until it knows whether to
// compress it: a body of MinGzipBytes or more, of a textual type, not
// already encoded, not a partial (Range) answer.
type gzipWriter struct {
	rw      *recorder
	status  int
	buf     []byte
	decided bool
	zw      *gzip.Writer // nil: written as is
}

func newGzipWriter(rw *recorder) *gzipWriter {
	return &gzipWriter{rw: rw, status: http.StatusOK}
}

func (g *gzipWriter) Header() http.Header { return g.rw.Header() }

func (g *gzipWriter) WriteHeader(code int) {
	if g.decided {
		g.rw.WriteHeader(code) // a late call: the recorder ignores it
		return
	}
	if code < 200 { // informational answers go out at once
		g.rw.WriteHeader(code)
		return
	}
	g.status = code
	if code == http.StatusNoContent || code == http.StatusNotModified {
		g.decide(false)
	}
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.decided {
		g.buf = append(g.buf, b...)
		if len(g.buf) < MinGzipBytes {
			return len(b), nil
		}
		if err := g.decide(true); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	if g.zw != nil {
		return g.zw.Write(b)
	}
	return g.rw.Write(b)
}

// decide writes the header, compressing when big says the body is large
// enough and its type suits, then what was held back.
func (g *gzipWriter) decide(big bool) error {
	g.decided = true
	h := g.rw.Header()
	if h.Get("Content-Type") == "" && len(g.buf) > 0 {
		// What net/http would sniff, decided before the bytes turn to gzip.
		h.Set("Content-Type", http.DetectContentType(g.buf))
	}
	if big && compressible(h, g.status) {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
			h.Set("ETag", "W/"+et) // the bytes differ from the identity body's
		}
		g.zw = gzipPool.Get().(*gzip.Writer)
		g.zw.Reset(g.rw)
	}
	g.rw.WriteHeader(g.status)
	buf := g.buf
	g.buf = nil
	if len(buf) == 0 {
		return nil
	}
	var err error
	if g.zw != nil {
		_, err = g.zw.Write(buf)
	} else {
		_, err = g.rw.Write(buf)
	}
	return err
}

// compressible: a textual body, not encoded already, not a byte range,
// not a stream of events (which must reach the client as it is written).
func compressible(h http.Header, status int) bool {
	if status == http.StatusPartialContent || h.Get("Content-Encoding") != "" || h.Get("Content-Range") != "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return false
	}
	switch {
	case mt == "text/event-stream":
		return false
	case strings.HasPrefix(mt, "text/"), mt == "application/json", mt == "application/javascript",
		mt == "application/xml", mt == "image/svg+xml",
		strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	return false
}

// Flush sends what is held back (compressed or not, as decided by what is
// there) and flushes the connection: a streamed page stays streamed.
func (g *gzipWriter) Flush() {
	if !g.decided {
		_ = g.decide(len(g.buf) >= MinGzipBytes)
	}
	if g.zw != nil {
		_ = g.zw.Flush()
	}
	_ = http.NewResponseController(g.rw).Flush()
}

// Unwrap lets http.ResponseController reach the connection (deadlines).
func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.rw }

// finish ends the response: a small body goes out as it is.
func (g *gzipWriter) finish() {
	if !g.decided {
		_ = g.decide(false)
	}
	if g.zw != nil {
		_ = g.zw.Close() // the client went away: nothing more to do
		g.zw.Reset(nil)
		gzipPool.Put(g.zw)
		g.zw = nil
	}
}

// abandon drops a body held back by a panicking handler, so that the
// pipeline's 500 replaces it; once the header is out it can only end.
func (g *gzipWriter) abandon() {
	if !g.decided {
		g.decided, g.buf = true, nil
		return
	}
	g.finish()
}
