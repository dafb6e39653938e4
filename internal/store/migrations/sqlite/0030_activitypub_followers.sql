-- ActivityPub followers (issue 14). Keep in step with postgres/0030_activitypub_followers.sql.

-- Remote actors following one of our actors. status is 'accepted', or 'pending' while the
-- publisher holds follows for approval. shared_inbox is '' when the remote server has none;
-- deliveries go to it when it exists, once per server. follow_id is the id of the Follow
-- activity, echoed in our Accept.
CREATE TABLE ap_followers (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	actor        TEXT NOT NULL,
	follower_id  TEXT NOT NULL,
	inbox        TEXT NOT NULL,
	shared_inbox TEXT NOT NULL DEFAULT '',
	follow_id    TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL CHECK (status IN ('accepted', 'pending')),
	created_at   TEXT NOT NULL,
	UNIQUE (actor, follower_id)
);
CREATE INDEX ap_followers_follower ON ap_followers (follower_id);
