-- Moderation at scale and knowing the audience (issue 10, points 5 and 8). Keep in step with
-- postgres/0021_moderation_audience.sql.

-- Bans: a comment whose e-mail, name or address matches is stored as spam with the ban as its
-- reason (the commenter is told nothing a spammer could use). kind is 'email', 'name' or 'ip';
-- value is the lower-cased e-mail or name, or an IP address or CIDR range in canonical form.
CREATE TABLE comment_bans (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	kind       TEXT NOT NULL CHECK (kind IN ('email', 'name', 'ip')),
	value      TEXT NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at TEXT NOT NULL,
	UNIQUE (kind, value)
);

-- Reader reports. reporter is a keyed hash of the reader's network (an IPv4 address or an IPv6
-- /64), so one network reports a comment once and no address is stored.
CREATE TABLE comment_reports (
	comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
	reporter   TEXT NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (comment_id, reporter)
);

-- Page views counted server-side, without cookies or addresses: per UTC day, page path and
-- referrer (a host for other sites, a path for this site's own pages, '' when none). Every
-- node adds its counts with an upsert.
CREATE TABLE page_views (
	day      TEXT NOT NULL,
	path     TEXT NOT NULL,
	referrer TEXT NOT NULL DEFAULT '',
	views    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (day, path, referrer)
);

-- The reasons a comment was held or marked spam as machine codes (broadside.Reason*), space
-- separated, beside the words of moderation_reason.
ALTER TABLE comments ADD COLUMN moderation_codes TEXT NOT NULL DEFAULT '';
