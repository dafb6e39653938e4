-- The resized copies processing makes of an uploaded image (broadside.MediaSize): WordPress's
-- sizes and a WebP twin of each, stored in the media storage under storage_key. They belong
-- to their media row and go with it. process_state / process_error on media tell Admin →
-- Media whether the processing job is still to run, done, or failed (and why).
-- Keep in step with sqlite/0016_media_sizes.sql.
CREATE TABLE media_sizes (
	media_id    bigint NOT NULL REFERENCES media (id) ON DELETE CASCADE,
	name        text NOT NULL,
	storage_key text NOT NULL UNIQUE,
	mime_type   text NOT NULL,
	width       integer NOT NULL,
	height      integer NOT NULL,
	size        bigint NOT NULL,
	PRIMARY KEY (media_id, name, mime_type)
);
ALTER TABLE media ADD COLUMN process_state text NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN process_error text NOT NULL DEFAULT '';
