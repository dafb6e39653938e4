-- Files uploaded to this site (Admin → Media, broadside.Media). The bytes live in the media
-- storage under storage_key (YYYY/MM/name-suffix.ext); mime_type was decided from the bytes.
-- Imported WordPress attachments stay in attachments. Keep in step with postgres/0013_media.sql.
CREATE TABLE media (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	author_id   INTEGER NOT NULL REFERENCES users (id),
	file_name   TEXT NOT NULL,
	storage_key TEXT NOT NULL UNIQUE,
	mime_type   TEXT NOT NULL,
	size        INTEGER NOT NULL,
	width       INTEGER NOT NULL DEFAULT 0,
	height      INTEGER NOT NULL DEFAULT 0,
	title       TEXT NOT NULL DEFAULT '',
	alt         TEXT NOT NULL DEFAULT '',
	caption     TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL
);
CREATE INDEX media_created ON media (created_at, id);
CREATE INDEX media_author ON media (author_id, created_at);
