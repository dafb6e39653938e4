package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ChangedChannel is the channel on which nodes announce that what readers see has changed.
const ChangedChannel = "broadside_changed"

// AnnounceAs names this node in the announcements NotifyChanged sends, so its own listener can
// tell its echo from another node's change. Call it once, before the Store is shared.
func (s *Store) AnnounceAs(node string) { s.node = node }

// OnChanged sets how this node hears the changes announced through this Store (NotifyChanged):
// fn is called with their cache tags (nil: everything changed) once the transaction that
// announced them commits, and never for one rolled back. Call it once, before the Store is
// shared. Other nodes hear the same announcements through Listen (ParseChange).
func (s *Store) OnChanged(fn func(tags []string)) { s.onChanged = fn }

// maxChangePayload keeps an announcement under PostgreSQL's 8,000-byte NOTIFY limit; a change
// naming more tags than fit is announced as a change to everything.
const maxChangePayload = 7000

// changeSet is what one transaction announced.
type changeSet struct {
	any  bool // something was announced
	all  bool // a change to everything was announced
	seen map[string]bool
	list []string
	sent map[string]bool // payloads already sent in this transaction
}

func (c *changeSet) add(tags []string) {
	c.any = true
	if len(tags) == 0 {
		c.all = true
		return
	}
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	for _, t := range tags {
		if !c.seen[t] {
			c.seen[t] = true
			c.list = append(c.list, t)
		}
	}
}

// tags returns the announced tags, nil when everything changed.
func (c *changeSet) tags() []string {
	if c.all {
		return nil
	}
	return c.list
}

// NotifyChanged announces that what readers see has changed: tags names the cached pages the
// change affects (broadside.CacheTags); none means everything (settings, themes, menus).
// Call it on the Store of the transaction that makes the change. Other nodes on the same
// PostgreSQL database hear it through NOTIFY, which is transactional: the announcement
// leaves with the commit, a crash right after the commit cannot lose it, and a rollback
// announces nothing. This node hears it through OnChanged once the transaction commits (on
// SQLite, the only node, that is all it does). The same announcement made twice in one
// transaction (a group commit batches several writes) is sent once.
func (s *Store) NotifyChanged(ctx context.Context, tags ...string) error {
	payload := s.node
	if len(tags) > 0 {
		payload += "\n" + strings.Join(tags, " ")
	}
	if len(payload) > maxChangePayload {
		tags, payload = nil, s.node
	}
	if s.tx == nil { // not in a transaction: the change is already made
		if err := s.notify(ctx, payload); err != nil {
			return err
		}
		if s.onChanged != nil {
			s.onChanged(tags)
		}
		return nil
	}
	c := s.changes
	if c.sent[payload] || c.all {
		c.add(tags)
		return nil
	}
	if err := s.notify(ctx, payload); err != nil {
		return err
	}
	if c.sent == nil {
		c.sent = map[string]bool{}
	}
	c.sent[payload] = true
	c.add(tags)
	return nil
}

func (s *Store) notify(ctx context.Context, payload string) error {
	if s.pool == nil {
		return nil
	}
	if _, err := s.wr().ExecContext(ctx, "SELECT pg_notify($1, $2)", ChangedChannel, payload); err != nil {
		return fmt.Errorf("store: announce change: %w", err)
	}
	return nil
}

// ParseChange reads an announcement heard on ChangedChannel: the node that made the change
// and its cache tags (nil: everything changed).
func ParseChange(payload string) (node string, tags []string) {
	node, list, ok := strings.Cut(payload, "\n")
	if !ok || list == "" {
		return node, nil
	}
	return node, strings.Fields(list)
}

// Notify broadcasts payload on channel to every node listening on the same PostgreSQL
// database. On SQLite there is only one node, so it does nothing.
func (s *Store) Notify(ctx context.Context, channel, payload string) error {
	if s.pool == nil {
		return nil
	}
	if _, err := s.pool.Exec(ctx, "SELECT pg_notify($1, $2)", channel, payload); err != nil {
		return fmt.Errorf("store: notify %s: %w", channel, err)
	}
	return nil
}

// Listen calls fn with the payload of every notification on channel until ctx ends. A lost
// connection is retried with backoff (1 s doubling to 30 s, back to 1 s once connected);
// onReconnect is called after each reconnection, because notifications sent while
// disconnected are gone and the caller must assume it missed some. state, when not nil, hears
// every change: (true, nil) once listening, (false, err) when the connection is lost or cannot
// be made, so readiness and the log can tell that this node is not hearing invalidations.
// On SQLite it returns at once.
func (s *Store) Listen(ctx context.Context, channel string, fn func(payload string), onReconnect func(), state func(connected bool, err error)) error {
	if s.pool == nil {
		return nil
	}
	if state == nil {
		state = func(bool, error) {}
	}
	first := true
	backoff := time.Second
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, channel, fn, func() {
			backoff = time.Second
			state(true, nil)
			if !first && onReconnect != nil {
				onReconnect()
			}
			first = false
		})
		if ctx.Err() != nil {
			return nil
		}
		state(false, classify(err))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
	return nil
}

func (s *Store) listenOnce(ctx context.Context, channel string, fn func(string), connected func()) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	// The channel name is an identifier, not a value, so it cannot be a bind parameter;
	// quoteIdent quotes it.
	if _, err := conn.Exec(ctx, "LISTEN "+quoteIdent(channel)); err != nil {
		return err
	}
	connected()
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		fn(n.Payload)
	}
}

func quoteIdent(s string) string {
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			out = append(out, '"')
		}
		out = append(out, s[i])
	}
	return string(append(out, '"'))
}

// InTxAnnounced runs fn in a transaction that, if fn succeeds, also announces the change to
// the other nodes (NotifyChanged): for writes whose only side effect on readers is that
// cached pages must go.
func (s *Store) InTxAnnounced(ctx context.Context, fn func(tx *Store) error) error {
	return s.InTx(ctx, func(tx *Store) error {
		if err := fn(tx); err != nil {
			return err
		}
		return tx.NotifyChanged(ctx)
	})
}
