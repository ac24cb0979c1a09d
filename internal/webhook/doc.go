// Package webhook sends Graph change notifications: it validates a
// subscription's URL (Graph's validationToken handshake), and its
// Dispatcher delivers the change log's batches to each subscription,
// signed the Standard Webhooks way, through an HTTP client that refuses
// loopback and private addresses (an SSRF guard) unless told otherwise.
package webhook
