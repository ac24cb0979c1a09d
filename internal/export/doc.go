// Package export renders a person's exported data (directory.PersonalData)
// as the one JSON document every way out gives: the API's
// exportPersonalData, My Account's "Download my data", the admin portal's
// "Export data" and `orgdir user export`.
//
// The document uses the API's shapes (Graph property names in camelCase; a
// user is a microsoft.graph.user, a group a microsoft.graph.group) and never
// carries a secret or its hash, nor the body of an e-mail.
//
// The entities in it (user, organization, groups, app role assignments,
// audit events) are rendered by internal/graphjson, as the API renders
// them everywhere else.
package export
