-- Likes and boosts (Announce) of our posts from the fediverse (issue 14). Keep in step with
-- postgres/0032_activitypub_reactions.sql.

-- One row per remote actor and kind on a post: a second Like by the same actor counts once.
-- activity_id is the Like or Announce's id, which its Undo names. actor_name, actor_handle
-- and actor_icon are what the activity told of its actor (empty when it named only the id).
CREATE TABLE ap_reactions (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	post_id      INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	kind         TEXT NOT NULL CHECK (kind IN ('like', 'announce')),
	actor_id     TEXT NOT NULL,
	activity_id  TEXT NOT NULL UNIQUE,
	actor_name   TEXT NOT NULL DEFAULT '',
	actor_handle TEXT NOT NULL DEFAULT '',
	actor_icon   TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	UNIQUE (post_id, kind, actor_id)
);
CREATE INDEX ap_reactions_actor ON ap_reactions (actor_id);
