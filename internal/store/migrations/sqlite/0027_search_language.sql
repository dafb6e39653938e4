-- Search follows the site language (issue 13). Keep in step with postgres/0027_search_language.sql.
--
-- posts_fts_language records the language the index was built in (and the PostgreSQL text
-- search configuration it maps to, unused here: FTS5 has one stemmer, porter, which this index
-- keeps for every language). Changing the site language enqueues a job that rebuilds the index
-- and updates this row (internal/search, JobReindex).
CREATE TABLE posts_fts_language (
	id       INTEGER PRIMARY KEY CHECK (id = 1),
	language TEXT NOT NULL,
	config   TEXT NOT NULL
);
INSERT INTO posts_fts_language (id, language, config) VALUES (1, 'en', 'english');

-- Every indexed text now goes through broadside.SearchIndexText (searchquery.go): the store
-- registers it with the driver as broadside_search_text (store/search_text.go) for the title,
-- excerpt and names, and stores the body's already so (posts.search_body). It makes every
-- ideograph and kana a word of its own, so Chinese, written without spaces, is found by its
-- words as phrases of characters; and it folds Arabic letters to their Persian forms.
DROP TRIGGER posts_fts_insert;
DROP TRIGGER posts_fts_update;
DROP TRIGGER post_categories_fts_insert;
DROP TRIGGER post_categories_fts_delete;
DROP TRIGGER post_tags_fts_insert;
DROP TRIGGER post_tags_fts_delete;
DROP TRIGGER categories_fts_rename;
DROP TRIGGER tags_fts_rename;

CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
	INSERT INTO posts_fts (rowid, title, terms, excerpt, body)
	VALUES (new.id, broadside_search_text(new.title), broadside_search_text(COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = new.id
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = new.id)), '')),
		broadside_search_text(new.raw_excerpt), COALESCE(new.search_body, ''));
END;

-- Only the indexed columns: comment counts and status changes do not touch the index.
CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, raw_excerpt, search_body ON posts BEGIN
	DELETE FROM posts_fts WHERE rowid = old.id;
	INSERT INTO posts_fts (rowid, title, terms, excerpt, body)
	VALUES (new.id, broadside_search_text(new.title), broadside_search_text(COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = new.id
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = new.id)), '')),
		broadside_search_text(new.raw_excerpt), COALESCE(new.search_body, ''));
END;

CREATE TRIGGER post_categories_fts_insert AFTER INSERT ON post_categories
WHEN NOT EXISTS (SELECT 1 FROM posts_fts_hold WHERE post_id = new.post_id) BEGIN
	UPDATE posts_fts SET terms = broadside_search_text(COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = new.post_id
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = new.post_id)), ''))
	WHERE rowid = new.post_id;
END;

CREATE TRIGGER post_categories_fts_delete AFTER DELETE ON post_categories
WHEN NOT EXISTS (SELECT 1 FROM posts_fts_hold WHERE post_id = old.post_id) BEGIN
	UPDATE posts_fts SET terms = broadside_search_text(COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = old.post_id
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = old.post_id)), ''))
	WHERE rowid = old.post_id;
END;

CREATE TRIGGER post_tags_fts_insert AFTER INSERT ON post_tags
WHEN NOT EXISTS (SELECT 1 FROM posts_fts_hold WHERE post_id = new.post_id) BEGIN
	UPDATE posts_fts SET terms = broadside_search_text(COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = new.post_id
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = new.post_id)), ''))
	WHERE rowid = new.post_id;
END;

CREATE TRIGGER post_tags_fts_delete AFTER DELETE ON post_tags
WHEN NOT EXISTS (SELECT 1 FROM posts_fts_hold WHERE post_id = old.post_id) BEGIN
	UPDATE posts_fts SET terms = broadside_search_text(COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = old.post_id
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = old.post_id)), ''))
	WHERE rowid = old.post_id;
END;

CREATE TRIGGER categories_fts_rename AFTER UPDATE OF name ON categories WHEN old.name IS NOT new.name BEGIN
	UPDATE posts_fts SET terms = broadside_search_text(COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = posts_fts.rowid
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = posts_fts.rowid)), ''))
	WHERE rowid IN (SELECT post_id FROM post_categories WHERE category_id = new.id);
END;

CREATE TRIGGER tags_fts_rename AFTER UPDATE OF name ON tags WHEN old.name IS NOT new.name BEGIN
	UPDATE posts_fts SET terms = broadside_search_text(COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = posts_fts.rowid
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = posts_fts.rowid)), ''))
	WHERE rowid IN (SELECT post_id FROM post_tags WHERE tag_id = new.id);
END;

-- The body's search text is now SearchIndexText of what it was: the store computes it again in
-- Go after migrating (Store.Migrate fills NULLs), and the update trigger reindexes each post.
UPDATE posts SET search_body = NULL;
