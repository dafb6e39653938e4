-- People (issue 10): deactivated accounts and two-factor sign-in (TOTP). See
-- sqlite/0020_people.sql for what each column means; keep the two in step.
ALTER TABLE users ADD COLUMN deactivated_at timestamptz;
ALTER TABLE users ADD COLUMN totp_secret text NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_pending text NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0;

CREATE TABLE recovery_codes (
	user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	code_hash text NOT NULL,
	PRIMARY KEY (user_id, code_hash)
);
