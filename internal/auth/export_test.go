package auth

// ProductionHash hashes as a binary that is not a test does, for TestPasswordHash.
func ProductionHash(pw string) (string, error) { return hashWith(pw, defaultParams) }
