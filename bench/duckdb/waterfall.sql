-- The example facility's borrowing-base waterfall (docs: bench/README.md), written in SQL
-- for DuckDB as an independent check of `revolver bbc` and a baseline for its benchmark.
--
-- Inputs are session variables set before this statement runs:
--   receivables, debtors, inventory  paths of the three CSV files of gen_abl_data.py
--   as_of                            the certificate date, YYYY-MM-DD
-- Output: one row, one column `result`, a JSON document with the figures of `revolver bbc
-- --format json` (amounts as decimal strings with two decimals).
--
-- Amounts are DECIMAL(18,2) as read, sums are cast back to DECIMAL(18,2), rates are exact
-- decimals; no floating point anywhere. ROUND on a DECIMAL rounds half away from zero.
--
-- The example's criteria and parameters (agreement.yaml, eligibility), in order:
--   receivables: past_due (age > 90), cross_aged (90 days, 50%), affiliate, government,
--                foreign (home country US), disputed, contra, concentration (20%)
--   inventory:   location (BIL, UPS-SJC, UPS-SDF), category (work_in_process, in_transit,
--                consigned, customer_trial, trade_show), slow_moving (> 365 days), casualty (none)
--   advance rates 80% and 35%, inventory cap 3,500,000.00, no letters of credit.
WITH
params AS (
    SELECT CAST(getvariable('as_of') AS DATE)     AS as_of,
           90                                     AS past_due_days,
           90                                     AS cross_aged_days,
           50                                     AS cross_aged_pct,      -- 50%
           CAST(0.20 AS DECIMAL(3, 2))            AS concentration_share, -- 20%
           365                                    AS slow_moving_days,
           CAST(0.80 AS DECIMAL(3, 2))            AS receivables_rate,
           CAST(0.35 AS DECIMAL(3, 2))            AS inventory_rate,
           CAST(3500000.00 AS DECIMAL(18, 2))     AS inventory_cap
),
debtors AS (
    SELECT * FROM read_csv(getvariable('debtors'), header = true, auto_detect = false,
        columns = {'debtor_id': 'VARCHAR', 'name': 'VARCHAR', 'country': 'VARCHAR',
                   'government': 'BOOLEAN', 'affiliate': 'BOOLEAN', 'credit_insured': 'BOOLEAN',
                   'assignment_of_claims': 'BOOLEAN', 'contra_payable': 'DECIMAL(18,2)'})
),
receivables AS (
    SELECT * FROM read_csv(getvariable('receivables'), header = true, auto_detect = false,
        columns = {'debtor_id': 'VARCHAR', 'invoice_no': 'VARCHAR', 'invoice_date': 'DATE',
                   'due_date': 'DATE', 'amount': 'DECIMAL(18,2)', 'currency': 'VARCHAR',
                   'disputed': 'BOOLEAN'})
),
inventory AS (
    SELECT * FROM read_csv(getvariable('inventory'), header = true, auto_detect = false,
        columns = {'item': 'VARCHAR', 'description': 'VARCHAR', 'location': 'VARCHAR',
                   'category': 'VARCHAR', 'quantity': 'DECIMAL(18,4)', 'unit_cost': 'DECIMAL(18,4)',
                   'extended_cost': 'DECIMAL(18,2)', 'last_movement_date': 'DATE'})
),

