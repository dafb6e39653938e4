-- Known devices: browsers a user signed in from, remembered by a cookie whose token is stored
-- only as a SHA-256. A known device lets its user's correct password in while their account
-- is under a guessing attack from elsewhere. Keep in step with postgres/0010_known_devices.sql.

CREATE TABLE known_devices (
	token_hash TEXT PRIMARY KEY NOT NULL,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
CREATE INDEX known_devices_user ON known_devices (user_id);
CREATE INDEX known_devices_expires ON known_devices (expires_at);

-- Rate counters became sliding windows of small buckets; the old fixed-window rows would be
-- read as buckets, so start afresh (they covered at most the last day).
DELETE FROM rate_counters;
