-- A post's own support appeal and reuse notice (Markdown, rendered sanitized), shown instead
-- of the site-wide ones; empty uses the site's. Site settings are not touched: a publisher's
-- saved appeal and notice stay as they are. Keep in step with sqlite/0014_post_appeal.sql.
ALTER TABLE posts ADD COLUMN appeal text NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN notice text NOT NULL DEFAULT '';
