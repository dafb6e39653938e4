-- ActivityPub delivery status (issue 14). Keep in step with postgres/0034_activitypub_deliveries.sql.

-- One row per delivery job: an activity to one inbox. post_id is the post the activity is
-- about (0 for others, such as the Accept of a follow), so the admin can show a post's
-- delivery per host. state: 'waiting' (not tried yet, or held by a limit), 'delivered',
-- 'failing' (a temporary failure; next_at is the next try), 'failed' (refused for good, the
-- inbox gone, or its host dead).
CREATE TABLE ap_deliveries (
	activity_id TEXT NOT NULL,
	inbox       TEXT NOT NULL,
	host        TEXT NOT NULL,
	post_id     INTEGER NOT NULL DEFAULT 0,
	state       TEXT NOT NULL CHECK (state IN ('waiting', 'delivered', 'failing', 'failed')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT NOT NULL DEFAULT '',
	next_at     TEXT,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	PRIMARY KEY (activity_id, inbox)
);
CREATE INDEX ap_deliveries_post ON ap_deliveries (post_id, host);

-- Remote hosts that failed to answer. failing_since is when the current run of failures
-- began (NULL while it answers); dead_at is when that run outlasted the configured limit, after
-- which deliveries stop but for one probe every probe interval (probed_at), until the host
-- answers a probe or posts to our inbox.
CREATE TABLE ap_hosts (
	host          TEXT PRIMARY KEY,
	failing_since TEXT,
	dead_at       TEXT,
	probed_at     TEXT,
	last_error    TEXT NOT NULL DEFAULT '',
	updated_at    TEXT NOT NULL
);
