// Command orgdir runs the orgdir organization directory: `orgdir serve`
// starts the server, and the other subcommands migrate the database, purge
// expired deleted users and administer tenants from the shell. Run
// `orgdir --help` for the list. The work is done by internal/cli.
package main
