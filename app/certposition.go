package app

import (
	"context"

	"revolver/store"
)

// CertificatePosition is what an approved certificate's document prints
// beside its record: the loans, letters of credit and availability on its
// date as known when it was approved (Availability, the one rule), with
// it in force. It changes no more: later postings, amendments or
// certificates are known after it. nil when the certificate is not
// approved, or when as known then another certificate was in force on its
// date.
func (s *Service) CertificatePosition(ctx context.Context, c store.Certificate) (*Availability, error) {
	if c.Status != store.Approved || c.DecidedAt.IsZero() {
		return nil, nil
	}
	a, err := s.Availability(ctx, c.Facility, c.AsOf, c.DecidedAt)
	if err != nil {
		return nil, err
	}
	if a.Certificate == nil || a.Certificate.ID != c.ID {
		return nil, nil
	}
	return &a, nil
}
