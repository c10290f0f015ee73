-- Error fingerprints (README, "Error fingerprints"): each failed attempt keeps the fingerprint of
-- its failure (fp_ and 12 hex digits: failure type, error type, masked message, failed checks)
-- and the digests of what it read and what it left, as its AttemptFailed carried them (null: not
-- known). Written by the statement that writes the failure; rows from before stay null and are
-- not part of the history per fingerprint.
ALTER TABLE attempt ADD COLUMN fingerprint TEXT;
ALTER TABLE attempt ADD COLUMN inputs_digest TEXT;
ALTER TABLE attempt ADD COLUMN artifacts_digest TEXT;

-- GET /api/v1/fingerprints reads the failures of a window (occurred_at >= since) grouped by
-- fingerprint, and GET /api/v1/fingerprints/{id} one fingerprint's failures of the window: one
-- range of this index each. Only failures have a fingerprint, so started and succeeded attempts
-- do not enter it.
CREATE INDEX attempt_fingerprint_by_time ON attempt (occurred_at, fingerprint)
    WHERE fingerprint IS NOT NULL;
