// Command oidc-demo-client is the smallest web app that signs people in
// with orgdir: run `orgdir serve --demo`, then
//
//	go run ./examples/oidc-demo-client -issuer ISSUER -client-id ID
//
// with the issuer and client id the demo printed, and the client secret
// in ORGDIR_CLIENT_SECRET. It listens on localhost:8081, the demo app's
// home page and redirect URI (http://localhost:8081/callback): opening
// the Falcon Portal tile in My Apps, or http://localhost:8081/, signs in
// and shows the ID token's claims. It keeps no session: every visit asks
// orgdir again (and orgdir's own session signs in without a prompt).
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

func main() {
	issuer := flag.String("issuer", "", "the tenant's issuer, e.g. http://localhost:8080/{tenant-id}/v2.0")
	clientID := flag.String("client-id", "", "the application (client) id")
	addr := flag.String("addr", "localhost:8081", "where to listen; the redirect URI is http://ADDR/callback")
	flag.Parse()
	secret := os.Getenv("ORGDIR_CLIENT_SECRET")
	if *issuer == "" || *clientID == "" || secret == "" {
		log.Fatal("give -issuer and -client-id, and the client secret in ORGDIR_CLIENT_SECRET")
	}
	// Discovery checks that the document's issuer is the one asked for.
	provider, err := oidc.NewProvider(context.Background(), *issuer)
	if err != nil {
		log.Fatalf("discovery: %v", err)
	}
	conf := oauth2.Config{ClientID: *clientID, ClientSecret: secret, Endpoint: provider.Endpoint(),
		RedirectURL: "http://" + *addr + "/callback", Scopes: []string{oidc.ScopeOpenID, "profile", "email"}}
	verifier := provider.Verifier(&oidc.Config{ClientID: *clientID})

	// Flows in progress, by state: the PKCE verifier and nonce of each.
	type flow struct{ pkce, nonce string }
	var mu sync.Mutex
	flows := map[string]flow{}

	http.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		state, f := rand.Text(), flow{pkce: oauth2.GenerateVerifier(), nonce: rand.Text()}
		mu.Lock()
		flows[state] = f
		mu.Unlock()
		http.Redirect(w, r, conf.AuthCodeURL(state, oauth2.S256ChallengeOption(f.pkce), oidc.Nonce(f.nonce)), http.StatusFound)
	})
	http.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if e := q.Get("error"); e != "" {
			http.Error(w, e+": "+q.Get("error_description"), http.StatusForbidden)
			return
		}
		mu.Lock()
		f, ok := flows[q.Get("state")]
		delete(flows, q.Get("state"))
		mu.Unlock()
		if !ok {
			http.Error(w, "unknown state: start again at /", http.StatusBadRequest)
			return
		}
		tok, err := conf.Exchange(r.Context(), q.Get("code"), oauth2.VerifierOption(f.pkce))
		if err != nil {
			http.Error(w, "code exchange: "+err.Error(), http.StatusBadGateway)
			return
		}
		raw, _ := tok.Extra("id_token").(string)
		id, err := verifier.Verify(r.Context(), raw) // signature (JWKS), iss, aud, exp
		if err != nil || id.Nonce != f.nonce {
			http.Error(w, fmt.Sprintf("ID token refused: %v", err), http.StatusBadGateway)
			return
		}
		var claims map[string]any
		if err := id.Claims(&claims); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(claims)
	})
	log.Printf("open http://%s/ to sign in", *addr)
	srv := &http.Server{Addr: *addr, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
