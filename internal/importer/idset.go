package importer

// idSet remembers which WordPress ids of a kind the run already gave away, one bit per id
// up to a bound: the batched writes of posts and comments (posts_batch.go,
// comment_batch.go) keep an item's WordPress id only when no earlier item of the file
// took it.
type idSet []uint64

// maxBatchedID bounds an idSet (8 MiB at most): a file whose ids run higher imports its
// posts or comments row by row, as before.
const maxBatchedID = 64 << 20

// newIDSet returns a set for ids up to maxID, or nil (nothing batched) when there are none
// or too many.
func newIDSet(maxID int64) idSet {
	if maxID <= 0 || maxID > maxBatchedID {
		return nil
	}
	return make(idSet, maxID/64+1)
}

// take reports whether id was not taken yet, and marks it taken.
func (s idSet) take(id int64) bool {
	if id <= 0 || id >= int64(len(s))*64 {
		return false
	}
	w, bit := id/64, uint64(1)<<(id%64)
	if s[w]&bit != 0 {
		return false
	}
	s[w] |= bit
	return true
}
