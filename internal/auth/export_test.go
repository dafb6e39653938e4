package auth

// ProductionHash hashes as a binary that is not a test does, for TestPasswordHash.
func ProductionHash(pw string) (string, error) { return hashWith(pw, defaultParams) }

// HashPeak is the most argon2id computations that have run at once, for
// TestPasswordHashingBounded; ResetHashPeak starts the count again.
func HashPeak() int32 { return hashPeak.Load() }
func ResetHashPeak()  { hashPeak.Store(0) }
