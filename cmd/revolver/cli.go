package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// version and commit name the build; set them with
// -ldflags "-X main.version=v1.2.0 -X main.commit=abc1234". Unset, they
// come from the build information Go records (the module's version, the
// VCS revision).
var version, commit string

// buildVersion is what revolver --version prints after "revolver ".
func buildVersion() string {
	v, c, modified := version, commit, false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if c == "" {
					c = s.Value
				}
			case "vcs.modified":
				modified = commit == "" && s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if c == "" {
		c = "unknown"
	}
	if len(c) > 12 {
		c = c[:12]
	}
	if modified {
		c += "+modified"
	}
	return fmt.Sprintf("%s (commit %s)", v, c)
}

// conventions applies the command line's rules to every command of the
// tree: no stray arguments (a command that takes none refuses them; a
// group names the unknown subcommand); every error in what was typed —
// an argument, a flag, cobra's own included — is a usageError (exit
// status 2); every runnable command has an example in its help.
func conventions(c *cobra.Command) {
	if c.HasSubCommands() && c.RunE == nil && c.Run == nil {
		// A group: alone it prints its help; with an argument, the
		// argument is an unknown subcommand.
		c.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
		c.Args = unknownSubcommand
	}
	if c.Args == nil {
		c.Args = cobra.NoArgs
	}
	args := c.Args
	c.Args = func(cmd *cobra.Command, a []string) error {
		if err := args(cmd, a); err != nil {
			return usageError{err}
		}
		return nil
	}
	if c.Example == "" {
		c.Example = examples[c.CommandPath()]
	}
	for _, sub := range c.Commands() {
		conventions(sub)
	}
}

func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return fmt.Errorf("%s (see %s --help)", msg, cmd.CommandPath())
}

// flagError makes cobra's flag errors (unknown flag, bad value, missing
// value) usage errors.
func flagError(cmd *cobra.Command, err error) error {
	return usageError{fmt.Errorf("%w (see %s --help)", err, cmd.CommandPath())}
}

