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
// Decisions every adapter can rely on:
//
//   - Authorization is decided here from the Actor, loaded in the
//     operation's own transaction (a deleted or disabled actor is
//     KindUnauthenticated). Global Administrators may do everything in
//     their tenant; User Administrators everything but tenant settings and
//     Global Administrators; Guest Inviters invite; members read users,
//     groups and apps; guests see only themselves, their groups and their
//     assignments. System actors may do anything.
//   - Across tenants nothing is revealed: naming an object (user, group,
//     app, assignment, audit event, the tenant itself) of another tenant is
//     KindNotFound, as is a malformed id; a tenant's collections and
//     settings (list, create, invite, settings, audit) are KindForbidden.
//   - Input is checked before any store sees it: every e-mail address by
//     one rule (ValidateEmail, which passcode sign-in uses too), every
//     text by one rule (text.go: no control or bidirectional formatting
//     characters, valid UTF-8), so SQLite and PostgreSQL answer alike.
//   - Times are UTC at microsecond precision. Retention counts 24-hour days
//     from the instant of deletion, so purge time does not depend on any
//     time zone; at PurgeAt the user can no longer be restored
//     (KindConflict) and the purge may erase it.
//   - Every state change and its audit record are written in one Store
//     Write; if the audit record cannot be written, nothing changes.
//   - Erasure (PermanentlyDeleteUser of a deleted user, as in Entra;
//     EraseUser of a live or deleted user in one step, for data subject
//     requests; the retention purge) removes the user with everything
//     that names it, and in every tenant's audit log blanks its name, UPN,
//     modified values and the additionalDetails values of events naming
//     it; ids stay. For that reason no message or record written for
//     someone else may carry a person's name: invitation e-mail names the
//     tenant, not the inviter.
//   - A person is tied to another tenant's objects only by redeeming an
//     invitation, and only an invitation to an address they proved: their
//     userPrincipalName, their mail when it is that or in their own
//     tenant's domain, or an e-mail identity's passcode-verified address
//     (proven.go). Anyone else holding the link is
//     KindInvitationOtherAddress, and the store allows one live user per
//     person and tenant.
//   - ExportMyData is everything about the person, across tenants:
//     users, roles, groups, assignments, invitations, tokens, sessions,
//     e-mail (without bodies, which may hold live links or passcodes) and
//     the audit events naming them as target or initiator.
//   - Password sign-in (SignInWithPassword) and passcodes
//     (AdmitPasscodeAttempt) are throttled per (account, client address)
//     and per client address with waits that double, never per account
//     alone, so the right password from an address that has not been
//     failing always works; the counters are in the store, shared by
//     every instance, keyed by digests (signin_throttle.go).
//
// The Store interface is defined here, by the one who needs it; backends
// live in internal/store and pass internal/store/storetest.
package directory
