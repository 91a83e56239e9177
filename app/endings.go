package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/store"
)

// Ending an event of default is a decision of two people, as recording a
// change of terms is: a cure, a waiver, a passing covenant result over a
// failing test and restated statements are each a request (a fact record)
// one person makes; the default continues until a second person approves
// it, and the approval stores what ends it (a cure or waiver action, a
// covenant result, the accepted statements and their tests) in the same
// store transaction as the decision. The requester cannot decide their own
// request. A borrower's restatement of a period already reported is such a
// request: until a lender accepts it, it changes neither the covenant tests
// nor the defaults.

// Request statuses.
const (
	RequestRequested = "requested"
	RequestApproved  = "approved"
	RequestRejected  = "rejected"
)

// EndRequest is a request to end an event of default (or restated
// statements waiting for acceptance) with its decision.
type EndRequest struct {
	ID int64 `json:"id"` // the request's fact record id
	// Ref is the id the defaults engine knows it by: request-N.
	Ref         string     `json:"ref"`
	Kind        string     `json:"kind"` // cure, waiver, covenant_result, restatement
	Default     string     `json:"default,omitempty"`
	Covenant    string     `json:"covenant,omitempty"`
	Period      date.Date  `json:"period,omitempty"`
	Date        date.Date  `json:"date,omitempty"`
	Note        string     `json:"note,omitempty"`
	RequestedBy string     `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	Status      string     `json:"status"` // requested, approved, rejected
	DecidedBy   string     `json:"decided_by,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Comment     string     `json:"comment,omitempty"`

	record store.FactRecord
}

// CureRequest is the body of a cure request.
type CureRequest struct {
	Default     string    `json:"default"`
	Date        date.Date `json:"date"`
	Note        string    `json:"note,omitempty"`
	RequestedBy string    `json:"requested_by"`
}

// ResultRequest is the body of a request to record a passing covenant
// result over a failing test.
type ResultRequest struct {
	Result      defaults.CovenantResult `json:"result"`
	Date        date.Date               `json:"date"`
	Note        string                  `json:"note,omitempty"`
	RequestedBy string                  `json:"requested_by"`
}

// RestatementBody is the body of a restatement: a statement for a period
// already reported, as submitted, waiting for a lender's acceptance.
type RestatementBody struct {
	PeriodEnd   date.Date       `json:"period_end"`
	Statement   json.RawMessage `json:"statement"`
	SubmittedBy string          `json:"submitted_by"`
}

// DecisionBody is the body of a decision on a request.
type DecisionBody struct {
	Request  int64  `json:"request"`
	Approved bool   `json:"approved"`
	Comment  string `json:"comment,omitempty"`
}

// CovenantResultBody is the body of a covenant result record; Request is
// the request whose approval stored it.
type CovenantResultBody struct {
	defaults.CovenantResult
	Request int64 `json:"request,omitempty"`
}

func requestRef(id int64) string { return "request-" + strconv.FormatInt(id, 10) }

// requestsFrom reads the requests of a facility's fact records (in id
// order) with their decisions. A cure recorded by one person before cures
// needed a second (a default action without an approver) is read as a cure
// request.
func requestsFrom(recs []store.FactRecord) []EndRequest {
	type decision struct {
		by       string
		at       time.Time
		approved bool
		comment  string
	}
	decided := map[int64]decision{}
	for _, r := range recs {
		switch r.Kind {
		case store.FactDecision:
			var b DecisionBody
			if json.Unmarshal(r.Body, &b) == nil {
				decided[b.Request] = decision{r.RecordedBy, r.RecordedAt, b.Approved, b.Comment}
			}
		case store.FactDefaultAction:
			var a ActionBody
			if json.Unmarshal(r.Body, &a) == nil && a.Request != 0 {
				if _, ok := decided[a.Request]; !ok {
					decided[a.Request] = decision{r.RecordedBy, r.RecordedAt, true, ""}
				}
			}
		}
	}
	var out []EndRequest
	for _, r := range recs {
		q := EndRequest{ID: r.ID, Ref: requestRef(r.ID), RequestedAt: r.RecordedAt, record: r}
		switch r.Kind {
		case store.FactWaiverRequest:
			var w WaiverRequest
			if json.Unmarshal(r.Body, &w) != nil {
				continue
			}
			q.Kind, q.Default, q.Covenant, q.Period, q.Date, q.Note, q.RequestedBy = defaults.RequestWaiver, w.Default, w.Covenant, w.Period, w.Date, w.Note, w.RequestedBy
		case store.FactCureRequest:
			var c CureRequest
			if json.Unmarshal(r.Body, &c) != nil {
				continue
			}
			q.Kind, q.Default, q.Date, q.Note, q.RequestedBy = defaults.RequestCure, c.Default, c.Date, c.Note, c.RequestedBy
		case store.FactResultRequest:
			var c ResultRequest
			if json.Unmarshal(r.Body, &c) != nil {
				continue
			}
			q.Kind, q.Default, q.Covenant, q.Period, q.Date, q.Note, q.RequestedBy = defaults.RequestCovenantResult,
				covenantDefaultID(c.Result.Covenant, c.Result.PeriodEnd), c.Result.Covenant, c.Result.PeriodEnd, c.Date, c.Note, c.RequestedBy
		case store.FactRestatement:
			var b RestatementBody
			if json.Unmarshal(r.Body, &b) != nil {
				continue
			}
			q.Kind, q.Period, q.Date, q.RequestedBy = defaults.RequestRestatement, b.PeriodEnd, r.On, b.SubmittedBy
		case store.FactDefaultAction:
			var a ActionBody
			if json.Unmarshal(r.Body, &a) != nil || a.Kind != defaults.ActionCure || a.Request != 0 || a.ApprovedBy != "" {
				continue
			}
			q.Kind, q.Default, q.Date, q.Note, q.RequestedBy = defaults.RequestCure, a.Default, a.Date, a.Note, r.RecordedBy
		default:
			continue
		}
		q.Status = RequestRequested
		if d, ok := decided[r.ID]; ok {
			q.Status, q.DecidedBy, q.Comment = RequestRejected, d.by, d.comment
			if d.approved {
				q.Status = RequestApproved
			}
			at := d.at
			q.DecidedAt = &at
		}
		out = append(out, q)
	}
	return out
}

