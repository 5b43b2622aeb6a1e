package issuer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Limits of a Records of Achievement request.
const (
	maxRecordPageSize   = 100
	maxRecordQueryChars = 100
)

// recordsTTL is how long the Records of Achievement are reused. Changes
// made through this Service clear them at once; changes made by another
// server process on the same database show within this time.
const recordsTTL = 30 * time.Second

// recordsCache keeps every published record, so that a page view filters
// and slices a list in memory instead of scanning the awards. It holds
// one entry per published student: some 50 MB for 100,000 students, an
// estimate from the size of the entries.
type recordsCache struct {
	mu         sync.Mutex
	entries    []*RecordEntry
	loadedAt   time.Time
	generation uint64 // incremented by invalidate, so that a load that raced a change is not kept
}

func (c *recordsCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = nil
	c.generation++
}

// publishedRecords returns the cached records, loading them when they are
// missing or older than recordsTTL.
func (s *Service) publishedRecords(ctx context.Context) ([]*RecordEntry, error) {
	c := &s.records
	now := s.now()
	c.mu.Lock()
	if c.entries != nil && now.Sub(c.loadedAt) < recordsTTL {
		entries := c.entries
		c.mu.Unlock()
		return entries, nil
	}
	generation := c.generation
	c.mu.Unlock()

	entries, err := s.Store.PublishedRecords(ctx)
	if err != nil {
		return nil, fmt.Errorf("list published records: %w", err)
	}

	c.mu.Lock()
	if c.generation == generation {
		c.entries, c.loadedAt = entries, now
	}
	c.mu.Unlock()
	return entries, nil
}

// RecordsOfAchievement returns one page of the public Records of
// Achievement. A Limit of 0 means maxRecordPageSize.
func (s *Service) RecordsOfAchievement(ctx context.Context, f RecordFilter) (*RecordPage, error) {
	f.Query = strings.TrimSpace(f.Query)
	if err := CheckLine("q", f.Query); err != nil {
		return nil, err
	}
	if err := checkLength("q", f.Query, maxRecordQueryChars); err != nil {
		return nil, err
	}
	if f.Limit == 0 {
		f.Limit = maxRecordPageSize
	}
	if f.Limit < 0 || f.Limit > maxRecordPageSize {
		return nil, Invalidf("limit", "%d: give a page size from 1 to %d", f.Limit, maxRecordPageSize)
	}
	if f.Offset < 0 {
		return nil, Invalidf("page", "the page number must be 1 or more")
	}

	all, err := s.publishedRecords(ctx)
	if err != nil {
		return nil, err
	}
	return pageRecords(all, f), nil
}

// pageRecords applies f to every record, which is in display order.
// Query matches part of the name or programme, ignoring case.
func pageRecords(all []*RecordEntry, f RecordFilter) *RecordPage {
	page := &RecordPage{Entries: []*RecordEntry{}}
	programmes := map[string]bool{}
	years := map[int]bool{}
	query := strings.ToLower(f.Query)

	for _, e := range all {
		programmes[e.Programme] = true
		years[e.YearOfEntry] = true

		switch {
		case f.Programme != "" && e.Programme != f.Programme:
			continue
		case f.YearOfEntry != 0 && e.YearOfEntry != f.YearOfEntry:
			continue
		case query != "" && !strings.Contains(strings.ToLower(e.Name), query) && !strings.Contains(strings.ToLower(e.Programme), query):
			continue
		}
		if page.Total >= f.Offset && (f.Limit == 0 || len(page.Entries) < f.Limit) {
			page.Entries = append(page.Entries, e)
		}
		page.Total++
	}

	for p := range programmes {
		page.Programmes = append(page.Programmes, p)
	}
	for y := range years {
		page.Years = append(page.Years, y)
	}
	slices.Sort(page.Programmes)
	slices.Sort(page.Years)
	return page
}