// examples are the Example of each command's help, by command path.
var examples = map[string]string{
	"revolver": `  revolver demo                                 # the example facility, served at http://127.0.0.1:8080
  revolver terms --agreement examples/btu-sovereign --as-of 2004-06-30
  revolver facility list --db revolver.db`,
	"revolver check": `  revolver check examples/btu-sovereign`,
	"revolver rate": `  revolver rate import --db revolver.db --as officer@lender.example --series prime --file DPRIME.csv --source "Federal Reserve H.15 via FRED (DPRIME)"
  revolver rate list --db revolver.db --series prime`,
	"revolver rate record": `  revolver rate record --db revolver.db --as officer@lender.example --series prime --effective 2007-01-02 --rate 8.25% --source "Federal Reserve H.15"`,
	"revolver rate import": `  revolver rate import --db revolver.db --as officer@lender.example --series prime --file DPRIME.csv --source "Federal Reserve H.15 via FRED (DPRIME)"
  revolver rate import --db revolver.db --as officer@lender.example --series sofr --file SOFR.csv --column "Rate (%)" --source "Federal Reserve Bank of New York"`,
	"revolver rate list": `  revolver rate list --db revolver.db
  revolver rate list --db revolver.db --series prime`,
	"revolver terms": `  revolver terms --agreement examples/btu-sovereign --as-of 2004-06-30 --format table`,
	"revolver diff":  `  revolver diff --agreement examples/btu-sovereign --from 2003-12-31 --to 2004-06-30`,
	"revolver bbc":   `  revolver bbc --agreement examples/btu-sovereign --as-of 2004-10-03 --receivables examples/btu-sovereign/data/receivables.csv --debtors examples/btu-sovereign/data/debtors.csv --inventory examples/btu-sovereign/data/inventory.csv --lc-outstanding 250000.00 --format table --explain`,
	"revolver monitor": `  revolver monitor --agreement examples/btu-sovereign --history history --format table
  revolver monitor --agreement examples/btu-sovereign --history history --window 6 --format json --explain`,
	"revolver covenants": `  revolver covenants --agreement examples/btu-sovereign --financials examples/btu-sovereign/data/financials.csv --format table`,
	"revolver deadlines": `  revolver deadlines --agreement examples/btu-sovereign --as-of 2006-11-30 --format table
  revolver deadlines --agreement examples/btu-sovereign --as-of 2006-11-30 --ics > deadlines.ics`,
	"revolver notice":           `  revolver notice effective --method courier --sent 2006-11-30T16:00:00-05:00 --agreement examples/btu-sovereign`,
	"revolver notice effective": `  revolver notice effective --method fax --sent 2006-11-30T16:00:00-05:00 --confirmed 2006-11-30T16:05:00-05:00 --agreement examples/btu-sovereign`,
	"revolver demo": `  revolver demo                                 # creates revolver.db here and serves it
  revolver demo --db demo.db --no-serve --progress
  revolver demo --database postgres://revolver@db.internal/revolver_demo`,
	"revolver serve": `  revolver serve --db revolver.db --addr 0.0.0.0:8080 --metrics-addr 10.0.0.5:9464
  REVOLVER_DATABASE_URL=postgres://revolver@db.internal/revolver revolver serve --tls-cert cert.pem --tls-key key.pem`,
	"revolver migrate": `  revolver migrate --db revolver.db              # creates the file if there is none
  revolver migrate --database postgres://revolver@db.internal/revolver`,
	"revolver cob": `  revolver cob --db revolver.db --date 2006-12-29
  revolver cob --db revolver.db --date 2006-12-29 --progress`,
	"revolver backup":                `  revolver backup --db revolver.db --to backup-2006-12-29.db`,
	"revolver audit":                 `  revolver audit verify --db revolver.db`,
	"revolver help":                  `  revolver help facility list`,
	"revolver completion":            `  revolver completion bash > /etc/bash_completion.d/revolver`,
	"revolver completion bash":       `  revolver completion bash > /etc/bash_completion.d/revolver`,
	"revolver completion zsh":        `  revolver completion zsh > "${fpath[1]}/_revolver"`,
	"revolver completion fish":       `  revolver completion fish > ~/.config/fish/completions/revolver.fish`,
	"revolver completion powershell": `  revolver completion powershell | Out-String | Invoke-Expression`,
	"revolver audit verify": `  revolver audit verify --db revolver.db
  revolver audit verify --db revolver.db --expect 1234:9f2c…   # the head close of business printed`,
	"revolver audit list": `  revolver audit list --db revolver.db --facility btu-sovereign --from 2006-12-01 --format csv
  revolver audit list --db revolver.db --user officer@lender.example --kind advance --limit 20`,
	"revolver statement": `  revolver statement --db revolver.db --facility btu-sovereign --month 2006-11 --format table
  revolver statement --db revolver.db --facility btu-sovereign --month 2006-11 --known-at 2006-12-01 --format json`,
	"revolver availability": `  revolver availability --db revolver.db --slug btu-sovereign --as-of 2006-12-29 --format table`,
	"revolver trends": `  revolver trends --db revolver.db --slug btu-sovereign --format table
  revolver trends --db revolver.db --slug btu-sovereign --known-at 2006-11-30 --top 5 --format csv --table concentration`,
	"revolver defaults":           `  revolver defaults --db revolver.db --slug btu-sovereign --as-of 2006-11-30 --format table`,
	"revolver facility-deadlines": `  revolver facility-deadlines --db revolver.db --slug btu-sovereign --as-of 2006-11-30 --ics > deadlines.ics`,
	"revolver loan":               `  revolver loan continue --db revolver.db --slug modern-abl --as treasurer@borrower.example --loan 12 --interest-period 3m`,
	"revolver loan continue":      `  revolver loan continue --db revolver.db --slug modern-abl --as treasurer@borrower.example --loan 12 --interest-period 3m --key notice-0401`,
	"revolver loan convert":       `  revolver loan convert --db revolver.db --slug modern-abl --as treasurer@borrower.example --loan 12 --option base_rate`,
	"revolver reserve":            `  revolver reserve set --db revolver.db --slug btu-sovereign --as officer@lender.example --id rent-dallas --amount 45000.00 --from 2007-01-02 --reason "landlord waiver not delivered"`,
	"revolver reserve set":        `  revolver reserve set --db revolver.db --slug btu-sovereign --as officer@lender.example --id block --kind availability_block --amount 500000.00 --from 2007-01-02 --reason "field exam findings"`,
	"revolver reserve approve":    `  revolver reserve approve --db revolver.db --slug btu-sovereign --as admin@lender.example --id block`,
	"revolver reserve release":    `  revolver reserve release --db revolver.db --slug btu-sovereign --as officer@lender.example --id block --until 2007-03-31 --reason "findings cleared"`,
	"revolver cash":               `  revolver cash import --db revolver.db --facility btu-sovereign --as officer@lender.example --bai lockbox-2006-12-28.bai`,
	"revolver cash import":        `  revolver cash import --db revolver.db --facility btu-sovereign --as officer@lender.example --bai lockbox-2006-12-28.bai`,
	"revolver cash list":          `  revolver cash list --db revolver.db --facility btu-sovereign --as analyst@lender.example --known-at 2006-11-30`,
	"revolver cash show":          `  revolver cash show --db revolver.db --facility btu-sovereign --as analyst@lender.example --id 12`,
	"revolver cash reconcile":     `  revolver cash reconcile --db revolver.db --facility btu-sovereign --as officer@lender.example --certificate 31`,
	"revolver dominion":           `  revolver dominion list --db modern.db --facility modern-abl --format table`,
	"revolver morning":            `  revolver morning --db btu.db --format table`,
	"revolver dominion list":      `  revolver dominion list --db modern.db --facility modern-abl --known-at 2026-10-30`,
	"revolver dominion evaluate":  `  revolver dominion evaluate --db modern.db --facility modern-abl --from 2026-06-30 --through 2026-11-27`,
	"revolver dominion minimum":   `  revolver dominion minimum --db modern.db --facility modern-abl`,
	"revolver lc":                 `  revolver lc issue --db revolver.db --slug btu-sovereign --as officer@lender.example --id SB-1 --amount 250000.00 --value-date 2007-01-02 --beneficiary "Port Authority" --expiry 2007-06-29`,
	"revolver lc issue":           `  revolver lc issue --db revolver.db --slug btu-sovereign --as officer@lender.example --id SB-1 --amount 250000.00 --value-date 2007-01-02 --beneficiary "Port Authority" --expiry 2007-06-29`,
	"revolver lc draw":            `  revolver lc draw --db revolver.db --slug btu-sovereign --as officer@lender.example --id SB-1 --amount 100000.00 --value-date 2007-02-01`,
	"revolver lc reimburse":       `  revolver lc reimburse --db revolver.db --slug btu-sovereign --as officer@lender.example --id SB-1 --amount 100000.00 --value-date 2007-02-02 --by-advance`,
	"revolver lc expire":          `  revolver lc expire --db revolver.db --slug btu-sovereign --as officer@lender.example --id SB-1 --value-date 2007-06-29`,
	"revolver lc list":            `  revolver lc list --db revolver.db --slug btu-sovereign --as analyst@lender.example`,
	"revolver reserve list":       `  revolver reserve list --db revolver.db --slug btu-sovereign --as analyst@lender.example --on 2007-01-02 --known-at now`,
	"revolver loan notices":       `  revolver loan notices --db revolver.db --slug modern-abl --as officer@lender.example`,
	"revolver loan interest":      `  revolver loan interest --db revolver.db --slug btu-sovereign --as officer@lender.example --from 2006-01-01 --to 2006-03-31`,
	"revolver advance":            `  revolver advance request --db revolver.db --slug btu-sovereign --as cfo@btu.example --amount 250000.00 --value-date 2007-01-02`,
	"revolver advance request": `  revolver advance request --db revolver.db --slug btu-sovereign --as cfo@btu.example --amount 250000.00 --value-date 2007-01-02 --key wire-0102
  revolver advance request --db revolver.db --slug btu-sovereign --as officer@lender.example --amount 20000.00 --value-date 2006-12-28 --reason "wired 28 December"`,
	"revolver advance approve":  `  revolver advance approve --db revolver.db --slug btu-sovereign --as credit@lender.example --id 12`,
	"revolver advance reject":   `  revolver advance reject --db revolver.db --slug btu-sovereign --as credit@lender.example --id 12`,
	"revolver default-interest": `  revolver default-interest --db revolver.db --slug modern-abl --as officer@lender.example --default eod-3 --method courier --sent "2025-06-02 10:00"`,
	"revolver cost":             `  revolver cost --db revolver.db --slug btu-sovereign --as officer@lender.example --kind field_exam --amount 4500.00 --value-date 2007-01-02 --memo "examiner's invoice 4411"`,
	"revolver repay": `  revolver repay --db revolver.db --slug btu-sovereign --as cfo@btu.example --amount 100000.00 --value-date 2007-01-02
  revolver repay --db revolver.db --slug btu-sovereign --as officer@lender.example --amount 5000.00 --value-date 2006-12-28 --reason "received 28 December, not booked"`,
	"revolver certificate": `  revolver certificate submit --db revolver.db --slug btu-sovereign --as cfo@btu.example --as-of 2006-11-30 --receivables r.csv --debtors d.csv --inventory i.csv`,
	"revolver certificate submit": `  revolver certificate submit --db revolver.db --slug btu-sovereign --as cfo@btu.example --as-of 2006-11-30 --receivables r.csv --debtors d.csv --inventory i.csv
  revolver certificate submit --db revolver.db --slug btu-sovereign --as cfo@btu.example --as-of 2006-11-30 --receivables big.csv --debtors d.csv --inventory i.csv --progress`,
	"revolver certificate approve":  `  revolver certificate approve --db revolver.db --slug btu-sovereign --as officer@lender.example --id 36`,
	"revolver certificate reject":   `  revolver certificate reject --db revolver.db --slug btu-sovereign --as officer@lender.example --id 36 --comment "aging report is a month old"`,
	"revolver certificate withdraw": `  revolver certificate withdraw --db revolver.db --slug btu-sovereign --as cfo@btu.example --id 37 --comment "sent a day early"`,
	"revolver statements":           `  revolver statements add --db revolver.db --slug btu-sovereign --as cfo@btu.example --file q4-2006.csv`,
	"revolver statements add":       `  revolver statements add --db revolver.db --slug btu-sovereign --as cfo@btu.example --file q4-2006.csv`,
	"revolver approvals":            `  revolver approvals list --db revolver.db --slug btu-sovereign`,
	"revolver approvals list":       `  revolver approvals list --db revolver.db --slug btu-sovereign`,
	"revolver approvals approve":    `  revolver approvals approve --db revolver.db --slug btu-sovereign --as credit@lender.example --id 7`,
	"revolver approvals reject":     `  revolver approvals reject --db revolver.db --slug btu-sovereign --as credit@lender.example --id 7 --comment "not received"`,
	"revolver requests":             `  revolver requests list --db revolver.db --slug btu-sovereign`,
	"revolver requests list":        `  revolver requests list --db revolver.db --slug btu-sovereign`,
	"revolver requests approve":     `  revolver requests approve --db revolver.db --slug btu-sovereign --as officer@lender.example --id 512`,
	"revolver requests reject":      `  revolver requests reject --db revolver.db --slug btu-sovereign --as officer@lender.example --id 512 --comment "the waiver is not signed"`,
	"revolver user":                 `  revolver user add --db revolver.db --email officer@lender.example --role lender_officer --password-stdin < pw.txt`,
	"revolver user add": `  revolver user add --db revolver.db --email officer@lender.example --role lender_officer --password-stdin < pw.txt
  revolver user add --db revolver.db --email cfo@btu.example --role borrower --facility btu-sovereign --password-stdin < pw.txt`,
	"revolver token": `  revolver token create --db revolver.db --email officer@lender.example`,
	"revolver token create": `  revolver token create --db revolver.db --email officer@lender.example
  revolver token create --db revolver.db --email officer@lender.example --expires-in 720h`,
	"revolver token list":    `  revolver token list --db revolver.db --email officer@lender.example`,
	"revolver token revoke":  `  revolver token revoke --db revolver.db --email officer@lender.example --sha256 9f2c…`,
	"revolver user list":     `  revolver user list --db revolver.db`,
	"revolver user disable":  `  revolver user disable --db revolver.db --email officer@lender.example`,
	"revolver user enable":   `  revolver user enable --db revolver.db --email officer@lender.example`,
	"revolver user sessions": `  revolver user sessions --db revolver.db --email officer@lender.example`,
	"revolver user end-sessions": `  revolver user end-sessions --db revolver.db --email officer@lender.example
  revolver user end-sessions --db revolver.db --email officer@lender.example --id 3b1e…`,
	"revolver facility":     `  revolver facility list --db revolver.db`,
	"revolver facility add": `  revolver facility add --db revolver.db --slug btu-sovereign --agreement examples/btu-sovereign --maker-checker-threshold 1000000.00`,
	"revolver facility list": `  revolver facility list --db revolver.db
  revolver facility list --database postgres://revolver@db.internal/revolver`,
}

// helpCmd is `revolver help [command]`: an unknown command is a usage
// error, as everywhere.
func helpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Args:  cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return usageError{fmt.Errorf("unknown help topic %q (see revolver --help)", strings.Join(args, " "))}
			}
			return cmd.Help()
		},
	}
}
