package web

import (
	"net/http"
	"sync"
)

// A cached page records the cache tags of what it shows (broadside.CacheTags), so that a
// change purges only the pages that show it. A handler names them with tagPage while it
// renders. A page that names none may show anything and is purged by every change; so a
// handler must name every tag its page depends on, or none.

type pageTagsKey struct{}

// pageTags collects the tags a page's render names.
type pageTags struct {
	mu   sync.Mutex
	seen map[string]bool
	tags []string
}

func (p *pageTags) list() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tags
}

// tagPage records that the page r renders shows what tags name. Outside the page cache it
// does nothing.
func tagPage(r *http.Request, tags ...string) {
	p, _ := r.Context().Value(pageTagsKey{}).(*pageTags)
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	for _, t := range tags {
		if !p.seen[t] {
			p.seen[t] = true
			p.tags = append(p.tags, t)
		}
	}
}

// maxPurgeLog bounds the targeted purges remembered for renders under way; a render older
// than all of them is treated as purged.
const maxPurgeLog = 1024

// purgeLog numbers the purges, and remembers the recent targeted ones, so that a page whose
// render started before a purge that names it is not stored as fresh after it.
type purgeLog struct {
	seq     uint64 // the number of the latest purge
	floor   uint64 // purges numbered up to floor are forgotten
	targets []purgeNamed
}

// purgeNamed is one purge: its number and tags (nil: everything).
type purgeNamed struct {
	seq  uint64
	tags map[string]bool
}

// hits reports whether a page recording tags is purged by p.
func (p purgeNamed) hits(tags []string) bool {
	if p.tags == nil || len(tags) == 0 {
		return true
	}
	for _, t := range tags {
		if p.tags[t] {
			return true
		}
	}
	return false
}

func (l *purgeLog) add(tags []string) purgeNamed {
	l.seq++
	p := purgeNamed{seq: l.seq}
	if tags != nil {
		p.tags = make(map[string]bool, len(tags))
		for _, t := range tags {
			p.tags[t] = true
		}
	}
	if len(l.targets) >= maxPurgeLog {
		l.floor = l.targets[0].seq
		l.targets = append(l.targets[:0], l.targets[1:]...)
	}
	l.targets = append(l.targets, p)
	return p
}

// since reports whether a purge after number seq hits a page recording tags.
func (l *purgeLog) since(seq uint64, tags []string) bool {
	if seq < l.floor {
		return true
	}
	for i := len(l.targets) - 1; i >= 0 && l.targets[i].seq > seq; i-- {
		if l.targets[i].hits(tags) {
			return true
		}
	}
	return false
}
