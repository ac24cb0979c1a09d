// Package demo seeds the data of `orgdir serve --demo`: two tenants,
// Contoso and Fabrikam, an admin in each, Ada Lovelace of Fabrikam as an
// accepted guest in Contoso (in a group, with an app role), a pending
// invitation, and Contoso's privacy contact, so that every part of the
// guest lifecycle can be tried at once.
//
// Seeding goes through the directory.Service like any other client, so the
// demo obeys the same rules and writes the same audit log. It is
// idempotent: seeding a data directory that was seeded before finds what is
// there and adds only what is missing. It never brings back a guest who
// left or was deleted: that is the journey the demo is for.
//
// The passwords are fixed and printed. That is the point of a demo and the
// reason never to run --demo on data or a network that matters.
package demo
