-- Indexes for the comment POST hot path: the duplicate check looks a comment up by post and
-- author (name or email) instead of scanning the whole discussion, and the redirect after
-- posting counts the top-level threads before the new one.
CREATE INDEX comments_post_author_name ON comments (post_id, author_name);
CREATE INDEX comments_post_author_email ON comments (post_id, lower(author_email));
CREATE INDEX comments_post_roots ON comments (post_id, parent_id, status, created_at, id);
