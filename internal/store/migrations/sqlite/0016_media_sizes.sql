-- The resized copies processing makes of an uploaded image (broadside.MediaSize): WordPress's
-- sizes and a WebP twin of each, stored in the media storage under storage_key. They belong
-- to their media row and go with it. process_state / process_error on media tell Admin →
-- Media whether the processing job is still to run, done, or failed (and why).
-- Keep in step with postgres/0016_media_sizes.sql.
CREATE TABLE media_sizes (
	media_id    INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
	name        TEXT NOT NULL,
	storage_key TEXT NOT NULL UNIQUE,
	mime_type   TEXT NOT NULL,
	width       INTEGER NOT NULL,
	height      INTEGER NOT NULL,
	size        INTEGER NOT NULL,
	PRIMARY KEY (media_id, name, mime_type)
);
ALTER TABLE media ADD COLUMN process_state TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN process_error TEXT NOT NULL DEFAULT '';
