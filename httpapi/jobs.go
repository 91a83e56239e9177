package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"revolver/app"
	"revolver/date"
	"revolver/jobs"
)

// Jobs is the job queue the API hands background work to (jobs.Queue).
type Jobs interface {
	EnqueueCloseOfBusiness(ctx context.Context, through date.Date, by app.Actor) (jobs.Job, error)
	Get(ctx context.Context, id int64) (jobs.Job, error)
}

type closeInput struct {
	// Through: the business date to close through (default: the business
	// date before today's, i.e. the business date now open is closed).
	Through string `json:"through"`
}

// closeOfBusiness enqueues close of business through a date: 202 with the
// job, whose state GET /api/v1/jobs/{id} follows. Enqueued again for the
// same day while the job waits, runs or is done, it answers the same job.
func (s *Server) closeOfBusiness(c *call) (any, error) {
	if s.cfg.Jobs == nil {
		return nil, errf(http.StatusServiceUnavailable, "no_job_queue", "this server has no job queue: run close of business with `revolver cob`")
	}
	var in closeInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	ctx := c.r.Context()
	through, err := parseDate("through", in.Through, false, 0)
	if err != nil {
		return nil, err
	}
	if through == 0 {
		bd, err := s.svc.BusinessDate(ctx)
		if err != nil {
			return nil, err
		}
		through = bd
	}
	a, _ := app.ActorFrom(ctx)
	j, err := s.cfg.Jobs.EnqueueCloseOfBusiness(ctx, through, a)
	if err != nil {
		return nil, err
	}
	c.w.Header().Set("Location", "/api/v1/jobs/"+strconv.FormatInt(j.ID, 10))
	return j, nil
}

// job answers a job's state.
func (s *Server) job(c *call) (any, error) {
	if s.cfg.Jobs == nil {
		return nil, errf(http.StatusServiceUnavailable, "no_job_queue", "this server has no job queue")
	}
	id, err := strconv.ParseInt(c.r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, fieldErr("id", "%q: expected a job id (a whole number ≥ 1)", c.r.PathValue("id"))
	}
	return s.cfg.Jobs.Get(c.r.Context(), id)
}
