package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"revolver/app"
)

// userAccessCmds: listing users, disabling and enabling them, listing and
// ending their sessions (app.Service.DisableUser and the others, audited).
func userAccessCmds() []*cobra.Command {
	var out []*cobra.Command
	{
		var sf storeFlags
		list := &cobra.Command{
			Use:   "list",
			Short: "List the users: email, role, state and facilities",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				st, _, err := sf.open(cmd.Context())
				if err != nil {
					return err
				}
				defer st.Close()
				us, err := service(st).Users(cliContext(cmd.Context(), "user list"))
				if err != nil {
					return opError(err)
				}
				for _, u := range us {
					state := "enabled"
					if u.Disabled {
						state = "disabled"
					}
					fmt.Fprintf(cmd.OutOrStdout(), "%d\t%s\t%s\t%s\t%v\n", u.ID, u.Email, u.Role, state, u.Facilities)
				}
				return nil
			},
		}
		sf.add(list)
		out = append(out, list)
	}
	for _, d := range []struct {
		use, short string
		run        func(*app.Service, *cobra.Command, string) (string, error)
	}{
		{"disable", "Disable a user at once: no sign-in, every session ended, every token revoked", func(s *app.Service, cmd *cobra.Command, email string) (string, error) {
			u, err := s.DisableUser(cliContext(cmd.Context(), "user disable"), email)
			return fmt.Sprintf("user %s disabled: sessions ended, tokens revoked", u.Email), err
		}},
		{"enable", "Enable a disabled user again (their tokens stay revoked)", func(s *app.Service, cmd *cobra.Command, email string) (string, error) {
			u, err := s.EnableUser(cliContext(cmd.Context(), "user enable"), email)
			return fmt.Sprintf("user %s enabled", u.Email), err
		}},
		{"sessions", "List a user's live sessions (by the SHA-256 of the cookie)", func(s *app.Service, cmd *cobra.Command, email string) (string, error) {
			ss, err := s.Sessions(cliContext(cmd.Context(), "user sessions"), email)
			var b []byte
			for _, x := range ss {
				b = fmt.Appendf(b, "%s\tcreated %s\texpires %s\n", x.IDSHA256, x.Created.Format(time.RFC3339), x.Expires.Format(time.RFC3339))
			}
			return string(b), err
		}},
	} {
		var sf storeFlags
		var email string
		c := &cobra.Command{
			Use:   d.use + " --email E",
			Short: d.short,
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				if email == "" {
					return usageError{errors.New("--email is required")}
				}
				st, _, err := sf.open(cmd.Context())
				if err != nil {
					return err
				}
				defer st.Close()
				msg, err := d.run(service(st), cmd, email)
				if err != nil {
					return opError(err)
				}
				if msg != "" {
					fmt.Fprintln(cmd.OutOrStdout(), trimNL(msg))
				}
				return nil
			},
		}
		sf.add(c)
		c.Flags().StringVar(&email, "email", "", "the user's email")
		out = append(out, c)
	}
	{
		var sf storeFlags
		var email, id string
		end := &cobra.Command{
			Use:   "end-sessions --email E [--id SHA256]",
			Short: "End a user's session (--id, from user sessions) or all of them, at once",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				if email == "" {
					return usageError{errors.New("--email is required")}
				}
				st, _, err := sf.open(cmd.Context())
				if err != nil {
					return err
				}
				defer st.Close()
				n, err := service(st).EndSessions(cliContext(cmd.Context(), "user end-sessions"), email, id)
				if err != nil {
					return opError(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%d sessions of %s ended\n", n, email)
				return nil
			},
		}
		sf.add(end)
		end.Flags().StringVar(&email, "email", "", "the user's email")
		end.Flags().StringVar(&id, "id", "", "the session's SHA-256 (default: every session of the user)")
		out = append(out, end)
	}
	return out
}

// tokenAccessCmds: listing and revoking a user's API tokens.
func tokenAccessCmds() []*cobra.Command {
	var sf, rf storeFlags
	var email, remail, sum string
	list := &cobra.Command{
		Use:   "list --email E",
		Short: "List a user's API tokens by SHA-256, with their expiry and revocation",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if email == "" {
				return usageError{errors.New("--email is required")}
			}
			st, _, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			ts, err := service(st).Tokens(cliContext(cmd.Context(), "token list"), email)
			if err != nil {
				return opError(err)
			}
			for _, t := range ts {
				state := "valid"
				switch {
				case !t.Revoked.IsZero():
					state = "revoked " + t.Revoked.Format(time.RFC3339)
				case !now().Before(t.Expires):
					state = "expired"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s\tcreated %s\texpires %s\t%s\n", t.SHA256, t.Created.Format(time.RFC3339), t.Expires.Format(time.RFC3339), state)
			}
			return nil
		},
	}
	sf.add(list)
	list.Flags().StringVar(&email, "email", "", "the user's email")
	revoke := &cobra.Command{
		Use:   "revoke --email E --sha256 H",
		Short: "Revoke a user's API token at once (named by its SHA-256, from token list)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if remail == "" || sum == "" {
				return usageError{errors.New("--email and --sha256 are required")}
			}
			st, _, err := rf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if _, err := service(st).RevokeToken(cliContext(cmd.Context(), "token revoke"), remail, sum); err != nil {
				return opError(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "token %s of %s revoked\n", sum, remail)
			return nil
		},
	}
	rf.add(revoke)
	revoke.Flags().StringVar(&remail, "email", "", "the user's email")
	revoke.Flags().StringVar(&sum, "sha256", "", "the token's SHA-256 (hex)")
	return []*cobra.Command{list, revoke}
}

func trimNL(s string) string {
	for len(s) > 0 && s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
	}
	return s
}