func covenantDefaultID(cov string, period date.Date) string {
	return "covenant_failed:" + cov + ":" + period.String()
}

// engineRequests gives the engine the requests with when they were decided.
func engineRequests(rs []EndRequest) []defaults.Request {
	var out []defaults.Request
	for _, r := range rs {
		out = append(out, defaults.Request{ID: r.Ref, Kind: r.Kind, Default: r.Default, Covenant: r.Covenant, Period: r.Period, Date: r.Date,
			Note: r.Note, RequestedBy: r.RequestedBy, RequestedAt: r.RequestedAt, DecidedAt: r.DecidedAt})
	}
	return out
}

// Requests lists a facility's requests to end events of default and its
// restatements, with their decisions, by id.
func (s *Service) Requests(ctx context.Context, facility string) ([]EndRequest, error) {
	recs, err := s.Store.FactRecords(ctx, facility)
	if err != nil {
		return nil, err
	}
	out := requestsFrom(recs)
	if out == nil {
		out = []EndRequest{}
	}
	return out, nil
}

func findRequest(rs []EndRequest, id int64) (EndRequest, bool) {
	i := slices.IndexFunc(rs, func(r EndRequest) bool { return r.ID == id })
	if i < 0 {
		return EndRequest{}, false
	}
	return rs[i], true
}

// RequestCure asks for the cure of an event of default continuing on the
// date; it takes effect when a second person approves it (DecideRequest).
func (s *Service) RequestCure(ctx context.Context, in FactInput, id string, on date.Date, note string) (Recorded, error) {
	ctx = named(ctx, OpRequestCure)
	if err := authorize(ctx, ActRecordDefault, in.Facility); err != nil {
		return Recorded{}, err
	}
	in.By = requester(ctx, in.By)
	if on == 0 {
		return Recorded{}, invalid("cure of %s: the date is required", id)
	}
	def, err := s.findDefault(ctx, in.Facility, id, on)
	if err != nil {
		return Recorded{}, err
	}
	if !def.Continuing {
		return Recorded{}, store.Errorf(store.CodeConflict, "event of default %s is not continuing on %s (%s)", id, on, def.Status)
	}
	return s.addRequest(ctx, in, store.FactCureRequest, id, on, CureRequest{Default: id, Date: on, Note: note, RequestedBy: in.By})
}

func (s *Service) addRequest(ctx context.Context, in FactInput, kind, subject string, on date.Date, body any) (Recorded, error) {
	rec, replayed, err := s.addFact(ctx, in, kind, subject, on, body)
	if err != nil {
		return Recorded{}, err
	}
	out := Recorded{Record: rec, Replayed: replayed, ID: requestRef(rec.ID), Pending: true}
	if q, ok := findRequest(requestsFrom([]store.FactRecord{rec}), rec.ID); ok {
		out.Request = &q
	}
	return out, nil
}

