-- WordPress's featured_media on posts (the id of a media library file, 0 for none; the
-- featured image URL and alt text stay the renderer's source and are kept in step by the
-- posts service), and an attachment's parent post (WordPress's post_parent, the REST API's
-- "post" field of wp/v2/media; NULL when unattached). Keep in step with postgres/0018_featured_media.sql.
ALTER TABLE posts ADD COLUMN featured_media INTEGER NOT NULL DEFAULT 0;
ALTER TABLE media ADD COLUMN post_id INTEGER REFERENCES posts (id) ON DELETE SET NULL;
CREATE INDEX media_post ON media (post_id);
