-- Search follows the site language (issue 13). Keep in step with sqlite/0027_search_language.sql.
--
-- posts_fts_language records the language the index was built in and, here, the text-search
-- configuration that language uses (broadside.TextSearchConfig: french, german, spanish …,
-- simple for languages a stock PostgreSQL does not stem, such as Persian and Chinese). Indexing
-- and searching both read it, so a query is always stemmed the way the index was; changing the
-- site language enqueues a job that rebuilds the index and updates this row in one transaction
-- (internal/search, JobReindex).
CREATE TABLE posts_fts_language (
	id       integer PRIMARY KEY CHECK (id = 1),
	language text NOT NULL,
	config   text NOT NULL
);
INSERT INTO posts_fts_language (id, language, config) VALUES (1, 'en', 'english');

CREATE FUNCTION broadside_search_config() RETURNS regconfig
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT COALESCE((SELECT c.oid::regconfig FROM posts_fts_language l
		JOIN pg_ts_config c ON c.cfgname = l.config AND c.cfgnamespace = 'pg_catalog'::regnamespace
		WHERE l.id = 1), 'simple'::regconfig)
$$;

-- broadside_search_text is broadside.SearchIndexText (searchquery.go) for the short fields the
-- triggers read here (title, excerpt, category and tag names): lowercase words separated by
-- spaces, every ideograph and kana a word of its own (Chinese has no spaces between words, so
-- "选举" is then found as the phrase "选 举"), Arabic yeh and kaf folded to the Persian letters,
-- the zero-width non-joiner and punctuation made spaces. The body's text is computed in Go
-- (posts.search_body) and needs none of this. A test (TestSearchTextSQLAgreesWithGo) holds the
-- two to the same answers. The character classes are spelt out because under the C locale
-- PostgreSQL's classes know only ASCII.
CREATE FUNCTION broadside_search_text(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT btrim(regexp_replace(regexp_replace(regexp_replace(
		translate(lower(COALESCE(t, '')), U&'\064A\0649\0643', U&'\06CC\06CC\06A9'),
		'[!-/:-@\[-`{-~\u00a0-\u00a9\u00ab-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7\u2000-\u206f\u2e00-\u2e7f\u3000-\u3004\u3008-\u3020\u3030\u303d-\u303f\u30a0\u30fb\ufe10-\ufe6f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u060c\u061b\u061f\u066a-\u066d\u06d4]', ' ', 'g'),
		'([\u3040-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f])', ' \1 ', 'g'),
		'[[:space:]]+', ' ', 'g'))
$$;

-- The configuration is read once per post, not once per field.
CREATE OR REPLACE FUNCTION broadside_post_content(title text, excerpt text, search_body text) RETURNS tsvector
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT setweight(to_tsvector(cfg, broadside_search_text(title)), 'A')
		|| setweight(to_tsvector(cfg, broadside_search_text(excerpt)), 'C')
		|| setweight(to_tsvector(cfg, COALESCE(search_body, '')), 'D')
	FROM broadside_search_config() cfg
$$;

CREATE OR REPLACE FUNCTION broadside_post_terms(pid bigint) RETURNS tsvector
LANGUAGE sql STABLE AS $$
	SELECT setweight(to_tsvector(broadside_search_config(), broadside_search_text(COALESCE(string_agg(name, ' '), ''))), 'B') FROM (
		SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = pid
		UNION ALL
		SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = pid
	) n
$$;

-- The body's search text is now SearchIndexText of what it was: the store computes it again
-- in Go after migrating (Store.Migrate fills NULLs), and the trigger reindexes each post.
UPDATE posts SET search_body = NULL;
