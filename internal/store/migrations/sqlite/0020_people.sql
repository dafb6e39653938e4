-- People (issue 10): deactivated accounts and two-factor sign-in (TOTP).
-- deactivated_at: set while the account may not sign in (its posts stay).
-- totp_secret: the confirmed TOTP key, sealed with the site's "totp" secret (AES-GCM, hex);
-- totp_pending: a key shown for enrolment and not yet confirmed with a code, sealed the same way;
-- totp_last_step: the last 30-second step a code was accepted for, so a code is used once.
-- Keep in step with postgres/0020_people.sql.
ALTER TABLE users ADD COLUMN deactivated_at TEXT;
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- One-time recovery codes, stored by hash; a used code is deleted.
CREATE TABLE recovery_codes (
	user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	code_hash TEXT NOT NULL,
	PRIMARY KEY (user_id, code_hash)
);
