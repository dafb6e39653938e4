// Package auth hashes passwords, keeps sign-in sessions in the database (so several nodes
// share them) and throttles guessing.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: RFC 9106's second recommended option (64 MiB, 3 passes) is heavy for a
// 2-core box under a login flood, so we take one of OWASP's equivalent minimums for
// interactive logins: 7 MiB and 5 passes, which OWASP lists as "an equal level of defense" as
// 19 MiB and 2 passes (the CPU is about the same; only the memory differs). The memory is the
// server's: 19 MiB for one sign-in was a third of what the whole process may take (docs/
// benchmarks.md, "Issue 11 (session 6): memory"). Hashes made with other parameters record
// them and keep verifying.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
	keyLen  uint32
}

var defaultParams = argonParams{memory: 7 * 1024, time: 5, threads: 1, keyLen: 32}

// MaxConcurrentHashes bounds the argon2id computations running at once in the process, and so
// the memory they take (each one holds its whole memory parameter). Without it, a burst of
// sign-ins took 19 MiB each at once; on two cores more at once would not finish sooner.
const MaxConcurrentHashes = 2

var hashSlots = make(chan struct{}, MaxConcurrentHashes)

// idKey is argon2.IDKey; export_test.go wraps it to count the computations running at once.
var idKey = argon2.IDKey

// argonKey runs argon2id once a slot is free.
func argonKey(pw, salt []byte, p argonParams) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return idKey(pw, salt, p.time, p.memory, p.threads, p.keyLen)
}

// cheapParams are what a test binary hashes with: the suite creates and signs in hundreds of
// users, and at 19 MiB and two passes each, hashing was a quarter of the web tests' CPU. A
// hash records its own parameters, so checking runs the same code either way, and
// TestPasswordHash checks the production parameters. A binary that is not a test never
// takes this branch (testing.Testing reports false for it).
var cheapParams = argonParams{memory: 64, time: 1, threads: 1, keyLen: 32}

func params() argonParams {
	if testing.Testing() {
		return cheapParams
	}
	return defaultParams
}

// HashPassword returns an encoded argon2id hash in the PHC string format.
func HashPassword(pw string) (string, error) {
	return hashWith(pw, params())
}

func hashWith(pw string, p argonParams) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argonKey([]byte(pw), salt, p)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

var errBadHash = errors.New("auth: malformed password hash")

// CheckPassword reports whether pw matches the encoded hash, in constant time.
func CheckPassword(encoded, pw string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var p argonParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return false, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	p.keyLen = uint32(len(want))
	got := argonKey([]byte(pw), salt, p)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked against when a login names no known user, so that the response takes
// as long as for a real user and does not reveal which emails have accounts. It is made on
// first use: every command of the binary loads this package, and most never check a password.
var dummyHash = sync.OnceValue(func() string {
	h, _ := hashWith("broadside-timing-equaliser", params())
	return h
})
