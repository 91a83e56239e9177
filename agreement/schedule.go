package agreement

// Schedule holds the terms that make things happen over time: the
// banking-day calendar, insurance, UCC filings, notice periods and other
// obligations with deadlines, remedies and the closing checklist.
type Schedule struct{}

// scheduleKeys are the top-level keys of the terms that schedule decodes.
var scheduleKeys = []string{}

// schedule decodes the Schedule terms.
func (d *decoder) schedule(t *node, root ctx, terms *Terms) {}
