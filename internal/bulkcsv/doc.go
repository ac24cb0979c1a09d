// Package bulkcsv reads the CSV files of bulk create and bulk invite, in
// the templates of Entra's admin portal (a "version:v1.0" line, then
// headings such as "User name [userPrincipalName] Required", then one user
// a row); a row it cannot read (a bad Yes/No) it refuses with its reason,
// for the domain's results. The CLI and the web UI both use it; the rules
// stay in the domain.
package bulkcsv
