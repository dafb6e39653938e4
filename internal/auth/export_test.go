package auth

import (
	"sync"
	"sync/atomic"
)

// ProductionHash hashes as a binary that is not a test does, for TestPasswordHash.
func ProductionHash(pw string) (string, error) { return hashWith(pw, defaultParams) }

// HashPeak is the most argon2id computations that have run at once since ResetHashPeak,
// for TestPasswordHashingBounded.
func HashPeak() int32 { return hashPeak.Load() }

// ResetHashPeak starts counting the computations running at once, from zero. The counter
// lives here, around argon2.IDKey, so that production code does not pay for it.
//
// The swap of idKey is not synchronised with hashWith's read of it: that is safe only while
// nothing else hashes during the first call. It holds because no test of this package runs
// in parallel (t.Parallel), and goroutines started after the call see the swap. A test that
// breaks this is a data race that -race reports; then make idKey an atomic.Pointer in
// password.go rather than locking here.
func ResetHashPeak() {
	hashPeak.Store(0)
	idKeyCounted.Do(func() {
		key := idKey
		idKey = func(pw, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
			n := hashing.Add(1)
			defer hashing.Add(-1)
			for {
				peak := hashPeak.Load()
				if n <= peak || hashPeak.CompareAndSwap(peak, n) {
					break
				}
			}
			return key(pw, salt, time, memory, threads, keyLen)
		}
	})
}

var (
	idKeyCounted sync.Once
	hashing      atomic.Int32 // computations running now
	hashPeak     atomic.Int32 // the most that ran at once
)
