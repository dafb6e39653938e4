package broadside

import "time"

// AppPassword is one Application Password of a user: a named credential for one API client.
// The store only ever sees the hash of the secret.
type AppPassword struct {
	ID         int64
	UUID       string
	UserID     int64
	Name       string
	SecretHash string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero until first used
	LastIP     string
}
