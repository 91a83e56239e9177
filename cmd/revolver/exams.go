package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"revolver/app"
	"revolver/money"
)

func init() {
	register(examCmd)
}

// examCmd: a facility's field exams (docs/field-exams.md), recorded by a
// lender through the use cases the API and the pages call.
func examCmd() *cobra.Command {
	c := &cobra.Command{Use: "exam", Short: "Field exams: list, schedule, perform, finding, preview, dispose",
		Example: "  revolver exam list --slug btu --as officer@bank.example\n  revolver exam schedule --slug btu --as officer@bank.example --start 2006-02-20 --examiner 'Audit Co'"}
	// command makes a subcommand: flags added by flags, the use case run
	// by run with the opened context.
	command := func(use, short, example string, keyed bool, flags func(*cobra.Command), run func(cmd *cobra.Command, o *opFlags) (any, error)) *cobra.Command {
		o := &opFlags{}
		cmd := &cobra.Command{Use: use, Short: short, Example: example, Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				out, err := run(cmd, o)
				if err != nil {
					return err
				}
				return writeJSON(cmd.OutOrStdout(), out)
			}}
		o.add(cmd, keyed)
		flags(cmd)
		return cmd
	}
	var examiner, scope, start, on, severity, text string
	var id int64
	idFlag := func(cmd *cobra.Command, what string) { cmd.Flags().Int64Var(&id, "id", 0, what) }
	needID := func(what string) error {
		if id <= 0 {
			return usageError{fmt.Errorf("--id is required: %s", what)}
		}
		return nil
	}
	var component, rate, effective, previewed, disposition string
	var rin app.ReserveInput
	var ramount, rfrom, runtil string
	change := func() (app.AdvanceRateChange, error) {
		ch := app.AdvanceRateChange{Component: component, Previewed: previewed}
		r, err := money.ParseRate(rate)
		if err != nil {
			return ch, usageError{fmt.Errorf("--rate %q: expected a rate such as 75%% or 0.75", rate)}
		}
		ch.Rate = r
		ch.Effective, err = parseDateFlag("effective", effective)
		return ch, err
	}
	changeFlags := func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&component, "component", "", "the borrowing base component whose advance rate changes, e.g. receivables")
		cmd.Flags().StringVar(&rate, "rate", "", "the new advance rate, e.g. 75%")
		cmd.Flags().StringVar(&effective, "effective", "", "the date the new rate applies from YYYY-MM-DD")
	}
	c.AddCommand(
		command("list --slug S --as EMAIL", "The facility's field exam schedule: frequency and its source, last performed, next due, status, and every exam with its findings",
			"  revolver exam list --slug btu --as officer@bank.example", false, func(*cobra.Command) {},
			func(cmd *cobra.Command, o *opFlags) (any, error) {
				ctx, st, err := o.open(cmd, "exam list")
				if err != nil {
					return nil, err
				}
				defer st.Close()
				out, err := service(st).FieldExamsOf(ctx, o.slug, time.Time{})
				return out, opError(err)
			}),
		command("schedule --slug S --as EMAIL --start D --examiner NAME [--scope TEXT]", "Schedule a field exam: its fieldwork's first day, the examiner and the scope",
			"  revolver exam schedule --slug btu --as officer@bank.example --start 2006-02-20 --examiner 'Audit Co' --scope 'receivables and inventory'", true,
			func(cmd *cobra.Command) {
				cmd.Flags().StringVar(&start, "start", "", "the fieldwork's first day YYYY-MM-DD")
				cmd.Flags().StringVar(&examiner, "examiner", "", "the examiner (a firm or a person)")
				cmd.Flags().StringVar(&scope, "scope", "", "what the exam covers")
			},
			func(cmd *cobra.Command, o *opFlags) (any, error) {
				d, err := parseDateFlag("start", start)
				if err != nil {
					return nil, err
				}
				ctx, st, err := o.open(cmd, "exam schedule")
				if err != nil {
					return nil, err
				}
				defer st.Close()
				out, err := service(st).ScheduleFieldExam(ctx, o.slug, app.FieldExamInput{Start: d, Examiner: examiner, Scope: scope, Key: o.key})
				return out, o.refuse(err)
			}),
		command("perform --slug S --as EMAIL --id N --on D [--examiner NAME] [--scope TEXT]", "Record a field exam performed: its report's date, and the examiner and scope the report gives (the schedule's by default)",
			"  revolver exam perform --slug btu --as officer@bank.example --id 1 --on 2006-02-28", true,
			func(cmd *cobra.Command) {
				idFlag(cmd, "the exam's id (exam list)")
				cmd.Flags().StringVar(&on, "on", "", "the report's date YYYY-MM-DD")
				cmd.Flags().StringVar(&examiner, "examiner", "", "the examiner the report names")
				cmd.Flags().StringVar(&scope, "scope", "", "the scope the report gives")
			},
			func(cmd *cobra.Command, o *opFlags) (any, error) {
				if err := needID("the exam's id"); err != nil {
					return nil, err
				}
				d, err := parseDateFlag("on", on)
				if err != nil {
					return nil, err
				}
				ctx, st, err := o.open(cmd, "exam perform")
				if err != nil {
					return nil, err
				}
				defer st.Close()
				out, err := service(st).PerformFieldExam(ctx, o.slug, id, app.FieldExamInput{On: d, Examiner: examiner, Scope: scope, Key: o.key})
				return out, o.refuse(err)
			}),
		command("finding --slug S --as EMAIL --id N --severity low|medium|high --text TEXT", "Record a finding of a field exam",
			"  revolver exam finding --slug btu --as officer@bank.example --id 1 --severity high --text 'dilution 9% against 5% reported'", true,
			func(cmd *cobra.Command) {
				idFlag(cmd, "the exam's id (exam list)")
				cmd.Flags().StringVar(&severity, "severity", "", "low, medium or high")
				cmd.Flags().StringVar(&text, "text", "", "what the exam found")
			},
			func(cmd *cobra.Command, o *opFlags) (any, error) {
				if err := needID("the exam's id"); err != nil {
					return nil, err
				}
				ctx, st, err := o.open(cmd, "exam finding")
				if err != nil {
					return nil, err
				}
				defer st.Close()
				out, err := service(st).AddFinding(ctx, o.slug, id, app.FindingInput{Severity: severity, Text: text, Key: o.key})
				return out, o.refuse(err)
			}),
		command("preview --slug S --as EMAIL --id FINDING --component C --rate R --effective D", "Preview the advance-rate amendment a finding would ask for: its draft and what it changes (nothing is stored)",
			"  revolver exam preview --slug btu --as officer@bank.example --id 2 --component receivables --rate 75% --effective 2006-03-01", false,
			func(cmd *cobra.Command) {
				idFlag(cmd, "the finding's id (exam list)")
				changeFlags(cmd)
			},
			func(cmd *cobra.Command, o *opFlags) (any, error) {
				if err := needID("the finding's id"); err != nil {
					return nil, err
				}
				ch, err := change()
				if err != nil {
					return nil, err
				}
				ctx, st, err := o.open(cmd, "exam preview")
				if err != nil {
					return nil, err
				}
				defer st.Close()
				out, err := service(st).PreviewFindingAmendment(ctx, o.slug, id, ch)
				return out, opError(err)
			}),
		command("dispose --slug S --as EMAIL --id FINDING --disposition note|reserve|advance_rate ...", "Dispose of a finding, once: a note (--text), a reserve (--reserve-id, --amount, --placement, --from), or an advance-rate change (--component, --rate, --effective, --previewed from exam preview)",
			"  revolver exam dispose --slug btu --as officer@bank.example --id 2 --disposition reserve --reserve-id dilution --amount 150000.00 --placement borrowing_base --from 2006-03-01\n"+
				"  revolver exam dispose --slug btu --as officer@bank.example --id 3 --disposition advance_rate --component receivables --rate 75% --effective 2006-03-01 --previewed SHA256",
			true,
			func(cmd *cobra.Command) {
				idFlag(cmd, "the finding's id (exam list)")
				cmd.Flags().StringVar(&disposition, "disposition", "", "note, reserve or advance_rate")
				cmd.Flags().StringVar(&text, "text", "", "the note, or why")
				cmd.Flags().StringVar(&rin.ID, "reserve-id", "", "reserve: its id")
				cmd.Flags().StringVar(&rin.Kind, "kind", "", "reserve: fixed (default) or availability_block")
				cmd.Flags().StringVar(&rin.Placement, "placement", "", "reserve: component, borrowing_base or line")
				cmd.Flags().StringVar(&rin.Component, "reserve-component", "", "reserve: the component, with placement component")
				cmd.Flags().StringVar(&ramount, "amount", "", "reserve: the amount, e.g. 150000.00")
				cmd.Flags().StringVar(&rfrom, "from", "", "reserve: in force from YYYY-MM-DD")
				cmd.Flags().StringVar(&runtil, "until", "", "reserve: the last day in force YYYY-MM-DD (default: open)")
				cmd.Flags().StringVar(&rin.Reason, "reason", "", "reserve: why (default: the finding)")
				changeFlags(cmd)
				cmd.Flags().StringVar(&previewed, "previewed", "", "advance_rate: the SHA-256 of the draft previewed (exam preview)")
			},
			func(cmd *cobra.Command, o *opFlags) (any, error) {
				if err := needID("the finding's id"); err != nil {
					return nil, err
				}
				in := app.DispositionInput{Disposition: disposition, Text: text}
				switch disposition {
				case "reserve":
					r := rin
					var err error
					if r.Amount, err = amountFlag("amount", ramount); err != nil {
						return nil, err
					}
					if r.From, err = parseDateFlag("from", rfrom); err != nil {
						return nil, err
					}
					if runtil != "" {
						if r.Until, err = parseDateFlag("until", runtil); err != nil {
							return nil, err
						}
					}
					in.Reserve = &r
				case "advance_rate":
					ch, err := change()
					if err != nil {
						return nil, err
					}
					in.AdvanceRate = &ch
				}
				ctx, st, err := o.open(cmd, "exam dispose")
				if err != nil {
					return nil, err
				}
				defer st.Close()
				in.Key = o.key
				out, err := service(st).DisposeFinding(ctx, o.slug, id, in)
				return out, o.refuse(err)
			}),
	)
	return c
}
