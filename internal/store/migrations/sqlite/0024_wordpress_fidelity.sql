-- What a WordPress import must keep to come across whole (issue 13): a page's menu_order
-- (page lists and menus sort by it), each item's feed guid and whether it is a permalink
-- (readers that followed the old feed must not see old posts again as new; '' means ours:
-- BASE/?p=ID), and the attachment a comment was written on (WordPress keeps comments on
-- attachment pages; here they show on the post the attachment belongs to, and the export
-- writes them back under the attachment), and a title's markup as written (WordPress allows
-- inline tags in titles; '' when the title is plain text). Keep in step with postgres/0024_wordpress_fidelity.sql.
ALTER TABLE posts ADD COLUMN menu_order INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN guid TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN guid_is_permalink INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN attachment_id INTEGER REFERENCES attachments (id) ON DELETE SET NULL;
ALTER TABLE posts ADD COLUMN title_markup TEXT NOT NULL DEFAULT '';
