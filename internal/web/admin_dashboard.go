package web

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"

	"github.com/laurel-badges/laurel/internal/chart"
	"github.com/laurel-badges/laurel/issuer"
)

// dashboardData is the data of templates/pages/admin/home.html.
type dashboardData struct {
	Counts issuer.DashboardCounts
	Charts []dashboardChart
}

// dashboardChart is one chart with its text alternative.
type dashboardChart struct {
	ID    string
	Title string
	SVG   template.HTML // escaped by package chart
	Table chart.Table
}

// adminHome handles GET /admin/, the learning advisor's dashboard.
func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) {
	d, err := s.Service.Dashboard(r.Context(), sessionUser(r))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}

	data := dashboardData{Counts: d.Counts}
	charts := []struct {
		c       *chart.Chart
		columns bool
	}{
		{awardsByMonthChart(d), true},
		{badgeCountChart(d.BadgeCounts), true},
		{unitChart(d.Units), false},
	}
	for _, c := range charts {
		var svg bytes.Buffer
		write := c.c.WriteBars
		if c.columns {
			write = c.c.WriteColumns
		}
		if err := write(&svg); err != nil {
			s.log.ErrorContext(r.Context(), "draw dashboard chart", "chart", c.c.ID, "err", err)
			s.renderInternalError(w, r)
			return
		}
		data.Charts = append(data.Charts, dashboardChart{
			ID:    c.c.ID,
			Title: c.c.Title,
			// The chart package escapes every label, so the SVG is safe
			// to insert as it is.
			SVG:   template.HTML(svg.String()),
			Table: c.c.Table(),
		})
	}
	s.render(w, r, http.StatusOK, "admin/home.html", data)
}

// awardsByMonthChart stacks each month's awards by badge, one series per
// achievement of the catalogue that has awards in the range.
func awardsByMonthChart(d *issuer.Dashboard) *chart.Chart {
	monthIndex := make(map[string]int, len(d.Months))
	for i, m := range d.Months {
		monthIndex[m] = i
	}
	values := map[string][]float64{}
	for _, m := range d.AwardsByMonth {
		i, ok := monthIndex[m.Month]
		if !ok {
			continue
		}
		if values[m.AchievementID] == nil {
			values[m.AchievementID] = make([]float64, len(d.Months))
		}
		values[m.AchievementID][i] += float64(m.Count)
	}

	c := &chart.Chart{
		ID:          "chart-awards-month",
		Title:       "Awards per month by badge",
		Description: "Awards issued in each of the last " + strconv.Itoa(len(d.Months)) + " months, stacked by badge.",
		Categories:  d.Months,
		ValueLabel:  "awards",
	}
	for _, a := range d.Achievements {
		if v, ok := values[a.ID]; ok {
			c.Series = append(c.Series, chart.Series{Name: a.Code + " " + a.Name, Values: v})
		}
	}
	if len(c.Series) == 0 {
		c.Series = []chart.Series{{Name: "Awards", Values: make([]float64, len(d.Months))}}
	}
	return c
}

// badgeCountChart shows how many students hold 0, 1, 2 … different badges.
func badgeCountChart(buckets []issuer.BadgeCountBucket) *chart.Chart {
	c := &chart.Chart{
		ID:          "chart-badges-student",
		Title:       "Students by number of different badges",
		Description: "How many students hold each number of different badges among their active awards.",
		ValueLabel:  "students",
	}
	series := chart.Series{Name: "Students"}
	for _, b := range buckets {
		label := strconv.Itoa(b.Badges) + " badges"
		if b.Badges == 1 {
			label = "1 badge"
		}
		c.Categories = append(c.Categories, label)
		series.Values = append(series.Values, float64(b.Students))
	}
	c.Series = []chart.Series{series}
	return c
}

// unitChart shows the number of activities of each organising unit.
func unitChart(units []issuer.UnitActivities) *chart.Chart {
	c := &chart.Chart{
		ID:          "chart-activities-unit",
		Title:       "Activities by unit",
		Description: "Number of activities each organising unit has run.",
		ValueLabel:  "activities",
	}
	series := chart.Series{Name: "Activities"}
	for _, u := range units {
		c.Categories = append(c.Categories, u.Unit)
		series.Values = append(series.Values, float64(u.Count))
	}
	c.Series = []chart.Series{series}
	return c
}
