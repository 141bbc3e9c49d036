-- Consecutive failures of a job and the kind of the last one (auth, rate_limited, transient,
-- rejected, store), so a failing connection backs off and its state says why.
ALTER TABLE job_leases ADD COLUMN failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE job_leases ADD COLUMN last_error_kind TEXT;
