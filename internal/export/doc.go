// Package export renders a person's exported data (directory.PersonalData)
// as the one JSON document every way out gives: the API's
// exportPersonalData, My Account's "Download my data", the admin portal's
// "Export data" and `orgdir user export`.
//
// The document uses the API's shapes (Graph property names in camelCase; a
// user is a microsoft.graph.user, a group a microsoft.graph.group) and never
// carries a secret or its hash, nor the body of an e-mail.
//
// The entity shapes here repeat those of internal/httpapi, which the export
// must not import (the web UI and the CLI use this package too); a test in
// httpapi checks that the two agree.
package export
