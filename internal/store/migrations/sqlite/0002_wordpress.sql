-- WordPress import and export (issue #3). Keep in step with postgres/0002_wordpress.sql.

-- Password-protected and sticky posts, as in WordPress. The password is a shared secret the
-- author chose for readers (WordPress stores it as written and exports it), not a login.
ALTER TABLE posts ADD COLUMN password TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN sticky INTEGER NOT NULL DEFAULT 0;

-- Media references: WordPress attachments. ids are WordPress attachment ids where free, so
-- /?attachment_id=ID keeps working.
CREATE TABLE attachments (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	parent_id  INTEGER, -- the post it belongs to; no foreign key, imports arrive in any order
	url        TEXT NOT NULL,
	file       TEXT NOT NULL DEFAULT '', -- path below the data directory's uploads/, when copied
	title      TEXT NOT NULL DEFAULT '',
	slug       TEXT NOT NULL DEFAULT '',
	alt        TEXT NOT NULL DEFAULT '',
	caption    TEXT NOT NULL DEFAULT '',
	mime_type  TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL
);
CREATE INDEX attachments_parent ON attachments (parent_id);

-- What came in from which WordPress site: re-running an import finds its rows here instead
-- of creating them again. source is the export's base site URL; kind is post, attachment,
-- comment, category, tag or author; guid is the item's <guid> (posts and attachments).
CREATE TABLE wp_imports (
	source      TEXT NOT NULL,
	kind        TEXT NOT NULL,
	wp_id       INTEGER NOT NULL,
	local_id    INTEGER NOT NULL,
	guid        TEXT NOT NULL DEFAULT '',
	imported_at TEXT NOT NULL,
	PRIMARY KEY (source, kind, wp_id)
);
CREATE INDEX wp_imports_wp_id ON wp_imports (kind, wp_id);
CREATE INDEX wp_imports_local ON wp_imports (kind, local_id);

-- Old addresses that now live elsewhere: the 404 path looks here before giving up and
-- answers 301 with the current URL of the target (so a later permalink change still works).
CREATE TABLE redirects (
	path       TEXT PRIMARY KEY NOT NULL,
	kind       TEXT NOT NULL, -- post, attachment, category, tag or author
	target_id  INTEGER NOT NULL,
	created_at TEXT NOT NULL
);
