-- Proven prior approval and an atomic comment path (issue 8). Keep in step with
-- postgres/0009_commenter_proof.sql.
--
-- commenter_key is the hex SHA-256 of the random secret the server set in the commenter's
-- cookie when they wrote the comment ('' for imports, signed-in users' API comments and old
-- rows). A moderator approving a comment thereby approves the key for that e-mail address;
-- only the hash is kept, so a leaked database cannot be replayed as a cookie.
-- moderation_reason is why the comment was held or marked spam, for the moderation queue.
ALTER TABLE comments ADD COLUMN commenter_key TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN moderation_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX comments_commenter_key ON comments (commenter_key, status);
CREATE INDEX comments_user_status ON comments (user_id, status);

-- Comment-form stamps already used: a stamp is accepted once, and its row can go once the
-- stamp has expired anyway.
CREATE TABLE comment_stamps (
	nonce_hash TEXT PRIMARY KEY NOT NULL, -- hex SHA-256 of the stamp's random nonce
	expires_at TEXT NOT NULL
);
CREATE INDEX comment_stamps_expires ON comment_stamps (expires_at);
