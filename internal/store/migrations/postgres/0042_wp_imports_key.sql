-- wp_imports keyed (kind, wp_id, source) (issue 11, goal 6). Its primary key was (source,
-- kind, wp_id), with wp_imports_wp_id (kind, wp_id) and wp_imports_local (kind, local_id),
-- which no query reads: an import wrote every row into four structures. Keyed by kind and
-- id first, the primary key answers an old link (store.ResolveWPID) as well as a lookup by
-- the whole key; store.HasWPImports, once per import, reads the table until a row of its
-- source. (PostgreSQL keeps rows in a heap beside the key: SQLite's WITHOUT ROWID has no
-- equivalent here.) Keep in step with sqlite/0042_wp_imports_key.sql.
ALTER TABLE wp_imports DROP CONSTRAINT wp_imports_pkey;
ALTER TABLE wp_imports ADD PRIMARY KEY (kind, wp_id, source);
DROP INDEX wp_imports_wp_id;
DROP INDEX wp_imports_local;
