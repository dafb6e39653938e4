-- A revision keeps its title's markup (Post.RawTitleMarkup), so restoring it brings the
-- heading back as it was written (issue 13).
ALTER TABLE post_revisions ADD COLUMN title_markup text NOT NULL DEFAULT '';
