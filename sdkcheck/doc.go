// Package sdkcheck proves that the official Microsoft Graph SDK for Go
// (github.com/microsoftgraph/msgraph-sdk-go) drives orgdir's JSON API
// unchanged: only its base URL and its bearer token differ.
//
// It is its own Go module because the SDK is large (minutes and gigabytes
// to compile): the main module never imports it. Run it with
//
//	cd sdkcheck && go test ./...
package sdkcheck
