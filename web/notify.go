package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"revolver/app"
	"revolver/notify"
	"revolver/store"
)

func init() {
	funcs["label"] = notify.Label
	flashes["inbox_read"] = flashMsg{"Entry %s is marked read.", []*regexp.Regexp{flashID}}
	flashes["inbox_unread"] = flashMsg{"Entry %s is marked unread.", []*regexp.Regexp{flashID}}
	flashes["preferences_saved"] = flashMsg{"Your notification preferences are saved (%s changed).", []*regexp.Regexp{flashID}}
	flashes["webhook_removed"] = flashMsg{"Webhook %s is removed: nothing more is delivered to it.", []*regexp.Regexp{flashID}}
}

// notifyRoutes are the pages of notifications: the inbox and the
// preferences (everyone's own), the webhooks and their delivery log
// (lender administrators).
func (s *Server) notifyRoutes() {
	s.mux.HandleFunc("GET /inbox", s.page(s.inboxPage))
	s.mux.HandleFunc("POST /inbox/{id}/{mark}", s.page(s.markInbox))
	s.mux.HandleFunc("GET /preferences", s.page(s.preferencesPage))
	s.mux.HandleFunc("POST /preferences", s.page(s.savePreferences))
	s.mux.HandleFunc("GET /webhooks", s.page(s.webhooksPage))
	s.mux.HandleFunc("POST /webhooks", s.page(s.addWebhook))
	s.mux.HandleFunc("POST /webhooks/{id}/remove", s.page(s.removeWebhook))
}

type inboxPage struct {
	Entries []store.InboxEntry
	Unread  int
}

func (s *Server) inboxPage(rq *req) error {
	in, unread, err := s.svc.Inbox(rq.actx(), 200)
	if err != nil {
		return err
	}
	return rq.render(http.StatusOK, "inbox", rq.view("Inbox", "inbox", inboxPage{Entries: in, Unread: unread}))
}

func (s *Server) markInbox(rq *req) error {
	id, err := strconv.ParseInt(rq.r.PathValue("id"), 10, 64)
	mark := rq.r.PathValue("mark")
	if err != nil || (mark != "read" && mark != "unread") {
		rq.notFound()
		return nil
	}
	if err := s.svc.MarkInbox(rq.actx(), id, mark == "read"); err != nil {
		return rq.refused(err, s.inboxPage)
	}
	return rq.done(fmt.Sprintf("/inbox#entry-%d", id), "inbox_"+mark, strconv.FormatInt(id, 10))
}

type prefRow struct {
	Kind, Label  string
	Inbox, Email bool
}

func (s *Server) preferencesPage(rq *req) error {
	ps, err := s.svc.Preferences(rq.actx())
	if err != nil {
		return err
	}
	var rows []prefRow
	for _, k := range notify.Kinds {
		r := prefRow{Kind: k, Label: notify.Label(k)}
		for _, p := range ps {
			if p.Kind == k && p.Channel == store.ChannelInbox {
				r.Inbox = p.Enabled
			}
			if p.Kind == k && p.Channel == store.ChannelEmail {
				r.Email = p.Enabled
			}
		}
		rows = append(rows, r)
	}
	return rq.render(http.StatusOK, "preferences", rq.view("Notification preferences", "preferences", rows))
}

// savePreferences records the form's choices: a box checked is on, a box
// left unchecked off.
func (s *Server) savePreferences(rq *req) error {
	rq.asks(app.OpSetPreferences)
	if err := rq.parseForm(); err != nil {
		return err
	}
	before, err := s.svc.Preferences(rq.actx())
	if err != nil {
		return err
	}
	var cs []app.PreferenceChoice
	for _, k := range notify.Kinds {
		for _, ch := range []string{store.ChannelInbox, store.ChannelEmail} {
			cs = append(cs, app.PreferenceChoice{Kind: k, Channel: ch, Enabled: rq.r.PostFormValue(ch+"."+k) == "on"})
		}
	}
	after, err := s.svc.SetPreferences(rq.actx(), cs)
	if err != nil {
		return rq.refused(err, s.preferencesPage)
	}
	changed := 0
	for i := range after {
		if i < len(before) && after[i].Enabled != before[i].Enabled {
			changed++
		}
	}
	return rq.done("/preferences", "preferences_saved", strconv.Itoa(changed))
}

type hookRow struct {
	store.Webhook
	Delivered, Pending, Failed int
}

type webhooksPage struct {
	Hooks      []hookRow
	Deliveries []store.Delivery
	Kinds      []prefRow
	// Created is the webhook just added, with its secret (shown once).
	Created *store.Webhook
}

func (s *Server) webhooksPage(rq *req) error {
	return s.renderWebhooks(rq, nil)
}

func (s *Server) renderWebhooks(rq *req, created *store.Webhook) error {
	if !rq.may(app.ActManageWebhooks) {
		rq.notFound()
		return nil
	}
	ctx := rq.actx()
	ws, err := s.svc.Webhooks(ctx)
	if err != nil {
		return err
	}
	ds, err := s.svc.Deliveries(ctx, store.DeliveryFilter{Limit: 100})
	if err != nil {
		return err
	}
	p := webhooksPage{Created: created}
	for _, w := range ws {
		row := hookRow{Webhook: w}
		for _, d := range ds {
			if d.Webhook != w.ID {
				continue
			}
			switch d.State() {
			case store.DeliveryDelivered:
				row.Delivered++
			case store.DeliveryFailed:
				row.Failed++
			default:
				row.Pending++
			}
		}
		p.Hooks = append(p.Hooks, row)
	}
	for _, d := range ds {
		if d.Channel != store.ChannelInbox {
			p.Deliveries = append(p.Deliveries, d)
		}
	}
	for _, k := range notify.Kinds {
		p.Kinds = append(p.Kinds, prefRow{Kind: k, Label: notify.Label(k)})
	}
	return rq.render(http.StatusOK, "webhooks", rq.view("Webhooks", "webhooks", p))
}

func (s *Server) addWebhook(rq *req) error {
	rq.asks(app.OpAddWebhook)
	if err := rq.allow(app.ActManageWebhooks, "register webhooks"); err != nil {
		return err
	}
	if err := rq.parseForm(); err != nil {
		return err
	}
	in := app.WebhookInput{URL: strings.TrimSpace(rq.r.PostFormValue("url")), Secret: strings.TrimSpace(rq.r.PostFormValue("secret"))}
	for _, k := range notify.Kinds {
		if rq.r.PostFormValue("kind."+k) == "on" {
			in.Kinds = append(in.Kinds, k)
		}
	}
	w, err := s.svc.AddWebhook(rq.actx(), in)
	if err != nil {
		return rq.refused(err, s.webhooksPage)
	}
	// The secret is shown on this answer only (never in an address).
	rq.w.Header().Set("Cache-Control", "no-store")
	return s.renderWebhooks(rq, &w)
}

func (s *Server) removeWebhook(rq *req) error {
	rq.asks(app.OpRemoveWebhook)
	if err := rq.allow(app.ActManageWebhooks, "remove webhooks"); err != nil {
		return err
	}
	id, err := strconv.ParseInt(rq.r.PathValue("id"), 10, 64)
	if err != nil {
		rq.notFound()
		return nil
	}
	if _, err := s.svc.RemoveWebhook(rq.actx(), id); err != nil {
		return rq.refused(err, s.webhooksPage)
	}
	return rq.done("/webhooks", "webhook_removed", strconv.FormatInt(id, 10))
}
