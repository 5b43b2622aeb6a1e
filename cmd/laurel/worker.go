package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/internal/jobs"
	"github.com/laurel-badges/laurel/internal/mail"
	"github.com/laurel-badges/laurel/internal/notify"
)

// workerStopGrace is how long running jobs may finish after a stop
// signal before they are cancelled; a cancelled job runs again later.
const workerStopGrace = 30 * time.Second

func setupWorker(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) > 0 {
			return fmt.Errorf("%w: worker takes no arguments", errUsage)
		}
		log := newLogger(cfg, e.stderr)
		a, err := openApp(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer a.Close()

		runner, err := a.startJobs(ctx)
		if err != nil {
			return err
		}
		<-ctx.Done()
		return a.stopJobs(ctx, runner)
	}
}

// newNotifier builds the notifier on the configured SMTP server, or on the
// outbox when there is none, and logs which.
func (a *app) newNotifier() (*notify.Notifier, error) {
	var sender mail.Sender = &mail.Outbox{Store: a.db}
	if a.cfg.SMTPURL != "" {
		smtpCfg, err := mail.ParseSMTPURL(a.cfg.SMTPURL, a.cfg.SMTPPasswordFile, a.cfg.MailFrom)
		if err != nil {
			return nil, err
		}
		sender = &mail.SMTP{Config: smtpCfg}
		a.log.Info("sending email through SMTP", "server", smtpCfg.Addr(), "security", string(smtpCfg.Security), "from", smtpCfg.From)
	} else {
		a.log.Warn("no SMTP server configured (LAUREL_SMTP_URL): messages are kept in the outbox, which admins read in the web app")
	}

	n, err := notify.New(a.db, a.service.URLs, sender)
	if err != nil {
		return nil, err
	}
	n.AdvisorEmail = a.cfg.AdvisorEmail
	n.Logger = a.log
	return n, nil
}

// startJobs starts the job workers of this process.
func (a *app) startJobs(ctx context.Context) (*jobs.Runner, error) {
	n, err := a.notifier()
	if err != nil {
		return nil, err
	}
	runner, err := jobs.New(a.db, n, a.service, jobs.Config{}, a.log)
	if err != nil {
		return nil, err
	}
	if err := runner.Start(ctx); err != nil {
		return nil, err
	}
	return runner, nil
}

// stopJobs lets running jobs finish for up to workerStopGrace.
func (a *app) stopJobs(ctx context.Context, runner *jobs.Runner) error {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), workerStopGrace)
	defer cancel()
	return runner.Stop(sctx)
}

// notifier returns the app's notifier, built once.
func (a *app) notifier() (*notify.Notifier, error) {
	if a.notify == nil {
		n, err := a.newNotifier()
		if err != nil {
			return nil, err
		}
		a.notify = n
	}
	return a.notify, nil
}
