package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/issuer"
)

func setupActivityCreate(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	title := fs.String("title", "", "title of the activity")
	desc := fs.String("description", "", "what the activity is about")
	unit := fs.String("unit", "", "organising unit, such as Careers Centre")
	start := fs.String("start", "", "start date, YYYY-MM-DD")
	end := fs.String("end", "", "end date, YYYY-MM-DD; defaults to the start date")
	hours := fs.Float64("hours", 0, "length of the activity in hours")
	codes := fs.String("achievements", "", "comma-separated codes of the badges offered, such as IPC,EC")
	minAtt := fs.Float64("min-attendance", issuer.DefaultMinAttendance, "share of sessions a student must attend to earn the badges, above 0 and at most 1")
	organiser := fs.String("organiser", "", "name of the organiser who owns the activity (a user made by laurel token create)")
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if *title == "" || *start == "" || *codes == "" {
			return fmt.Errorf("%w: --title, --start and --achievements are required", errUsage)
		}
		in, err := activityInput(*title, *desc, *unit, *start, *end, *hours, *codes, *minAtt)
		if err != nil {
			return err
		}

		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		if *organiser != "" {
			u, err := a.db.UserByName(ctx, *organiser)
			if errors.Is(err, issuer.ErrNotFound) {
				return fmt.Errorf("no user is called %q; create one with laurel token create --role organiser --name %q", *organiser, *organiser)
			}
			if err != nil {
				return err
			}
			in.OrganiserID = u.ID
		}

		act, err := a.service.CreateActivity(ctx, issuer.System, in)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, act.ID)
		return nil
	}
}

func activityInput(title, desc, unit, start, end string, hours float64, codes string, minAtt float64) (issuer.ActivityInput, error) {
	if end == "" {
		end = start
	}
	startDate, err := time.Parse(time.DateOnly, start)
	if err != nil {
		return issuer.ActivityInput{}, fmt.Errorf("%w: --start %q is not a date in the form YYYY-MM-DD", errUsage, start)
	}
	endDate, err := time.Parse(time.DateOnly, end)
	if err != nil {
		return issuer.ActivityInput{}, fmt.Errorf("%w: --end %q is not a date in the form YYYY-MM-DD", errUsage, end)
	}
	return issuer.ActivityInput{
		Title:            title,
		Description:      desc,
		Unit:             unit,
		StartDate:        startDate,
		EndDate:          endDate,
		Hours:            hours,
		AchievementCodes: strings.Split(codes, ","),
		MinAttendance:    &minAtt,
	}, nil
}

func setupActivityList(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		acts, err := a.service.Activities(ctx, issuer.System)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTART\tHOURS\tTITLE")
		for _, act := range acts {
			fmt.Fprintf(tw, "%s\t%s\t%g\t%s\n", act.ID, act.StartDate.Format(time.DateOnly), act.Hours, act.Title)
		}
		return tw.Flush()
	}
}
