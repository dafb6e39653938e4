-- wp_imports as one B-tree keyed (kind, wp_id, source) (issue 11, goal 6). It was a rowid
-- table with its primary key (source, kind, wp_id) as a second B-tree, that key's columns
-- again in wp_imports_wp_id (kind, wp_id), and wp_imports_local (kind, local_id), which no
-- query reads: an import wrote every row into four B-trees (two of them built after its
-- rows were in). Keyed by kind and id first, the table itself answers an old link
-- (store.ResolveWPID) as well as a lookup by the whole key; store.HasWPImports, once per
-- import, reads it in order until a row of its source. WITHOUT ROWID stores each row in
-- the key's B-tree. Keep in step with postgres/0042_wp_imports_key.sql.
CREATE TABLE wp_imports_new (
	source      TEXT NOT NULL,
	kind        TEXT NOT NULL,
	wp_id       INTEGER NOT NULL,
	local_id    INTEGER NOT NULL,
	guid        TEXT NOT NULL DEFAULT '',
	imported_at TEXT NOT NULL,
	PRIMARY KEY (kind, wp_id, source)
) WITHOUT ROWID;
INSERT INTO wp_imports_new (source, kind, wp_id, local_id, guid, imported_at)
	SELECT source, kind, wp_id, local_id, guid, imported_at FROM wp_imports;
DROP TABLE wp_imports;
ALTER TABLE wp_imports_new RENAME TO wp_imports;
