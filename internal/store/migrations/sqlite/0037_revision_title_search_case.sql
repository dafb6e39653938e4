-- A revision keeps its title's markup (Post.RawTitleMarkup), so restoring it brings the
-- heading back as it was written (issue 13).
ALTER TABLE post_revisions ADD COLUMN title_markup TEXT NOT NULL DEFAULT '';

-- (PostgreSQL's part of 0037 also makes its broadside_search_text fold case as Go does; on
-- SQLite that function is the Go one already.)
