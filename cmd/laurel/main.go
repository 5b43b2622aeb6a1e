// Command laurel is the Open Badges 3.0 issuer: its HTTP server and every
// administrative command, working on one store.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)

	// The first signal cancels ctx, so that work stops cleanly and rolls
	// back. Restoring the default handling then lets a second signal end
	// the process at once, for instance while a read blocks.
	go func() {
		<-ctx.Done()
		stop()
	}()

	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
