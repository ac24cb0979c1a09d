// Package cli is the orgdir command: its subcommands (serve, migrate,
// purge and the admin commands), their flags and environment variables, and
// how its errors reach the operator. cmd/orgdir is a thin main around
// Program.Run, so tests start the whole program, in-process, through the
// same function.
//
// Every flag --some-name can also be set by the environment variable
// ORGDIR_SOME_NAME; a flag on the command line wins. Admin commands act as
// directory.SystemActor("orgdir CLI"): whoever can run the binary against
// the database is its operator, and every change they make is audited
// under that name.
package cli
