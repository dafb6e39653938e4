-- ActivityPub keys (issue 14). Keep in step with postgres/0029_activitypub_keys.sql.

-- Our actors' key pairs, created on first use. actor is the actor's name ('site' or an
-- author's login key, see internal/activitypub). Inserted with ON CONFLICT DO NOTHING and read
-- back, so nodes creating a key at once agree on one pair. private_pem is PKCS#8 PEM and never
-- leaves the server.
CREATE TABLE ap_keys (
	actor       TEXT PRIMARY KEY,
	public_pem  TEXT NOT NULL,
	private_pem TEXT NOT NULL,
	created_at  TEXT NOT NULL
);

-- Remote actors' public keys, cached by key id after a verified fetch, so an inbox does not
-- fetch a key per activity. Refetched once when a signature fails with the cached key (the
-- remote rotated it).
CREATE TABLE ap_remote_keys (
	key_id     TEXT PRIMARY KEY,
	actor_id   TEXT NOT NULL,
	public_pem TEXT NOT NULL,
	fetched_at TEXT NOT NULL
);
