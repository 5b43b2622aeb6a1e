package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"text/template"

	"github.com/laurel-badges/laurel/internal/attendance"
	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/internal/notify"
	"github.com/laurel-badges/laurel/internal/store"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/keys"
)

// app is everything a command needs: the store, the signing keys and the
// issuer service on top of them. Every command, and the server, open it
// the same way, so they work on the same data with the same rules.
type app struct {
	cfg     *config.Config
	log     *slog.Logger
	db      *store.DB
	keys    *keys.Ring
	service *issuer.Service
	notify  *notify.Notifier // made by notifier on first use
}

// openApp opens the store (applying pending migrations), loads or creates
// the signing key and builds the service.
func openApp(ctx context.Context, cfg *config.Config, log *slog.Logger) (*app, error) {
	urls, err := issuer.NewURLs(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	did, err := keys.DIDWeb(cfg.BaseURL)
	if err != nil {
		return nil, err
	}

	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	ring, err := openKeys(ctx, cfg, log, db, did)
	if err != nil {
		db.Close()
		return nil, err
	}
	builder, err := issuer.NewCredentialBuilder()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("load credential schema: %w", err)
	}

	remark, err := loadPromotionRemark(cfg.PromotionRemarkFile)
	if err != nil {
		db.Close()
		return nil, err
	}

	svc := &issuer.Service{
		Store:    db,
		Signer:   ring,
		Keys:     ring,
		Builder:  builder,
		Parser:   attendanceParser{},
		URLs:     urls,
		IssuerID: did,
		Logger:   log,

		PromotionRemark: remark,
	}
	return &app{cfg: cfg, log: log, db: db, keys: ring, service: svc}, nil
}

func (a *app) Close() error { return a.db.Close() }

// openEmptyApp opens the app for a command that seeds data of its own, and
// fails when the store already has a badge catalogue, so that the command
// never mixes its data into a real institution's.
func openEmptyApp(ctx context.Context, cfg *config.Config, log *slog.Logger, command string) (*app, error) {
	a, err := openApp(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	existing, err := a.db.Achievements(ctx)
	if err != nil {
		a.Close()
		return nil, err
	}
	if len(existing) > 0 {
		a.Close()
		return nil, fmt.Errorf("%s needs an empty store, and %s already contains a badge catalogue; point --data-dir (or --database-url) at a new one, e.g. --data-dir ./laurel-%s", command, config.RedactURL(cfg.DatabaseURL), command)
	}
	return a, nil
}

func openStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (*store.DB, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder %s: %w", cfg.DataDir, err)
	}
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	if applied > 0 {
		log.Info("applied database migrations", "count", applied, "dialect", db.Dialect())
	}
	return db, nil
}

func openKeys(ctx context.Context, cfg *config.Config, log *slog.Logger, db *store.DB, did string) (*keys.Ring, error) {
	if err := checkMasterKeyPresent(ctx, cfg, db); err != nil {
		return nil, err
	}
	master, generated, err := keys.LoadMasterKey(cfg.MasterKeyFile, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if generated {
		log.Warn("generated a new master key in the data folder; back it up and keep it apart from database backups, or set LAUREL_MASTER_KEY_FILE",
			"path", filepath.Join(cfg.DataDir, keys.MasterKeyFileName))
	}
	ring, err := keys.Open(ctx, db, master, did, cfg.SigningAlg)
	if err != nil {
		return nil, fmt.Errorf("open signing keys: %w", err)
	}
	return ring, nil
}

// checkMasterKeyPresent refuses to go on when the store holds signing keys
// but the data folder has lost its master key: generating a new one would
// only hide the loss, since the stored keys cannot be decrypted with it.
// This happens when master.key was deleted, or when a second server shares
// the PostgreSQL database with an empty data folder.
func checkMasterKeyPresent(ctx context.Context, cfg *config.Config, db *store.DB) error {
	if cfg.MasterKeyFile != "" {
		return nil
	}
	path := filepath.Join(cfg.DataDir, keys.MasterKeyFileName)
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	stored, err := db.SigningKeys(ctx)
	if err != nil {
		return fmt.Errorf("list signing keys: %w", err)
	}
	if len(stored) > 0 {
		return fmt.Errorf("the database contains %d signing keys, but their master key %s is missing; restore it from a backup, or set LAUREL_MASTER_KEY_FILE to the file that contains it", len(stored), path)
	}
	return nil
}

// attendanceParser adapts internal/attendance to the issuer's parser interface.
type attendanceParser struct{}

func (attendanceParser) ParseAttendance(filename string, data []byte) ([]issuer.AttendanceRow, []issuer.RowProblem, error) {
	sheet, err := attendance.Parse(filename, data, attendance.Options{})
	if err != nil {
		return nil, nil, err
	}
	rows := make([]issuer.AttendanceRow, len(sheet.Rows))
	for i, r := range sheet.Rows {
		rows[i] = issuer.AttendanceRow{
			Line:             r.Line,
			StudentNumber:    r.StudentNumber,
			Name:             r.Name,
			SessionsAttended: r.SessionsAttended,
			SessionsTotal:    r.SessionsTotal,
			Assessment:       r.Assessment,
			Withhold:         r.Withhold,
			Remarks:          r.Remarks,
		}
	}
	problems := make([]issuer.RowProblem, len(sheet.Problems))
	for i, p := range sheet.Problems {
		problems[i] = issuer.RowProblem{Line: p.Line, Column: p.Column, Value: p.Value, Code: p.Code, Message: p.Message, Warning: p.Warning}
	}
	return rows, problems, nil
}

// loadPromotionRemark parses the promotion remark template in path, or
// returns nil for the built-in one when path is empty.
func loadPromotionRemark(path string) (*template.Template, error) {
	if path == "" {
		return nil, nil
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--promotion-remark-file: %w", err)
	}
	t, err := issuer.ParsePromotionRemark(string(text))
	if err != nil {
		return nil, fmt.Errorf("--promotion-remark-file %s: %w; fields are .IssuerName, .Activity and .Badges", path, err)
	}
	return t, nil
}
