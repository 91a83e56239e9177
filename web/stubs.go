package web

func (s *Server) auditPage(rq *req) error       { return nil }
func (s *Server) certificatePDF(rq *req) error  { return nil }
func (s *Server) certificateXLSX(rq *req) error { return nil }
func (s *Server) covenantsPage(rq *req) error   { return nil }
func (s *Server) compliancePDF(rq *req) error   { return nil }
func (s *Server) termsPage(rq *req) error       { return nil }
func (s *Server) calendarPage(rq *req) error    { return nil }
func (s *Server) calendarICS(rq *req) error     { return nil }
