package httpx

import "net/http"

// Inner serves r, a request carried inside the request of r's context (a
// member of a JSON $batch), with h through the same pipeline as the outer
// one: its own request id, access log line (naming the outer request's id)
// and metric, named by its own route, so that a batch of twenty is logged
// and counted as twenty requests and the outer one keeps its own route.
// Its body is not compressed: it becomes part of the outer body, which is.
// Outside a pipeline (a handler mounted bare in a test) h serves r as is.
func Inner(w http.ResponseWriter, r *http.Request, h http.Handler) {
	outer, ok := r.Context().Value(stateKey{}).(*state)
	if !ok || outer.pipeline == nil {
		h.ServeHTTP(w, r)
		return
	}
	outer.pipeline.serve(w, r, h, outer.id, false)
}
