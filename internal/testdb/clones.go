package testdb

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// clones hands out new databases and takes them back. Creating and dropping a database each
// cost a checkpoint (a few hundred milliseconds on a busy machine), paid by every PostgreSQL
// test; so one database of each kind is made ahead in the background while a test runs, and
// a finished test's database is dropped in the background (synchronously on a server we did
// not start, where nothing else would remove it should the binary stop first).
//
// Only one database of a kind is ever being made ahead: when parallel tests take at once,
// the others make their own, and a make-ahead started for each of them would have found the
// one spare place taken and dropped its database at once (a create and a drop, ~40 ms of
// server CPU, wasted per parallel test).
var clones = &cloneMaker{spare: map[string]chan string{}, ahead: map[string]bool{}}

type cloneMaker struct {
	mu      sync.Mutex
	spare   map[string]chan string // by CREATE statement: at most one database made ahead
	ahead   map[string]bool        // by CREATE statement: a database is being made ahead
	base    string                 // the server of the spares
	pending sync.WaitGroup         // background creates and drops
	made    atomic.Int64           // databases created, for TestParallelTakesWasteNoClones
}

// take returns the name of a new database made by stmt on base.
func (c *cloneMaker) take(ctx context.Context, base, stmt string) (string, error) {
	c.mu.Lock()
	ch := c.spare[stmt]
	if ch == nil {
		ch = make(chan string, 1)
		c.spare[stmt] = ch
	}
	c.base = base
	c.mu.Unlock()
	var name string
	select {
	case name = <-ch:
	default:
		var err error
		if name, err = c.makeDB(ctx, base, stmt); err != nil {
			return "", err
		}
	}
	c.mu.Lock()
	start := !c.ahead[stmt] && len(ch) == 0
	c.ahead[stmt] = c.ahead[stmt] || start
	c.mu.Unlock()
	if !start {
		return name, nil
	}
	c.pending.Add(1)
	go func() { // the next test's database
		defer c.pending.Done()
		defer func() {
			c.mu.Lock()
			c.ahead[stmt] = false
			c.mu.Unlock()
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		next, err := c.makeDB(ctx, base, stmt)
		if err != nil {
			return // the next take makes its own and reports the error
		}
		select {
		case ch <- next:
		default:
			dropDB(base, next)
		}
	}()
	return name, nil
}

// drop removes a test's database.
func (c *cloneMaker) drop(base, name string, logf func(string, ...any)) {
	if shared == nil || base != shared.url {
		if err := dropDB(base, name); err != nil {
			logf("testdb: drop database %s: %v", name, err)
		}
		return
	}
	c.pending.Add(1)
	go func() {
		defer c.pending.Done()
		_ = dropDB(base, name) // the cluster and its files go at exit anyway
	}()
}

// stop waits for the background work and drops the databases made ahead.
func (c *cloneMaker) stop() {
	c.pending.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ch := range c.spare {
		select {
		case name := <-ch:
			_ = dropDB(c.base, name)
		default:
		}
	}
}

func (c *cloneMaker) makeDB(ctx context.Context, base, stmt string) (string, error) {
	name := "broadside_test_" + randomHex(8)
	if err := adminExec(ctx, base, fmt.Sprintf(stmt, name)+strategy(ctx, base)); err != nil {
		return "", err
	}
	c.made.Add(1)
	return name, nil
}

func dropDB(base, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// WITH (FORCE) closes connections a test forgot to close (PostgreSQL 13+).
	return adminExec(ctx, base, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
}
