-- Application Passwords (WordPress's REST API credentials): named, revocable secrets a user
-- creates for one client each. Only a SHA-256 of the 142-bit random secret is stored, so a
-- leaked database cannot be replayed. Keep in step with postgres/0005_app_passwords.sql.

CREATE TABLE app_passwords (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	uuid         TEXT NOT NULL UNIQUE, -- the public identifier shown in the admin and used to revoke
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	secret_hash  TEXT NOT NULL UNIQUE, -- hex SHA-256 of the secret without spaces
	created_at   TEXT NOT NULL,
	last_used_at TEXT,
	last_ip      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX app_passwords_user ON app_passwords (user_id);
