package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"revolver/agreement"
	"revolver/app"
	"revolver/store"
)

func init() { register(userCmd, tokenCmd, facilityCmd) }

func userCmd() *cobra.Command {
	c := &cobra.Command{Use: "user", Short: "Users of the API"}
	var sf storeFlags
	var email, role string
	var facilities []string
	var stdin bool
	add := &cobra.Command{
		Use:   "add --email E --role R [--facility SLUG] --password-stdin",
		Short: "Add a user (roles: " + strings.Join(store.Roles, ", ") + ")",
		RunE: func(cmd *cobra.Command, args []string) error {
			if email == "" {
				return usageError{errors.New("--email is required")}
			}
			if !stdin {
				return usageError{errors.New("--password-stdin is required: the password is read from standard input (not from the command line)")}
			}
			pw, err := bufio.NewReader(io.LimitReader(cmd.InOrStdin(), 4096)).ReadString('\n')
			if err != nil && err != io.EOF {
				return err
			}
			pw = strings.TrimRight(pw, "\r\n")
			st, _, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			u, err := service(st).AddUser(cliContext(cmd.Context(), "user add"), app.NewUser{Email: email, Role: role, Password: pw, Facilities: facilities})
			if err != nil {
				return opError(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "user %d %s (%s) added\n", u.ID, u.Email, u.Role)
			return nil
		},
	}
	sf.add(add)
	add.Flags().StringVar(&email, "email", "", "email address (the sign-in name)")
	add.Flags().StringVar(&role, "role", "", "role: "+strings.Join(store.Roles, ", "))
	add.Flags().StringArrayVar(&facilities, "facility", nil, "facility slug of a borrower user (repeatable)")
	add.Flags().BoolVar(&stdin, "password-stdin", false, "read the password from standard input")
	c.AddCommand(add)
	c.AddCommand(userAccessCmds()...)
	return c
}

func tokenCmd() *cobra.Command {
	c := &cobra.Command{Use: "token", Short: "API tokens"}
	var sf storeFlags
	var email string
	var ttl time.Duration
	create := &cobra.Command{
		Use:   "create --email E [--expires-in 2160h]",
		Short: "Create an API token for a user, valid 90 days unless --expires-in says; prints only the token (shown once)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if email == "" {
				return usageError{errors.New("--email is required")}
			}
			st, _, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			tok, _, err := service(st).CreateToken(cliContext(cmd.Context(), "token create"), email, ttl)
			if err != nil {
				if store.ErrorCode(err) == store.CodeNotFound {
					return usageError{fmt.Errorf("--email %s: %w", email, err)}
				}
				return opError(err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), tok)
			return nil
		},
	}
	sf.add(create)
	create.Flags().StringVar(&email, "email", "", "the user's email")
	create.Flags().DurationVar(&ttl, "expires-in", 0, "how long the token is valid (default 2160h, 90 days; at most 8784h, 366 days)")
	c.AddCommand(create)
	c.AddCommand(tokenAccessCmds()...)
	return c
}

func facilityCmd() *cobra.Command {
	c := &cobra.Command{Use: "facility", Short: "Facilities in the store"}
	var sf, lf storeFlags
	var slug, dir, threshold string
	var examMonths int
	add := &cobra.Command{
		Use:   "add --slug SLUG --agreement DIR",
		Short: "Register a facility from its agreement files (idempotent)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if slug == "" {
				return usageError{errors.New("--slug is required")}
			}
			if dir == "" {
				return usageError{errors.New("--agreement DIR is required")}
			}
			ents, err := os.ReadDir(dir)
			if err != nil {
				return usageError{fmt.Errorf("--agreement %s: %v", dir, err)}
			}
			var paths []string
			for _, e := range ents {
				if !e.IsDir() && agreement.IsFileName(e.Name()) {
					paths = append(paths, filepath.Join(dir, e.Name()))
				}
			}
			if len(paths) == 0 {
				return usageError{fmt.Errorf("--agreement %s: no agreement files (*.yaml, *.yml)", dir)}
			}
			var files []agreement.File
			for _, p := range paths {
				b, err := os.ReadFile(p)
				if err != nil {
					return usageError{err}
				}
				files = append(files, agreement.NewFile(p, b))
			}
			var settings app.Settings
			if threshold != "" {
				a, err := amountFlag("maker-checker-threshold", threshold)
				if err != nil {
					return err
				}
				settings.MakerCheckerThreshold = &a
			}
			if examMonths != 0 {
				settings.FieldExamMonths = &examMonths
			}
			st, _, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			svc := service(st)
			f, err := svc.RegisterFacility(cliContext(cmd.Context(), "facility add"), slug, files, settings, cliActor())
			if err != nil {
				if code := store.ErrorCode(err); code == store.CodeInvalid || code == store.CodeConflict {
					return usageError{err}
				}
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "facility %s (%s): %d agreement files\n", f.Slug, f.Name, len(files))
			return nil
		},
	}
	sf.add(add)
	add.Flags().StringVar(&slug, "slug", "", "the facility's slug (e.g. btu-sovereign)")
	add.Flags().StringVar(&dir, "agreement", "", "directory of agreement files")
	add.Flags().StringVar(&threshold, "maker-checker-threshold", "", "advances above this amount need a second person's approval")
	add.Flags().IntVar(&examMonths, "field-exam-frequency-months", 0, "the bank's field exam frequency for the facility when its terms state none (1 to 120; default 12)")
	var format string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the facilities",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			st, _, err := lf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			fs, err := st.Facilities(cmd.Context())
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), fs)
			}
			for _, f := range fs {
				fmt.Fprintf(cmd.OutOrStdout(), "%-24s %s\n", f.Slug, f.Name)
			}
			return nil
		},
	}
	lf.add(list)
	list.Flags().StringVar(&format, "format", "table", "json or table")
	c.AddCommand(add, list)
	return c
}
