package web

func (s *Server) certificatePDF(rq *req) error  { return nil }
func (s *Server) certificateXLSX(rq *req) error { return nil }
func (s *Server) compliancePDF(rq *req) error   { return nil }
