package main

// main only wires the process (signals, arguments, environment, streams,
// exit status) to cli.Run, where everything happens and which tests call.

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/orgdir/orgdir/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(cli.ExitCode(err))
}
