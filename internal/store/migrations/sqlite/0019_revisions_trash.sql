-- Revisions, autosaves, the trash and shared preview links of posts and pages. Keep in step
-- with postgres/0019_revisions_trash.sql.

-- Every save of a post's title, body or excerpt keeps a revision (kind 'revision'); an
-- autosave (kind 'autosave', at most one per post and author, as WordPress keeps it) holds
-- unsaved edits without touching the post. author_id survives its user's removal as NULL.
CREATE TABLE post_revisions (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('revision', 'autosave')),
	title       TEXT NOT NULL DEFAULT '',
	raw_body    TEXT NOT NULL DEFAULT '',
	raw_excerpt TEXT NOT NULL DEFAULT '',
	body_format TEXT NOT NULL DEFAULT 'markdown',
	created_at  TEXT NOT NULL
);
CREATE INDEX post_revisions_post ON post_revisions (post_id, kind, id);
CREATE UNIQUE INDEX post_revisions_one_autosave ON post_revisions (post_id, author_id) WHERE kind = 'autosave';

-- A trashed post has status 'trash'; this row remembers the status to restore and when it
-- was trashed (the purge job deletes it 30 days later).
CREATE TABLE post_trash (
	post_id         INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
	previous_status TEXT NOT NULL,
	trashed_at      TEXT NOT NULL
);
CREATE INDEX post_trash_at ON post_trash (trashed_at);

-- The one live shared preview link of an unpublished post: the signed link carries nonce,
-- so revoking (deleting the row) or sharing anew ends the old link.
CREATE TABLE post_previews (
	post_id    INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
	nonce      TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	created_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);
