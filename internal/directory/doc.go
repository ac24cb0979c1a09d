// Package directory is orgdir's domain: tenants, users, guests, invitations,
// groups, applications and the audit log, and every rule of the guest
// lifecycle (invite, redeem, leave, soft delete, restore, permanent delete,
// retention purge).
//
// It knows nothing of HTTP or SQL. Callers (the JSON API, the web UI, the
// CLI and the purge job) put an Actor in the context and call the Service;
// the Service decides what that actor may do and runs every state change in
// one Store transaction together with its audit record.
//
// The Store interface is defined here, by the one who needs it; backends
// live in internal/store and pass internal/store/storetest.
package directory
