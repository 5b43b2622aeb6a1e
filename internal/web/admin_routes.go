package web

import "github.com/go-chi/chi/v5"

// adminPageRoutes registers the learning advisor's pages inside the /admin
// route group, whose role guard admits admins only.
func (s *Server) adminPageRoutes(r chi.Router) {
	r.Get("/badges", s.badgesPage)
	r.Get("/badges/{id}", s.badgeEditPage)
	r.Post("/badges/{id}", s.saveBadge)

	r.Get("/students", s.studentsPage)
	r.Post("/students/import", s.importStudentsForm)
	r.Post("/students/{number}/status", s.setStudentStatusForm)

	r.Get("/activities", s.activitiesPage)
	r.Get("/activities/{id}", s.adminActivityPage)
	r.Get("/uploads/{id}/file", s.uploadFilePage)

	r.Get("/awards", s.awardsPage)
	r.Get("/awards/{credential}", s.awardPage)
	r.Post("/awards/{credential}/revoke", s.revokeAwardForm)
	r.Post("/awards/{credential}/reissue", s.reissueAwardForm)

	r.Get("/keys", s.keysPage)
	r.Post("/keys/rotate", s.rotateKeyForm)

	r.Get("/exports", s.exportsPage)
	r.Get("/exports/{file}", s.exportFile)

	r.Get("/audit", s.auditPage)

	r.Get("/jobs", s.adminJobsPage)
	r.Get("/outbox", s.adminOutboxPage)
	r.Get("/outbox/{id}", s.adminOutboxPage)
}
