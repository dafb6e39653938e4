-- Full-text search over posts and pages (PostgreSQL text search). Keep it in step with
-- sqlite/0003_search.sql: both index the same text with the same weights, and both are kept
-- in sync by triggers, so every write (the editor, imports, the REST API, a future tool) updates
-- the index in the same transaction without the writer knowing about it.
--
-- posts_fts holds two vectors per post: content (title weight A, excerpt C, body D) and terms
-- (category and tag names, weight B), searched together through one GIN expression index.
-- Keeping the names apart means linking a tag or renaming a category recomputes only the small
-- terms vector, never the body's. The body is indexed as plain text (tags, comments, scripts,
-- styles and Markdown link targets removed; entities become spaces), so "strong" or
-- "paragraph" do not match every imported post.
--
-- Every post is indexed, whatever its status: who may see a result is decided when searching.
-- The search index tables (posts_fts*) differ by design between dialects; the schema parity
-- test ignores them.

CREATE FUNCTION broadside_plaintext(body text, format text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT regexp_replace(regexp_replace(regexp_replace(regexp_replace(
		CASE WHEN format = 'markdown' THEN regexp_replace(body, '\]\([^)]*\)', ']', 'g') ELSE body END,
		'<(script|style)\y[^>]*?>.*?</\1\s*>', ' ', 'gi'),
		'<!--.*?-->', ' ', 'g'),
		'<[^>]*>', ' ', 'g'),
		'&#?[0-9A-Za-z]+;', ' ', 'g')
$$;

CREATE FUNCTION broadside_post_content(title text, excerpt text, body text, format text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT setweight(to_tsvector('english', title), 'A')
		|| setweight(to_tsvector('english', excerpt), 'C')
		|| setweight(to_tsvector('english', broadside_plaintext(body, format)), 'D')
$$;

CREATE FUNCTION broadside_post_terms(pid bigint) RETURNS tsvector
LANGUAGE sql STABLE AS $$
	SELECT setweight(to_tsvector('english', COALESCE(string_agg(name, ' '), '')), 'B') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = pid
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = pid
	) n
$$;

CREATE TABLE posts_fts (
	post_id bigint PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
	content tsvector NOT NULL,
	terms   tsvector NOT NULL
);
CREATE INDEX posts_fts_document ON posts_fts USING GIN ((content || terms));

CREATE FUNCTION broadside_posts_fts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO posts_fts (post_id, content, terms)
	VALUES (NEW.id, broadside_post_content(NEW.title, NEW.raw_excerpt, NEW.raw_body, NEW.body_format),
		broadside_post_terms(NEW.id))
	ON CONFLICT (post_id) DO UPDATE SET content = EXCLUDED.content;
	RETURN NULL;
END
$$;

-- Only the indexed columns: comment counts and status changes do not touch the index.
CREATE TRIGGER posts_fts_write AFTER INSERT OR UPDATE OF title, raw_body, raw_excerpt, body_format ON posts
FOR EACH ROW EXECUTE FUNCTION broadside_posts_fts();

CREATE FUNCTION broadside_post_links_fts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	pid bigint;
BEGIN
	IF TG_OP = 'DELETE' THEN
		pid := OLD.post_id;
	ELSE
		pid := NEW.post_id;
	END IF;
	UPDATE posts_fts SET terms = broadside_post_terms(pid) WHERE post_id = pid;
	RETURN NULL;
END
$$;

CREATE TRIGGER post_categories_fts AFTER INSERT OR DELETE ON post_categories
FOR EACH ROW EXECUTE FUNCTION broadside_post_links_fts();
CREATE TRIGGER post_tags_fts AFTER INSERT OR DELETE ON post_tags
FOR EACH ROW EXECUTE FUNCTION broadside_post_links_fts();

CREATE FUNCTION broadside_term_rename_fts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_TABLE_NAME = 'categories' THEN
		UPDATE posts_fts SET terms = broadside_post_terms(post_id)
		WHERE post_id IN (SELECT pc.post_id FROM post_categories pc WHERE pc.category_id = NEW.id);
	ELSE
		UPDATE posts_fts SET terms = broadside_post_terms(post_id)
		WHERE post_id IN (SELECT pt.post_id FROM post_tags pt WHERE pt.tag_id = NEW.id);
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER categories_fts_rename AFTER UPDATE OF name ON categories
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION broadside_term_rename_fts();
CREATE TRIGGER tags_fts_rename AFTER UPDATE OF name ON tags
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION broadside_term_rename_fts();

-- Index what is already there (the same statement as `broadside search rebuild`).
INSERT INTO posts_fts (post_id, content, terms)
SELECT p.id, broadside_post_content(p.title, p.raw_excerpt, p.raw_body, p.body_format), broadside_post_terms(p.id)
FROM posts p;