// DecideRequest approves or rejects a request to end an event of default
// (or restated statements), by its record id. The decider must not be the
// requester (forbidden); a request is decided once (conflict); a rejection
// says why. An approval stores what ends the default in the same store
// transaction as the decision: the cure or waiver action, the covenant
// result, or the accepted statements (recorded now) with their covenant
// tests. The same key again returns the decision (replayed).
func (s *Service) DecideRequest(ctx context.Context, in FactInput, id int64, approve bool, comment string) (Recorded, error) {
	ctx = named(ctx, map[bool]Op{true: OpApproveRequest, false: OpRejectRequest}[approve])
	if err := authorize(ctx, ActDecidePending, in.Facility); err != nil {
		return Recorded{}, err
	}
	in.By = requester(ctx, in.By)
	if in.Key == "" || in.By == "" {
		return Recorded{}, invalid("decision on request %d: an idempotency key and who decides are required", id)
	}
	if !approve && strings.TrimSpace(comment) == "" {
		return Recorded{}, invalid("reject request %d: a comment saying why is required", id)
	}
	recs, err := s.Store.FactRecords(ctx, in.Facility)
	if err != nil {
		return Recorded{}, err
	}
	req, ok := findRequest(requestsFrom(recs), id)
	if !ok {
		return Recorded{}, store.Errorf(store.CodeNotFound, "request %d of facility %q not found", id, in.Facility)
	}
	now := s.now()
	// Restated statements are tested before the transaction (the tests read
	// the statements as known now), and stored with the decision.
	var accepted *acceptedStatement
	if approve && req.Kind == defaults.RequestRestatement {
		if accepted, err = s.acceptStatement(ctx, in.Facility, req, in.By, now); err != nil {
			return Recorded{}, err
		}
	}
	var out Recorded
	err = s.update(ctx, in.Facility, func(tx store.Tx) error {
		recs, err := tx.FactRecords()
		if err != nil {
			return err
		}
		if i := slices.IndexFunc(recs, func(r store.FactRecord) bool { return r.Key == in.Key }); i >= 0 {
			return replayDecision(recs[i], in, id, approve, &out)
		}
		req, ok := findRequest(requestsFrom(recs), id)
		switch {
		case !ok:
			return store.Errorf(store.CodeNotFound, "request %d of facility %q not found", id, in.Facility)
		case req.Status != RequestRequested:
			return store.Errorf(store.CodeConflict, "%s request %d of %s is already %s by %s", req.Kind, id, req.subject(), req.Status, req.DecidedBy)
		case in.By == req.RequestedBy:
			return store.Errorf(store.CodeForbidden, "%s request %d of %s was made by %s: a second person must decide it", req.Kind, id, req.subject(), req.RequestedBy)
		}
		add := func(key, kind, subject string, on date.Date, body any) (store.FactRecord, error) {
			b, err := json.Marshal(body)
			if err != nil {
				return store.FactRecord{}, err
			}
			rec, _, err := tx.AddFactRecord(store.FactRecord{Facility: in.Facility, Key: key, Kind: kind, Subject: subject, On: on, Body: b, RecordedBy: in.By, RecordedAt: now})
			return rec, err
		}
		on := req.Date
		if on == 0 {
			on = date.FromTime(now)
		}
		dec, err := add(in.Key, store.FactDecision, requestRef(id), on, DecisionBody{Request: id, Approved: approve, Comment: comment})
		if err != nil {
			return err
		}
		out = Recorded{Record: dec, ID: requestRef(id)}
		if !approve {
			return nil
		}
		switch req.Kind {
		case defaults.RequestWaiver:
			var w WaiverRequest
			if err := json.Unmarshal(req.record.Body, &w); err != nil {
				return err
			}
			a := ActionBody{Request: id, Action: defaults.Action{Default: w.Default, Kind: defaults.ActionWaiver, Date: w.Date, Note: w.Note,
				Waiver: &defaults.Waiver{Written: true, Agreement: w.Agreement, Covenant: w.Covenant, Period: w.Period, RequestedBy: w.RequestedBy, ApprovedBy: in.By}}}
			_, err = add(in.Key+":waiver", store.FactDefaultAction, w.Default, w.Date, a)
		case defaults.RequestCure:
			a := ActionBody{Request: id, Action: defaults.Action{Default: req.Default, Kind: defaults.ActionCure, Date: req.Date, Note: req.Note, RequestedBy: req.RequestedBy, ApprovedBy: in.By}}
			_, err = add(in.Key+":cure", store.FactDefaultAction, req.Default, req.Date, a)
		case defaults.RequestCovenantResult:
			var c ResultRequest
			if err := json.Unmarshal(req.record.Body, &c); err != nil {
				return err
			}
			r := c.Result
			r.On, r.RequestedBy, r.ApprovedBy = c.Date, c.RequestedBy, in.By
			r.Basis = fmt.Sprintf("reported by %s, approved by %s", c.RequestedBy, in.By)
			_, err = add(in.Key+":result", store.FactCovenantResult, r.Covenant+":"+r.PeriodEnd.String(), r.PeriodEnd, CovenantResultBody{CovenantResult: r, Request: id})
		case defaults.RequestRestatement:
			if _, err := tx.AddFinancials(accepted.financials); err != nil {
				return err
			}
			for _, r := range accepted.results {
				if _, err := add(in.Key+":test:"+r.Covenant, store.FactCovenantResult, r.Covenant+":"+r.PeriodEnd.String(), r.PeriodEnd, CovenantResultBody{CovenantResult: r, Request: id}); err != nil {
					return err
				}
			}
		}
		return err
	})
	if err != nil {
		return Recorded{}, err
	}
	return out, nil
}

