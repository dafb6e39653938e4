-- Email subscriptions, newsletters and subscriber-only posts (issue #4). Keep in step with
-- postgres/0004_subscribers.sql.

-- subscribers_only: visitors see the teaser only. send_newsletter: mail the post to confirmed
-- subscribers when it is first published (0 for every existing post: nothing old is sent).
ALTER TABLE posts ADD COLUMN subscribers_only INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN send_newsletter INTEGER NOT NULL DEFAULT 0;

CREATE TABLE subscribers (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	email           TEXT NOT NULL UNIQUE, -- lowercased
	name            TEXT NOT NULL DEFAULT '',
	status          TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced')),
	source          TEXT NOT NULL DEFAULT '',
	supporter       INTEGER NOT NULL DEFAULT 0,
	bounces         INTEGER NOT NULL DEFAULT 0, -- permanent failures since the last delivery
	last_error      TEXT NOT NULL DEFAULT '',
	consent_ip      TEXT NOT NULL DEFAULT '',
	created_at      TEXT NOT NULL,
	confirmed_at    TEXT,
	unsubscribed_at TEXT,
	updated_at      TEXT NOT NULL
);
CREATE INDEX subscribers_status ON subscribers (status, id);
CREATE INDEX subscribers_created ON subscribers (created_at);

-- Reader sessions: a subscriber signed in with a magic link. Separate from the admin's
-- sessions so a reader's cookie can never grant anything in the admin; stored by hash.
CREATE TABLE reader_sessions (
	token_hash    TEXT PRIMARY KEY NOT NULL,
	subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
	created_at    TEXT NOT NULL,
	expires_at    TEXT NOT NULL,
	last_seen_at  TEXT NOT NULL
);
CREATE INDEX reader_sessions_expires ON reader_sessions (expires_at);
CREATE INDEX reader_sessions_subscriber ON reader_sessions (subscriber_id);

-- "Notify me of new comments on this post" (comment_id NULL) and "Notify me of replies to my
-- comment" (comment_id set). Double opt-in: pending until the address confirms.
CREATE TABLE comment_subscriptions (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	post_id      INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	comment_id   INTEGER REFERENCES comments (id) ON DELETE CASCADE,
	email        TEXT NOT NULL, -- lowercased
	status       TEXT NOT NULL CHECK (status IN ('pending', 'confirmed')),
	created_at   TEXT NOT NULL,
	confirmed_at TEXT
);
CREATE UNIQUE INDEX comment_subscriptions_post ON comment_subscriptions (post_id, email) WHERE comment_id IS NULL;
CREATE UNIQUE INDEX comment_subscriptions_reply ON comment_subscriptions (comment_id, email) WHERE comment_id IS NOT NULL;
CREATE INDEX comment_subscriptions_email ON comment_subscriptions (email);

-- Which address was told about which comment: a notice goes out at most once.
CREATE TABLE comment_notices (
	comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
	email      TEXT NOT NULL,
	sent_at    TEXT NOT NULL,
	PRIMARY KEY (comment_id, email)
);
CREATE INDEX comment_notices_email ON comment_notices (email);

-- One row per post sent by email: its existence is what makes a post go out once.
CREATE TABLE newsletters (
	post_id     INTEGER PRIMARY KEY NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	status      TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent')),
	recipients  INTEGER NOT NULL DEFAULT 0, -- confirmed subscribers when sending started
	last_error  TEXT NOT NULL DEFAULT '',   -- the last connection failure, for the admin
	created_at  TEXT NOT NULL,
	started_at  TEXT,
	finished_at TEXT
);

-- One row per newsletter and recipient: pending -> sending (about to hand to SMTP) -> sent,
-- or failed (5xx, or temporary failures exhausted) or skipped (no longer subscribed). A crash
-- leaves at most one row per sender in 'sending'.
CREATE TABLE newsletter_deliveries (
	post_id       INTEGER NOT NULL REFERENCES newsletters (post_id) ON DELETE CASCADE,
	subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
	status        TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
	attempts      INTEGER NOT NULL DEFAULT 0,
	last_error    TEXT NOT NULL DEFAULT '',
	next_attempt  TEXT NOT NULL,
	sent_at       TEXT,
	updated_at    TEXT NOT NULL,
	PRIMARY KEY (post_id, subscriber_id)
);
CREATE INDEX newsletter_deliveries_due ON newsletter_deliveries (post_id, status, next_attempt, subscriber_id);
CREATE INDEX newsletter_deliveries_subscriber ON newsletter_deliveries (subscriber_id);
