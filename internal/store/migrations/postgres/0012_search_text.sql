-- The body's search text is computed once, in Go (store/search_text.go, SearchText), stored in
-- posts.search_body by the store with every write of the body, and indexed from there on both
-- databases. Before, this database computed it again in SQL (broadside_plaintext), differently:
-- HTML entities became spaces, so "caf&eacute;" was not found by "café". NULL means not
-- computed yet: the store fills it in Go after migrating (Store.Migrate), which reindexes those
-- posts through the trigger. Keep in step with sqlite/0012_search_text.sql.
ALTER TABLE posts ADD COLUMN search_body text;
-- Finds the posts still to fill at startup without reading every post (it is empty otherwise).
CREATE INDEX posts_search_pending ON posts (id) WHERE search_body IS NULL;

DROP TRIGGER posts_fts_write ON posts;
DROP FUNCTION broadside_post_content(text, text, text, text);
DROP FUNCTION broadside_plaintext(text, text);

CREATE FUNCTION broadside_post_content(title text, excerpt text, search_body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT setweight(to_tsvector('english', title), 'A')
		|| setweight(to_tsvector('english', excerpt), 'C')
		|| setweight(to_tsvector('english', COALESCE(search_body, '')), 'D')
$$;

CREATE OR REPLACE FUNCTION broadside_posts_fts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO posts_fts (post_id, content, terms)
	VALUES (NEW.id, broadside_post_content(NEW.title, NEW.raw_excerpt, NEW.search_body), broadside_post_terms(NEW.id))
	ON CONFLICT (post_id) DO UPDATE SET content = EXCLUDED.content;
	RETURN NULL;
END
$$;

-- Only the indexed columns: comment counts and status changes do not touch the index.
CREATE TRIGGER posts_fts_write AFTER INSERT OR UPDATE OF title, raw_excerpt, search_body ON posts
FOR EACH ROW EXECUTE FUNCTION broadside_posts_fts();
