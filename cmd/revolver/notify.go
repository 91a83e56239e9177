package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"revolver/app"
	"revolver/jobs"
	"revolver/notify"
	"revolver/observe"
	"revolver/store"
)

func init() { register(webhookCmd) }

// notifyOptions are the flags of notifications' delivery (serve and
// worker): the SMTP server, the pages' address for links, and how often
// the outbox is read. The SMTP password is read from
// $REVOLVER_SMTP_PASSWORD, never from the command line.
type notifyOptions struct {
	smtpHost, smtpFrom, smtpUser string
	smtpPort                     int
	smtpRequireTLS               bool
	baseURL                      string
	every                        time.Duration
	attempts                     int
}

func (o *notifyOptions) add(c *cobra.Command) {
	c.Flags().StringVar(&o.smtpHost, "smtp-host", "", "send notification email through this SMTP server (STARTTLS whenever it offers it; default: no email)")
	c.Flags().IntVar(&o.smtpPort, "smtp-port", 587, "the SMTP server's port")
	c.Flags().StringVar(&o.smtpFrom, "smtp-from", "", "the sender address of notification email, e.g. revolver@bank.example")
	c.Flags().StringVar(&o.smtpUser, "smtp-user", "", "authenticate to the SMTP server as this user (AUTH PLAIN, over TLS), the password in $REVOLVER_SMTP_PASSWORD")
	c.Flags().BoolVar(&o.smtpRequireTLS, "smtp-require-tls", false, "refuse to send email when the SMTP server offers no STARTTLS")
	c.Flags().StringVar(&o.baseURL, "notify-base-url", "", "the pages' address for the links in email and webhooks, e.g. https://revolver.bank.example")
	c.Flags().DurationVar(&o.every, "notify-every", 10*time.Second, "how often the outbox of events is read and fanned out into deliveries")
	c.Flags().IntVar(&o.attempts, "notify-attempts", 12, "attempts at one email or webhook before it is logged failed (backoff 30s doubling, at most 1h)")
}

func (o *notifyOptions) config(m *observe.Metrics) (*jobs.Notify, error) {
	n := &jobs.Notify{BaseURL: strings.TrimRight(o.baseURL, "/"), DispatchEvery: o.every, Attempts: o.attempts}
	if m != nil {
		n.Report = m
	}
	if o.every != 0 && o.every < 100*time.Millisecond {
		return nil, usageError{fmt.Errorf("--notify-every %s: expected 100ms or more", o.every)}
	}
	if o.smtpHost == "" {
		if o.smtpFrom != "" || o.smtpUser != "" {
			return nil, usageError{errors.New("--smtp-from and --smtp-user need --smtp-host")}
		}
		return n, nil
	}
	if o.smtpFrom == "" || !strings.Contains(o.smtpFrom, "@") {
		return nil, usageError{fmt.Errorf("--smtp-from %q: expected the sender's email address", o.smtpFrom)}
	}
	if o.smtpPort <= 0 || o.smtpPort > 65535 {
		return nil, usageError{fmt.Errorf("--smtp-port %d: expected 1 to 65535", o.smtpPort)}
	}
	n.SMTP = &notify.SMTP{Host: o.smtpHost, Port: o.smtpPort, From: o.smtpFrom, Username: o.smtpUser,
		Password: os.Getenv("REVOLVER_SMTP_PASSWORD"), RequireTLS: o.smtpRequireTLS}
	return n, nil
}

func webhookCmd() *cobra.Command {
	c := &cobra.Command{Use: "webhook", Short: "Webhooks: URLs the events are POSTed to, signed (docs/notifications.md)",
		Example: `  revolver webhook add --url https://hooks.bank.example/revolver --kind certificate_submitted
  revolver webhook list --database "$REVOLVER_DATABASE_URL"`}
	var sf storeFlags
	var url, secretEnv string
	var kinds []string
	add := &cobra.Command{
		Use:   "add --url URL --kind KIND [--kind KIND] [--secret-env VAR]",
		Short: "Register a webhook for kinds of events; prints its id and secret (shown once)",
		Example: `  revolver webhook add --url https://hooks.bank.example/revolver --kind certificate_submitted --kind advance_requested
Kinds: ` + strings.Join(notify.Kinds, ", "),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if url == "" {
				return usageError{errors.New("--url is required")}
			}
			in := app.WebhookInput{URL: url, Kinds: kinds}
			if secretEnv != "" {
				if in.Secret = os.Getenv(secretEnv); in.Secret == "" {
					return usageError{fmt.Errorf("--secret-env %s: the variable is empty", secretEnv)}
				}
			}
			st, _, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			w, err := service(st).AddWebhook(cliContext(cmd.Context(), "webhook add"), in)
			if err != nil {
				return opError(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "webhook %d %s (%s) added\nsecret %s\n", w.ID, w.URL, strings.Join(w.Kinds, ", "), w.Secret)
			return nil
		},
	}
	sf.add(add)
	add.Flags().StringVar(&url, "url", "", "the https:// URL events are POSTed to")
	add.Flags().StringArrayVar(&kinds, "kind", nil, "a kind of event it receives (repeatable): "+strings.Join(notify.Kinds, ", "))
	add.Flags().StringVar(&secretEnv, "secret-env", "", "take the signing secret from this environment variable (default: a new random secret)")

	var lf storeFlags
	var format string
	list := &cobra.Command{
		Use:     "list [--format table|json]",
		Short:   "List the webhooks (removed ones too) and the state of their recent deliveries",
		Example: "  revolver webhook list --db revolver.db\n  revolver webhook list --db revolver.db --format json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, _, err := lf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			ctx := cliContext(cmd.Context(), "webhook list")
			svc := service(st)
			ws, err := svc.Webhooks(ctx)
			if err != nil {
				return opError(err)
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), ws)
			}
			if format != "table" {
				return usageError{fmt.Errorf("--format %q: expected table or json", format)}
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tURL\tKINDS\tCREATED\tREMOVED\tDELIVERED\tPENDING\tFAILED")
			for _, w := range ws {
				ds, err := svc.Deliveries(ctx, store.DeliveryFilter{Webhook: w.ID})
				if err != nil {
					return opError(err)
				}
				count := map[string]int{}
				for _, d := range ds {
					count[d.State()]++
				}
				removed := "-"
				if !w.Removed.IsZero() {
					removed = w.Removed.Format(time.RFC3339)
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\n", w.ID, w.URL, strings.Join(w.Kinds, ","), w.CreatedAt.Format(time.RFC3339), removed,
					count[store.DeliveryDelivered], count[store.DeliveryPending], count[store.DeliveryFailed])
			}
			return tw.Flush()
		},
	}
	lf.add(list)
	list.Flags().StringVar(&format, "format", "table", "table or json")

	var rf storeFlags
	var id int64
	remove := &cobra.Command{
		Use:     "remove --id N",
		Short:   "Remove a webhook: nothing more is delivered to it (its delivery log stays)",
		Example: "  revolver webhook remove --db revolver.db --id 1",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if id <= 0 {
				return usageError{errors.New("--id is required: the webhook's id, as `revolver webhook list` shows it")}
			}
			st, _, err := rf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			w, err := service(st).RemoveWebhook(cliContext(cmd.Context(), "webhook remove"), id)
			if err != nil {
				return opError(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "webhook %d %s removed\n", w.ID, w.URL)
			return nil
		},
	}
	rf.add(remove)
	remove.Flags().Int64Var(&id, "id", 0, "the webhook's id")
	c.AddCommand(add, list, remove)
	return c
}
