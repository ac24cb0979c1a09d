// Package graphjson renders orgdir's entities as Microsoft Graph v1.0
// writes them: the JSON API (internal/httpapi) answers with these shapes,
// and the personal data export (internal/export), which the web UI and the
// CLI give too, embeds the same ones. One rendering serves both, so that a
// user, group, organization, app role assignment or audit event reads the
// same wherever it comes out.
//
// Object is an ordered JSON object: Graph writes @odata annotations first
// and properties in a fixed order, and $select prunes it (Pick). Marshal
// never escapes HTML, so URLs keep their & as Graph writes them.
package graphjson
