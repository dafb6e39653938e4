-- The site-wide pace of outgoing bulk mail (--smtp-rate): next_at is the earliest time, in
-- microseconds since the Unix epoch, at which the next message may start. Every node reserves
-- its message's slot here, so N nodes together keep the provider's limit, not N times it.
-- Keep in step with sqlite/0015_send_pace.sql.
CREATE TABLE send_pace (
	key     text PRIMARY KEY,
	next_at bigint NOT NULL
);
