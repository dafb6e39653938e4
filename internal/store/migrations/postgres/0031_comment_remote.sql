-- Comments that arrived over ActivityPub (a fediverse reply) remember the remote Note's id, so
-- an Update or Delete of that Note finds its comment and a second delivery of the same Create
-- is not a second comment; the remote author's actor id (for replying back, blocks) and handle
-- (@user@host, shown to moderators and readers). All three are empty for comments written on
-- this site. Keep in step with sqlite/0031_comment_remote.sql.
ALTER TABLE comments ADD COLUMN remote_id text NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN remote_actor text NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN remote_handle text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX comments_remote_id ON comments (remote_id) WHERE remote_id <> '';
CREATE INDEX comments_remote_actor ON comments (remote_actor) WHERE remote_actor <> '';
