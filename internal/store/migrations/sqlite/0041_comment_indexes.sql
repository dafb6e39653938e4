-- Five plain comment indexes where there were ten (issue 11, goal 6). An import into a site
-- without comments builds every plain comment index once after its rows are in
-- (store.DeferIndexes), about 0.15 s of CPU each per 200,000 comments, and a comment POST
-- updates each of them. Keep in step with postgres/0041_comment_indexes.sql.
--
-- comments_ip (author_ip, created_at): no query looks comments up by address (the admin's
-- search matches lower(author_ip) with LIKE, which cannot use it).
DROP INDEX comments_ip;
-- comments_post_roots (post_id, parent_id, status, created_at, id) covered the thread's
-- shape (store.ThreadShape); comments_thread with parent_id added at its end covers it as
-- well, in the order it is read, and serves every query on (post_id, status, …) as before.
DROP INDEX comments_post_roots;
DROP INDEX comments_thread;
CREATE INDEX comments_thread ON comments (post_id, status, created_at, id, parent_id);
-- comments_post_author_email (post_id, lower(author_email)) served the duplicate check's
-- probe by address (store.DuplicateComment), comments_author_email (lower(author_email),
-- status) HasApprovedComment: one index (lower(author_email), status, post_id) serves both,
-- the probe seeking each status but trash.
DROP INDEX comments_post_author_email;
DROP INDEX comments_author_email;
CREATE INDEX comments_author_email ON comments (lower(author_email), status, post_id);
-- Looked up by a bound key (store.CommenterKeyApproved, whose query says commenter_key <> ''
-- so that it may use this index) or a user (store.UserHasApprovedComment, and the users
-- foreign key's ON DELETE SET NULL: user_id = ? implies user_id IS NOT NULL). Imported
-- comments have no key and seldom a user: as partial indexes they hold almost nothing after
-- an import, which keeps them (DeferIndexes keeps partial indexes) instead of building them.
DROP INDEX comments_commenter_key;
CREATE INDEX comments_commenter_key ON comments (commenter_key, status) WHERE commenter_key <> '';
DROP INDEX comments_user_status;
CREATE INDEX comments_user_status ON comments (user_id, status) WHERE user_id IS NOT NULL;
