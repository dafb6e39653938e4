-- The body's search text is computed once, in Go (store/search_text.go, SearchText), stored in
-- posts.search_body by the store with every write of the body, and indexed from there on both
-- databases. Before, PostgreSQL computed it again in SQL, differently (HTML entities became
-- spaces, so "caf&eacute;" was not found by "café"). NULL means not computed yet: the store
-- fills it in Go after migrating (Store.Migrate), which reindexes those posts through the
-- update trigger. Keep in step with postgres/0012_search_text.sql.
ALTER TABLE posts ADD COLUMN search_body TEXT;
-- Finds the posts still to fill at startup without reading every post (it is empty otherwise).
CREATE INDEX posts_search_pending ON posts (id) WHERE search_body IS NULL;

DROP TRIGGER posts_fts_insert;
DROP TRIGGER posts_fts_update;

CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
	INSERT INTO posts_fts (rowid, title, terms, excerpt, body)
	VALUES (new.id, new.title, COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = new.id
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = new.id)), ''),
		new.raw_excerpt, COALESCE(new.search_body, ''));
END;

-- Only the indexed columns: comment counts and status changes do not touch the index.
CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, raw_excerpt, search_body ON posts BEGIN
	DELETE FROM posts_fts WHERE rowid = old.id;
	INSERT INTO posts_fts (rowid, title, terms, excerpt, body)
	VALUES (new.id, new.title, COALESCE((SELECT group_concat(name, ' ') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = new.id
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = new.id)), ''),
		new.raw_excerpt, COALESCE(new.search_body, ''));
END;
