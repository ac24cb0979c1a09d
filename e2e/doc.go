// Package e2e holds whole-program tests: they start orgdir through
// cli.Program.Run, exactly as main does, with a temporary data directory,
// and talk to it over HTTP on 127.0.0.1 or through its admin commands.
// Browser tests of the web UI live here too.
package e2e
