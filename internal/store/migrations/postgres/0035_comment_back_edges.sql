-- Comments whose parent has the same or a later id: only these can close a parent cycle (a
-- comment shown as a top-level orphan). A post with none of them (every comment written here
-- replies to an older one) can read one page of its discussion by SQL alone: its top-level
-- threads, then their replies (store.DiscussionRoots, DiscussionThreads); a post with any
-- builds its whole thread as before. The index holds only those rare rows, so asking is
-- cheap. Keep in step with the other dialect's 0035_comment_back_edges.sql.
CREATE INDEX comments_back_edges ON comments (post_id) WHERE parent_id >= id;