-- ---------------------------------------------------------------- receivables
-- One scan: per debtor and per (past due?, disputed?), the balance, the balance of positive
-- rows, and the rows in another currency.
r_groups AS (
    SELECT r.debtor_id,
           (p.as_of - r.invoice_date) > p.past_due_days               AS past_due,
           (p.as_of - r.invoice_date) > p.cross_aged_days             AS cross_aged_age,
           r.disputed,
           CAST(SUM(r.amount) AS DECIMAL(18, 2))                      AS amount,
           CAST(COALESCE(SUM(r.amount) FILTER (WHERE r.amount > 0), 0) AS DECIMAL(18, 2)) AS positive,
           COUNT(*) FILTER (WHERE r.currency <> 'USD')                AS foreign_currency_rows
    FROM receivables r, params p
    GROUP BY ALL
),
-- Cross-aged debtors: positive rows aged > 90 days are at least 50% of the positive rows.
r_cross AS (
    SELECT g.debtor_id,
           SUM(g.positive) > 0
           AND COALESCE(SUM(g.positive) FILTER (WHERE g.cross_aged_age), 0) * 100
               >= SUM(g.positive) * p.cross_aged_pct AS cross_aged
    FROM r_groups g, params p
    GROUP BY g.debtor_id, p.cross_aged_pct
),
-- Each group's category: the first criterion in order that applies; NULL = still eligible.
r_bucketed AS (
    SELECT g.debtor_id, g.amount,
           CASE
               WHEN g.past_due                                  THEN 'past_due'
               WHEN COALESCE(c.cross_aged, false)               THEN 'cross_aged'
               WHEN d.affiliate                                 THEN 'affiliate'
               WHEN d.government AND NOT d.assignment_of_claims THEN 'government'
               WHEN d.country <> 'US' AND NOT d.credit_insured  THEN 'foreign'
               WHEN g.disputed                                  THEN 'disputed'
           END AS category,
           d.debtor_id IS NULL AS unknown_debtor,
           g.foreign_currency_rows
    FROM r_groups g
    LEFT JOIN debtors d USING (debtor_id)
    LEFT JOIN r_cross c USING (debtor_id)
),
-- Per debtor: what remains eligible after the row and debtor criteria, then contra.
r_debtor AS (
    SELECT b.debtor_id,
           CAST(COALESCE(SUM(b.amount) FILTER (WHERE b.category IS NULL), 0) AS DECIMAL(18, 2)) AS remaining,
           ANY_VALUE(d.contra_payable) AS contra_payable
    FROM r_bucketed b JOIN debtors d USING (debtor_id)
    GROUP BY b.debtor_id
),
r_contra AS (
    SELECT debtor_id, remaining,
           LEAST(GREATEST(remaining, 0), contra_payable)                    AS contra,
           remaining - LEAST(GREATEST(remaining, 0), contra_payable)        AS after_contra
    FROM r_debtor
),
-- Concentration: one pass against E = total eligible after every category above.
r_conc_limit AS (
    SELECT CAST(SUM(after_contra) AS DECIMAL(18, 2))                                   AS e,
           ROUND(p.concentration_share * CAST(SUM(after_contra) AS DECIMAL(18, 2)), 2) AS limit_amount
    FROM r_contra, params p
    GROUP BY p.concentration_share
),
r_conc AS (
    -- A limit below zero (E < 0) is taken as zero: every positive balance is then excess.
    SELECT c.debtor_id, c.after_contra,
           GREATEST(c.after_contra - GREATEST(l.limit_amount, 0), 0) AS concentration
    FROM r_contra c, r_conc_limit l
),
r_totals AS (
    SELECT
        (SELECT CAST(SUM(amount) AS DECIMAL(18, 2)) FROM r_bucketed)                                 AS gross,
        (SELECT CAST(COALESCE(SUM(amount), 0) AS DECIMAL(18, 2)) FROM r_bucketed WHERE category = 'past_due')   AS past_due,
        (SELECT CAST(COALESCE(SUM(amount), 0) AS DECIMAL(18, 2)) FROM r_bucketed WHERE category = 'cross_aged') AS cross_aged,
        (SELECT CAST(COALESCE(SUM(amount), 0) AS DECIMAL(18, 2)) FROM r_bucketed WHERE category = 'affiliate')  AS affiliate,
        (SELECT CAST(COALESCE(SUM(amount), 0) AS DECIMAL(18, 2)) FROM r_bucketed WHERE category = 'government') AS government,
        (SELECT CAST(COALESCE(SUM(amount), 0) AS DECIMAL(18, 2)) FROM r_bucketed WHERE category = 'foreign')    AS foreign_,
        (SELECT CAST(COALESCE(SUM(amount), 0) AS DECIMAL(18, 2)) FROM r_bucketed WHERE category = 'disputed')   AS disputed,
        (SELECT CAST(COALESCE(SUM(contra), 0) AS DECIMAL(18, 2)) FROM r_contra)                       AS contra,
        (SELECT CAST(COALESCE(SUM(concentration), 0) AS DECIMAL(18, 2)) FROM r_conc)                  AS concentration,
        (SELECT CAST(COALESCE(SUM(after_contra - concentration), 0) AS DECIMAL(18, 2)) FROM r_conc)   AS eligible,
        (SELECT COUNT(*) FROM r_bucketed WHERE unknown_debtor)                                        AS unknown_debtors,
        (SELECT SUM(foreign_currency_rows) FROM r_bucketed)                                           AS foreign_currency_rows
),
r_result AS (
    SELECT t.*,
           ROUND(p.receivables_rate * GREATEST(t.eligible, 0), 2) AS availability
    FROM r_totals t, params p
),

