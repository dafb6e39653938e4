-- WordPress's per-post ping_status (issue 13, point 9f): kept from imports, set and read
-- through the REST API, exported. Broadside takes no pings, so it changes nothing else.
-- Keep in step with sqlite/0025_ping_status.sql.
ALTER TABLE posts ADD COLUMN pings_open boolean NOT NULL DEFAULT false;
