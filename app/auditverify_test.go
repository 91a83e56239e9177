package app_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"revolver/app"
	"revolver/store"
	"revolver/store/sqlite"
	"revolver/store/testdb"
)

// TestAuditVerifyExpecting pins the sweep's finding: on PostgreSQL
// TRUNCATE bypassed the append-only triggers and verify then said "intact:
// 0 records"; on both databases deleting the newest records, or editing
// one and recomputing the chain after it, went unseen. TRUNCATE is refused
// on PostgreSQL; against a head kept elsewhere, verify reports both. The
// attacker works through a raw connection of their own, triggers dropped
// or disabled.
func TestAuditVerifyExpecting(t *testing.T) {
	type attacker struct {
		db *sql.DB
		// unlock lets the raw connection delete and update audit records.
		unlock string
	}
	for name, open := range map[string]func(t *testing.T) (store.Store, attacker){
		"sqlite": func(t *testing.T) (store.Store, attacker) {
			path := filepath.Join(t.TempDir(), "audit.db")
			st, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			raw, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { raw.Close() })
			return st, attacker{raw, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete"}
		},
		"postgres": func(t *testing.T) (store.Store, attacker) {
			st := testdb.Postgres(t)
			if _, err := st.W.Exec(`TRUNCATE audit`); err == nil || !strings.Contains(err.Error(), "cannot be truncated") {
				t.Fatalf("TRUNCATE audit: %v, want refused", err)
			}
			for _, tbl := range []string{"postings", "transactions", "financials", "fact_records", "certificates", "signin_attempts"} {
				if _, err := st.W.Exec(`TRUNCATE ` + tbl + ` CASCADE`); err == nil {
					t.Errorf("TRUNCATE %s: allowed", tbl)
				}
			}
			return st, attacker{st.W, "ALTER TABLE audit DISABLE TRIGGER USER"}
		},
	} {
		t.Run(name, func(t *testing.T) {
			st, att := open(t)
			acc := st.(store.Accounts)
			now := time.Date(2006, 12, 29, 15, 0, 0, 0, time.UTC)
			s := &app.Service{Store: st, Now: func() time.Time { return now }}
			ctx := context.Background()
			for i := range 6 {
				if _, err := acc.AppendAudit(ctx, store.AuditRecord{At: now.Add(time.Duration(i) * time.Minute), Actor: "ann@bank.example",
					RequestID: "r", Route: "test", Kind: "advance", Action: "request"}); err != nil {
					t.Fatal(err)
				}
			}
			head, err := s.AuditHead(ctx)
			if err != nil || head.Records != 6 || len(head.Hash) != 64 {
				t.Fatalf("head: %+v %v", head, err)
			}
			if got, err := app.ParseAuditHead(head.String()); err != nil || got != head {
				t.Fatalf("head %s read back as %+v %v", head, got, err)
			}
			if v, err := s.VerifyAuditExpecting(ctx, head); err != nil || v.Mismatch != "" || v.Break != nil || v.Records != 6 {
				t.Fatalf("untouched trail: %+v %v", v, err)
			}
			// The tail rewritten: record 6 edited and its hash recomputed.
			recs, _ := acc.AuditRecords(ctx, 5, 1)
			forged := recs[0]
			forged.Actor = "mallory@bank.example"
			forged.Hash = store.AuditHash(forged)
			if _, err := att.db.Exec(att.unlock); err != nil {
				t.Fatal(err)
			}
			q := `UPDATE audit SET actor = $1, hash = $2 WHERE id = 6`
			if name == "sqlite" {
				q = `UPDATE audit SET actor = ?, hash = ? WHERE id = 6`
			}
			if _, err := att.db.Exec(q, forged.Actor, forged.Hash); err != nil {
				t.Fatal(err)
			}
			v, err := s.VerifyAudit(ctx)
			if err != nil || v.Break != nil || v.Records != 6 {
				t.Fatalf("the rewritten chain should still link (the attack the head catches): %+v %v", v, err)
			}
			v, err = s.VerifyAuditExpecting(ctx, head)
			if err != nil || !strings.Contains(v.Mismatch, "rewritten from record 6") {
				t.Fatalf("rewritten tail: %+v %v", v, err)
			}
			// The newest records deleted.
			if _, err := att.db.Exec(`DELETE FROM audit WHERE id > 3`); err != nil {
				t.Fatal(err)
			}
			if v, _ := s.VerifyAudit(ctx); v.Break != nil || v.Records != 3 {
				t.Fatalf("the shortened chain should still link: %+v", v)
			}
			v, err = s.VerifyAuditExpecting(ctx, head)
			if err != nil || !strings.Contains(v.Mismatch, "the trail has 3 records, but the head kept elsewhere is record 6") {
				t.Fatalf("deleted tail: %+v %v", v, err)
			}
			// Every record deleted (what TRUNCATE did).
			if _, err := att.db.Exec(`DELETE FROM audit`); err != nil {
				t.Fatal(err)
			}
			v, err = s.VerifyAuditExpecting(ctx, head)
			if err != nil || !strings.Contains(v.Mismatch, "the trail has 0 records") {
				t.Fatalf("emptied trail: %+v %v", v, err)
			}
		})
	}
	for _, bad := range []string{"", "6", "x:abc", "0:" + strings.Repeat("a", 64), "6:" + strings.Repeat("g", 64)} {
		if _, err := app.ParseAuditHead(bad); store.ErrorCode(err) != store.CodeInvalid {
			t.Errorf("ParseAuditHead(%q) = %v, want invalid", bad, err)
		}
	}
}
