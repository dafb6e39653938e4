-- Mail that never mis-bounces (issue 8). Keep in step with sqlite/0007_mail_trust.sql.

-- A newsletter pauses itself when the mail server refuses everything (the sender, the login,
-- or a run of failures that no recipient caused); it waits for the publisher to resume it.
-- last_error holds the server's answer. NULL: not paused.
ALTER TABLE newsletters ADD COLUMN paused_at timestamptz;

-- When and by which newsletter (post id) an address was suspended after repeated bounces,
-- so that suspensions can be lifted in bulk (all those one newsletter suspended, or since a
-- date). No foreign key: the record outlives a deleted post.
ALTER TABLE subscribers ADD COLUMN suspended_at timestamptz;
ALTER TABLE subscribers ADD COLUMN suspended_by bigint;
CREATE INDEX subscribers_suspended ON subscribers (status, suspended_by, suspended_at);
