-- ActivityPub admin (issue 14): blocks, and how followers present themselves. Keep in step
-- with postgres/0033_activitypub_blocks.sql.

-- Remote servers (kind 'domain', value a lower-case host; its subdomains are blocked too)
-- and remote actors (kind 'actor', value the actor's id URL) the site refuses to hear from
-- or deliver to.
CREATE TABLE ap_blocks (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	kind       TEXT NOT NULL CHECK (kind IN ('domain', 'actor')),
	value      TEXT NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at TEXT NOT NULL,
	UNIQUE (kind, value)
);

-- The follower's display name, @user@host handle and profile page, as its actor document
-- said when it followed, for the admin's list (remote text: escaped where shown).
ALTER TABLE ap_followers ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE ap_followers ADD COLUMN handle TEXT NOT NULL DEFAULT '';
ALTER TABLE ap_followers ADD COLUMN url TEXT NOT NULL DEFAULT '';
