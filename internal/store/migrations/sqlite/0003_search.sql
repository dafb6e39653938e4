-- Full-text search over posts and pages (SQLite FTS5). Keep it in step with
-- postgres/0003_search.sql: both index the same text with the same weights, and both are kept
-- in sync by triggers, so every write (the editor, imports, the REST API, a future tool) updates
-- the index in the same transaction without the writer knowing about it.
--
-- posts_fts stores its own copy of the indexed text: updating one column (the category and
-- tag names) is then a plain UPDATE. Columns and their bm25 weights (store/search.go):
-- title 10, terms (category and tag names) 5, excerpt 2, body 1. The body is indexed as plain
-- text: broadside_plaintext(raw_body, body_format) is a Go function the store registers with
-- the driver (store/search_text.go) that drops tags, comments and Markdown link targets, so
-- "strong" or "paragraph" do not match every imported post. A tool other than Broadside that
-- writes to posts must provide that function; reading needs nothing.
--
-- Every post is indexed, whatever its status: who may see a result is decided when searching.
-- The search index tables (posts_fts*) differ by design between dialects; the schema parity
-- test ignores them.

CREATE VIRTUAL TABLE posts_fts USING fts5(
	title, terms, excerpt, body,
	tokenize = 'porter unicode61 remove_diacritics 2'
);

-- The category and tag names of each post, space-separated: for indexing every post at once.
-- (SQLite does not push a post_id condition into this aggregate, so the per-post triggers
-- below use the correlated form instead.)
CREATE VIEW post_search_terms AS
SELECT post_id, group_concat(name, ' ') AS terms FROM (
	SELECT pc.post_id, c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id
	UNION ALL
	SELECT pt.post_id, t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
) GROUP BY post_id;

CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
	INSERT INTO posts_fts (rowid, title, terms, excerpt, body)
	VALUES (new.id, new.title, COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = new.id
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = new.id)), ''),
		new.raw_excerpt, broadside_plaintext(new.raw_body, new.body_format));
END;

-- Only the indexed columns: comment counts and status changes do not touch the index.
CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, raw_body, raw_excerpt, body_format ON posts BEGIN
	DELETE FROM posts_fts WHERE rowid = old.id;
	INSERT INTO posts_fts (rowid, title, terms, excerpt, body)
	VALUES (new.id, new.title, COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = new.id
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = new.id)), ''),
		new.raw_excerpt, broadside_plaintext(new.raw_body, new.body_format));
END;

CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
	DELETE FROM posts_fts WHERE rowid = old.id;
END;

-- Each link change rewrites the post's index row, body included. The store writes a post's links
-- in a batch: it holds the post in posts_fts_hold meanwhile, the triggers below skip it, and the
-- store updates the terms once at the end (store/search.go, holdSearchTerms). Other writers
-- get the triggers.
CREATE TABLE posts_fts_hold (post_id INTEGER PRIMARY KEY);

CREATE TRIGGER post_categories_fts_insert AFTER INSERT ON post_categories
WHEN NOT EXISTS (SELECT 1 FROM posts_fts_hold WHERE post_id = new.post_id) BEGIN
	UPDATE posts_fts SET terms = COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = new.post_id
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = new.post_id)), '')
	WHERE rowid = new.post_id;
END;

CREATE TRIGGER post_categories_fts_delete AFTER DELETE ON post_categories
WHEN NOT EXISTS (SELECT 1 FROM posts_fts_hold WHERE post_id = old.post_id) BEGIN
	UPDATE posts_fts SET terms = COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = old.post_id
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = old.post_id)), '')
	WHERE rowid = old.post_id;
END;

CREATE TRIGGER post_tags_fts_insert AFTER INSERT ON post_tags
WHEN NOT EXISTS (SELECT 1 FROM posts_fts_hold WHERE post_id = new.post_id) BEGIN
	UPDATE posts_fts SET terms = COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = new.post_id
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = new.post_id)), '')
	WHERE rowid = new.post_id;
END;

CREATE TRIGGER post_tags_fts_delete AFTER DELETE ON post_tags
WHEN NOT EXISTS (SELECT 1 FROM posts_fts_hold WHERE post_id = old.post_id) BEGIN
	UPDATE posts_fts SET terms = COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = old.post_id
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = old.post_id)), '')
	WHERE rowid = old.post_id;
END;

CREATE TRIGGER categories_fts_rename AFTER UPDATE OF name ON categories WHEN old.name IS NOT new.name BEGIN
	UPDATE posts_fts SET terms = COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = posts_fts.rowid
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = posts_fts.rowid)), '')
	WHERE rowid IN (SELECT post_id FROM post_categories WHERE category_id = new.id);
END;

CREATE TRIGGER tags_fts_rename AFTER UPDATE OF name ON tags WHEN old.name IS NOT new.name BEGIN
	UPDATE posts_fts SET terms = COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = posts_fts.rowid
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = posts_fts.rowid)), '')
	WHERE rowid IN (SELECT post_id FROM post_tags WHERE tag_id = new.id);
END;

-- Index what is already there (the same statement as `broadside search rebuild`).
INSERT INTO posts_fts (rowid, title, terms, excerpt, body)
SELECT p.id, p.title, COALESCE(t.terms, ''), p.raw_excerpt, broadside_plaintext(p.raw_body, p.body_format)
FROM posts p LEFT JOIN post_search_terms t ON t.post_id = p.id;
