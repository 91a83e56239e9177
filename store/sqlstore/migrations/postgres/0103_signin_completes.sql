-- A sign-in attempt is reserved (recorded as failed) before the password is
-- checked; a successful one then appends its success naming the reserved
-- attempt it completes (attempts stay append-only), which the limits no
-- longer count as a failure.
ALTER TABLE signin_attempts ADD COLUMN completes BIGINT;
CREATE INDEX signin_attempts_completes ON signin_attempts (completes) WHERE completes IS NOT NULL;
