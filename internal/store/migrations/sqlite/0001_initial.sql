-- Broadside's initial schema for SQLite. Keep it in step with postgres/0001_initial.sql: a test
-- checks both dialects end with the same tables, columns and nullability.
-- Times are UTC text in a fixed-width format (2006-01-02T15:04:05.000000Z) so that text order is
-- time order; booleans are INTEGER 0/1. AUTOINCREMENT keeps ids of deleted rows from being reused
-- (a permalink with %post_id% must never point at another post).

CREATE TABLE users (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	email         TEXT NOT NULL UNIQUE, -- stored lowercased
	login         TEXT NOT NULL UNIQUE,
	display_name  TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL
);

CREATE TABLE posts (
	id                 INTEGER PRIMARY KEY AUTOINCREMENT,
	type               TEXT NOT NULL,
	author_id          INTEGER NOT NULL REFERENCES users (id),
	parent_id          INTEGER, -- pages: the parent page; no foreign key so imports may arrive in any order
	title              TEXT NOT NULL DEFAULT '',
	slug               TEXT NOT NULL,
	raw_body           TEXT NOT NULL DEFAULT '',
	body_format        TEXT NOT NULL DEFAULT 'markdown',
	raw_excerpt        TEXT NOT NULL DEFAULT '',
	status             TEXT NOT NULL,
	published_at       TEXT,
	created_at         TEXT NOT NULL,
	updated_at         TEXT NOT NULL,
	featured_image_url TEXT NOT NULL DEFAULT '',
	featured_image_alt TEXT NOT NULL DEFAULT '',
	comments_open      INTEGER NOT NULL DEFAULT 1,
	comment_count      INTEGER NOT NULL DEFAULT 0,
	UNIQUE (type, slug)
);
CREATE INDEX posts_type_status_published ON posts (type, status, published_at DESC);
CREATE INDEX posts_author ON posts (author_id);
CREATE INDEX posts_parent ON posts (parent_id);

CREATE TABLE categories (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	parent_id   INTEGER,
	name        TEXT NOT NULL,
	slug        TEXT NOT NULL UNIQUE,
	description TEXT NOT NULL DEFAULT ''
);
INSERT INTO categories (name, slug, description) VALUES ('Uncategorized', 'uncategorized', '');

CREATE TABLE tags (
	id   INTEGER PRIMARY KEY AUTOINCREMENT,
	name TEXT NOT NULL,
	slug TEXT NOT NULL UNIQUE
);

CREATE TABLE post_categories (
	post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	category_id INTEGER NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
	PRIMARY KEY (post_id, category_id)
);
CREATE INDEX post_categories_category ON post_categories (category_id);

CREATE TABLE post_tags (
	post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	tag_id  INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
	PRIMARY KEY (post_id, tag_id)
);
CREATE INDEX post_tags_tag ON post_tags (tag_id);

CREATE TABLE comments (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	post_id      INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	parent_id    INTEGER, -- NULL for top level; no foreign key so imports may arrive in any order
	user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
	kind         TEXT NOT NULL DEFAULT 'comment',
	author_name  TEXT NOT NULL DEFAULT '',
	author_email TEXT NOT NULL DEFAULT '',
	author_url   TEXT NOT NULL DEFAULT '',
	author_ip    TEXT NOT NULL DEFAULT '',
	user_agent   TEXT NOT NULL DEFAULT '',
	raw_body     TEXT NOT NULL,
	status       TEXT NOT NULL,
	created_at   TEXT NOT NULL
);
CREATE INDEX comments_thread ON comments (post_id, status, created_at, id);
CREATE INDEX comments_status ON comments (status, created_at);
CREATE INDEX comments_author_email ON comments (lower(author_email), status);
CREATE INDEX comments_ip ON comments (author_ip, created_at);
CREATE INDEX comments_parent ON comments (parent_id);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY NOT NULL,
	value TEXT NOT NULL
);

CREATE TABLE sessions (
	token_hash   TEXT PRIMARY KEY NOT NULL,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at   TEXT NOT NULL,
	expires_at   TEXT NOT NULL,
	last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE tokens (
	hash       TEXT PRIMARY KEY NOT NULL,
	purpose    TEXT NOT NULL,
	user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
	email      TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at    TEXT
);
CREATE INDEX tokens_expires ON tokens (expires_at);

CREATE TABLE jobs (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	kind         TEXT NOT NULL,
	payload      TEXT NOT NULL DEFAULT '',
	unique_key   TEXT UNIQUE, -- cleared when the job finishes so the key can be used again
	run_at       TEXT NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	max_attempts INTEGER NOT NULL DEFAULT 0,
	last_error   TEXT NOT NULL DEFAULT '',
	locked_by    TEXT NOT NULL DEFAULT '',
	locked_until TEXT,
	status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL
);
CREATE INDEX jobs_status_run_at ON jobs (status, run_at);

CREATE TABLE rate_counters (
	key          TEXT NOT NULL,
	window_start TEXT NOT NULL,
	count        INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_counters_window ON rate_counters (window_start);