func (r EndRequest) subject() string {
	if r.Default != "" {
		return r.Default
	}
	return "the period ended " + r.Period.String()
}

func replayDecision(rec store.FactRecord, in FactInput, id int64, approve bool, out *Recorded) error {
	mismatch := store.Errorf(store.CodeIdempotencyMismatch, "idempotency key %q of facility %q was used for %s record %d", in.Key, in.Facility, rec.Kind, rec.ID)
	switch rec.Kind {
	case store.FactDecision:
		var b DecisionBody
		if json.Unmarshal(rec.Body, &b) != nil || b.Request != id || b.Approved != approve {
			return mismatch
		}
	case store.FactDefaultAction: // a waiver approved before decisions were records of their own
		var a ActionBody
		if json.Unmarshal(rec.Body, &a) != nil || a.Request != id || !approve {
			return mismatch
		}
	default:
		return mismatch
	}
	*out = Recorded{Record: rec, Replayed: true, ID: requestRef(id)}
	return nil
}

type acceptedStatement struct {
	financials store.Financials
	results    []defaults.CovenantResult
}

// acceptStatement prepares the acceptance of restated statements: the
// statement as a submission recorded now, and the covenant tests of its
// period on the statements as known now with it.
func (s *Service) acceptStatement(ctx context.Context, facility string, req EndRequest, by string, now time.Time) (*acceptedStatement, error) {
	var b RestatementBody
	if err := json.Unmarshal(req.record.Body, &b); err != nil {
		return nil, err
	}
	var st covenant.Statement
	if err := json.Unmarshal(b.Statement, &st); err != nil {
		return nil, fmt.Errorf("restatement %d: %w", req.ID, err)
	}
	st.RecordedAt = now
	basis := fmt.Sprintf("restated statements submitted by %s at %s, accepted by %s", b.SubmittedBy, req.RequestedAt.UTC().Format(time.RFC3339), by)
	results, err := s.testStatements(ctx, facility, []covenant.Statement{st}, now, basis)
	if err != nil {
		return nil, err
	}
	for i := range results {
		results[i].On, results[i].RequestedBy, results[i].ApprovedBy = date.FromTime(now), b.SubmittedBy, by
	}
	return &acceptedStatement{financials: store.Financials{Facility: facility, PeriodEnd: b.PeriodEnd, RecordedAt: now, SubmittedBy: b.SubmittedBy, Payload: b.Statement}, results: results}, nil
}

// ApproveWaiver approves a waiver request of the default: request is the
// request's record id (0: the one open waiver request of the default). See
// DecideRequest.
func (s *Service) ApproveWaiver(ctx context.Context, in FactInput, id string, request int64) (Recorded, error) {
	ctx = named(ctx, OpApproveWaiver)
	if err := authorize(ctx, ActDecidePending, in.Facility); err != nil {
		return Recorded{}, err
	}
	if in.Key == "" {
		return Recorded{}, invalid("waiver approval: an idempotency key is required")
	}
	recs, err := s.Store.FactRecords(ctx, in.Facility)
	if err != nil {
		return Recorded{}, err
	}
	if i := slices.IndexFunc(recs, func(r store.FactRecord) bool { return r.Key == in.Key }); i >= 0 && request == 0 {
		var b DecisionBody
		var a ActionBody
		switch {
		case json.Unmarshal(recs[i].Body, &b) == nil && b.Request != 0:
			request = b.Request
		case json.Unmarshal(recs[i].Body, &a) == nil && a.Request != 0:
			request = a.Request
		}
	}
	var open []EndRequest
	for _, q := range requestsFrom(recs) {
		if q.Kind != defaults.RequestWaiver || q.Default != id {
			continue
		}
		if request != 0 && q.ID == request {
			open = []EndRequest{q}
			break
		}
		if request == 0 && q.Status == RequestRequested {
			open = append(open, q)
		}
	}
	switch {
	case request != 0 && len(open) == 0:
		return Recorded{}, store.Errorf(store.CodeNotFound, "waiver request %d of %s not found", request, id)
	case len(open) == 0:
		return Recorded{}, store.Errorf(store.CodeNotFound, "no waiver of %s is waiting for approval", id)
	case len(open) > 1:
		return Recorded{}, invalid("%d waivers of %s wait for approval: name the request", len(open), id)
	}
	return s.DecideRequest(ctx, in, open[0].ID, true, "")
}
