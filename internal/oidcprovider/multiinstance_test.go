package oidcprovider_test

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/orgdir/orgdir/internal/demo"
	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/postgres"
)

// twoInstances is a world (instance A) and a second instance B over the
// same PostgreSQL database, behind the same public URL, as behind a load
// balancer; B's address is srvB.
type twoInstances struct {
	*world
	svcB *directory.Service
	srvB *httptest.Server
}

func newTwoInstances(t *testing.T, keyRotation time.Duration) *twoInstances {
	t.Helper()
	dsn := os.Getenv("ORGDIR_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("set ORGDIR_TEST_POSTGRES to run the two-instance tests")
	}
	st, schemaDSN := openPostgres(t, dsn)
	w := newWorldWith(t, st, keyRotation)
	stB, err := postgres.Open(context.Background(), schemaDSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stB.Close() })
	srvB := httptest.NewUnstartedServer(nil)
	svcB := startInstance(t, srvB, stB, w.clock, w.srv.URL, keyRotation)
	return &twoInstances{world: w, svcB: svcB, srvB: srvB}
}

// atB is the relying party sending its token requests to instance B,
// verifying with B's JWKS.
func (ti *twoInstances) atB(r *rp) *rp {
	b := *r
	b.conf.Endpoint.TokenURL = strings.Replace(r.conf.Endpoint.TokenURL, ti.srv.URL, ti.srvB.URL, 1)
	keys := gooidc.NewRemoteKeySet(ti.ctx, ti.srvB.URL+"/"+ti.d.Contoso.ID+"/discovery/v2.0/keys")
	b.verifier = gooidc.NewVerifier(ti.issuer(ti.d.Contoso.ID), keys, &gooidc.Config{ClientID: r.conf.ClientID, Now: ti.clock.Now})
	return &b
}

func TestTwoInstancesShareGrantsAndRevocations(t *testing.T) {
	ti := newTwoInstances(t, 0)
	r := ti.webRP()
	s := r.codeFlow(ti.world, ti.browser(), demo.AdaUPN, demo.AdaPassword) // at A
	atB := ti.atB(r)
	tok, err := atB.refresh(ti.world, s.tok.RefreshToken)
	if err != nil {
		t.Fatalf("refresh at B of a token of A: %v", err)
	}
	atB.verify(ti.world, tok, "") // B's JWKS verifies B's ID token
	r.verify(ti.world, tok, "")   // and A's
	// The old token again, now at A: reuse, seen across instances.
	_, err = r.refresh(ti.world, s.tok.RefreshToken)
	wantRetrieveError(t, err, "invalid_grant", "")
	_, err = atB.refresh(ti.world, tok.RefreshToken)
	wantRetrieveError(t, err, "invalid_grant", "")

	// A revocation at A is seen at B at once.
	s = r.codeFlow(ti.world, ti.browser(), demo.AdaUPN, demo.AdaPassword)
	ti.clock.Advance(time.Second)
	if err := ti.svc.RevokeSignInSessions(ti.as(ti.d.ContosoAdmin), ti.d.Contoso.ID, ti.d.AdaGuest.ID); err != nil {
		t.Fatal(err)
	}
	_, err = atB.refresh(ti.world, s.tok.RefreshToken)
	wantRetrieveError(t, err, "invalid_grant", "")
}

func TestTwoInstancesKeyRotationKeepsOldTokensVerifiable(t *testing.T) {
	ti := newTwoInstances(t, 30*time.Minute)
	r := ti.webRP()
	s := r.codeFlow(ti.world, ti.browser(), demo.AdaUPN, demo.AdaPassword)
	oldKid := kidOf(t, s.tok.AccessToken)
	// Past the rotation, B signs with a new key (made by whichever instance
	// asks first), A uses the same one.
	ti.clock.Advance(31 * time.Minute)
	atB := ti.atB(r)
	tok, err := atB.refresh(ti.world, s.tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	newKid := kidOf(t, tok.AccessToken)
	if newKid == oldKid {
		t.Fatal("no rotation")
	}
	if _, err := ti.svc.SigningKeys(context.Background()); err != nil {
		t.Fatal(err)
	}
	again := r.codeFlow(ti.world, ti.browser(), demo.AdaUPN, demo.AdaPassword)
	if kidOf(t, again.tok.AccessToken) != newKid {
		t.Error("the instances sign with different keys")
	}
	// The old ID token, still within its lifetime, verifies at both JWKS.
	raw, _ := s.tok.Extra("id_token").(string)
	if _, err := atB.verifier.Verify(ti.ctx, raw); err != nil {
		t.Errorf("an ID token of the previous key at B: %v", err)
	}
	if _, err := ti.rp(ti.d.App.ID, ti.secret, webCallback).verifier.Verify(ti.ctx, raw); err != nil {
		t.Errorf("an ID token of the previous key at A: %v", err)
	}
	// And the old access token still introspects active at A.
	if ti.introspect(s.tok.AccessToken)["active"] != true {
		t.Error("an access token of the previous key is no longer active")
	}
}

func kidOf(t *testing.T, raw string) string {
	t.Helper()
	sig, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(sig.Signatures) != 1 {
		t.Fatalf("not a JWS: %v", err)
	}
	return sig.Signatures[0].Header.KeyID
}