-- ---------------------------------------------------------------- inventory
i_bucketed AS (
    SELECT i.extended_cost,
           CASE
               WHEN i.location NOT IN ('BIL', 'UPS-SJC', 'UPS-SDF') THEN 'location'
               WHEN i.category IN ('work_in_process', 'in_transit', 'consigned',
                                   'customer_trial', 'trade_show')  THEN 'category'
               WHEN (p.as_of - i.last_movement_date) > p.slow_moving_days THEN 'slow_moving'
               -- casualty: no exclusions in this run
           END AS category
    FROM inventory i, params p
),
i_totals AS (
    SELECT CAST(SUM(extended_cost) AS DECIMAL(18, 2)) AS gross,
           CAST(COALESCE(SUM(extended_cost) FILTER (WHERE category = 'location'), 0) AS DECIMAL(18, 2))    AS location,
           CAST(COALESCE(SUM(extended_cost) FILTER (WHERE category = 'category'), 0) AS DECIMAL(18, 2))    AS category,
           CAST(COALESCE(SUM(extended_cost) FILTER (WHERE category = 'slow_moving'), 0) AS DECIMAL(18, 2)) AS slow_moving,
           CAST(0 AS DECIMAL(18, 2))                                                                      AS casualty,
           CAST(COALESCE(SUM(extended_cost) FILTER (WHERE category IS NULL), 0) AS DECIMAL(18, 2))         AS eligible
    FROM i_bucketed
),
i_result AS (
    SELECT t.*,
           LEAST(ROUND(p.inventory_rate * GREATEST(t.eligible, 0), 2), p.inventory_cap) AS availability
    FROM i_totals t, params p
)

SELECT CASE
    WHEN r.unknown_debtors > 0 THEN error('receivables: a debtor_id is not in the debtors file')
    WHEN r.foreign_currency_rows > 0 THEN error('receivables: a row is not in USD')
    ELSE json_object(
        'as_of', CAST(p.as_of AS VARCHAR),
        'receivables', json_object(
            'gross', CAST(r.gross AS VARCHAR),
            'ineligible', json_object(
                'past_due', CAST(r.past_due AS VARCHAR),
                'cross_aged', CAST(r.cross_aged AS VARCHAR),
                'affiliate', CAST(r.affiliate AS VARCHAR),
                'government', CAST(r.government AS VARCHAR),
                'foreign', CAST(r.foreign_ AS VARCHAR),
                'disputed', CAST(r.disputed AS VARCHAR),
                'contra', CAST(r.contra AS VARCHAR),
                'concentration', CAST(r.concentration AS VARCHAR)),
            'eligible', CAST(r.eligible AS VARCHAR),
            'availability', CAST(CAST(r.availability AS DECIMAL(18, 2)) AS VARCHAR)),
        'inventory', json_object(
            'gross', CAST(i.gross AS VARCHAR),
            'ineligible', json_object(
                'location', CAST(i.location AS VARCHAR),
                'category', CAST(i.category AS VARCHAR),
                'slow_moving', CAST(i.slow_moving AS VARCHAR),
                'casualty', CAST(i.casualty AS VARCHAR)),
            'eligible', CAST(i.eligible AS VARCHAR),
            'availability', CAST(CAST(i.availability AS DECIMAL(18, 2)) AS VARCHAR)),
        'letters_of_credit', '0.00',
        'borrowing_base', CAST(CAST(r.availability + i.availability AS DECIMAL(18, 2)) AS VARCHAR))
    END AS result
FROM r_result r, i_result i, params p;
