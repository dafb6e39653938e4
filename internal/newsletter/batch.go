package newsletter

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/store"
)

// maxInFlight bounds the deliveries claimed by one commit.
const maxInFlight = 32

// InFlight is the batch the app gives a sender (Service.Batch): at least one delivery per
// connection, and about 10 ms of sending at the pace rate (messages per second), at most 32.
// At the default pace (10/s) and 2 connections it is 2; with one connection below 200
// messages a second, 1 (one commit per message, as before batching); at 1,000/s, 10.
func InFlight(rate float64, connections int) int {
	return min(maxInFlight, max(1, connections, int(rate/100)))
}

// claimed is a delivery claimed for sending, with its reserved start (site-wide pace).
type claimed struct {
	d    *broadside.Delivery
	slot time.Time
}

// result is what became of one claimed delivery.
type result struct {
	outcome func(tx *store.Store) error // how to record it, unless plain
	plain   bool                        // accepted, with nothing else to record: settle as sent
	halt    error                       // why sending must stop after this one
	sent    bool                        // handed to the server (false: released unsent)
}

// sendDue sends the newsletter's due deliveries, a claim of Batch at a time. Each commit
// records the outcomes of the previous claim and makes the next one, so the database sees
// one durable commit per claim instead of one per message, and at most one claim is
// unrecorded at any moment. It returns done when no delivery is due, else the error to
// return from Send (*jobs.Again to be called again).
func (s *Service) sendDue(ctx, rec context.Context, p *broadside.Post, msgs *prepared, start time.Time, slice time.Duration) (done bool, err error) {
	conns := max(s.Connections, 1)
	size := max(s.Batch, 1)
	var (
		outcomes []func(tx *store.Store) error
		sentIDs  []int64 // plain successes, settled in one statement
		sentAt   time.Time
	)
	record := func(tx *store.Store) error {
		if err := tx.SettleSent(rec, p.ID, sentIDs, sentAt); err != nil {
			return err
		}
		for _, o := range outcomes {
			if err := o(tx); err != nil {
				return err
			}
		}
		return nil
	}
	flush := func() error {
		if len(outcomes) == 0 && len(sentIDs) == 0 {
			return nil
		}
		err := s.Store.InTx(rec, record)
		outcomes, sentIDs = nil, nil
		return err
	}
	stop := func(err error) (bool, error) {
		if ferr := flush(); ferr != nil {
			return false, ferr
		}
		return false, err
	}
	sent := 0
	for {
		if err := flush(); err != nil {
			return false, err
		}
		batch, err := s.Store.DueDeliveries(rec, p.ID, s.Now(), batchSize)
		if err != nil {
			return false, err
		}
		if len(batch) == 0 {
			return true, nil
		}
		for len(batch) > 0 {
			if ctx.Err() != nil {
				return stop(&jobs.Again{At: s.Now(), Reason: fmt.Sprintf("worker stopping after %d messages", sent)})
			}
			if time.Since(start) > slice {
				return stop(&jobs.Again{At: s.Now(), Reason: fmt.Sprintf("slice used up after %d messages", sent)})
			}
			part := batch[:min(size, len(batch))]
			batch = batch[len(part):]
			var todo []claimed
			err := s.Store.InTx(rec, func(tx *store.Store) error {
				todo = todo[:0]
				if err := record(tx); err != nil {
					return err
				}
				ids := make([]int64, len(part))
				for i := range part {
					ids[i] = part[i].Subscriber.ID
				}
				mine, err := tx.ClaimDeliveries(rec, p.ID, ids, s.Now())
				if err != nil {
					return err
				}
				for i := range part {
					d := &part[i]
					if !mine[d.Subscriber.ID] {
						continue // another sender has it
					}
					if !d.Subscriber.Receives() {
						if err := tx.SettleDelivery(rec, p.ID, d.Subscriber.ID, broadside.DeliverySkipped, "no longer subscribed when it was their turn", false, s.Now()); err != nil {
							return err
						}
						continue
					}
					todo = append(todo, claimed{d: d})
				}
				if len(todo) == 0 {
					return nil
				}
				// The slots are reserved in the claim's transaction: no commit of their own,
				// and deliveries another node took reserve none.
				first, err := tx.ReserveSendSlots(rec, paceKey, s.interval(), len(todo), s.paceNow())
				if err != nil {
					return err
				}
				for i := range todo {
					todo[i].slot = first.Add(time.Duration(i) * s.interval())
				}
				return nil
			})
			if err != nil {
				return stop(err) // the outcomes alone are retried by flush
			}
			outcomes, sentIDs = nil, nil
			results := s.sendClaimed(ctx, rec, p, msgs, todo, conns)
			sentAt = s.Now()
			var halt error
			for i, r := range results {
				if r.outcome != nil {
					outcomes = append(outcomes, r.outcome)
				}
				if r.plain {
					sentIDs = append(sentIDs, todo[i].d.Subscriber.ID)
				}
				if r.sent {
					sent++
				}
				if halt == nil && r.halt != nil {
					halt = r.halt
				}
			}
			if halt == errPaused {
				return stop(nil)
			} else if halt != nil {
				return stop(halt)
			}
		}
	}
}

// sendClaimed sends the claimed deliveries over up to conns connections at once, each
// waiting for its reserved slot. Once one says to stop (the server refuses everything, the
// worker is stopping), the deliveries not yet begun are released: back to pending, with no
// attempt counted.
func (s *Service) sendClaimed(ctx, rec context.Context, p *broadside.Post, msgs *prepared, todo []claimed, conns int) []result {
	results := make([]result, len(todo))
	var (
		mu      sync.Mutex
		next    int
		halted  bool
		workers sync.WaitGroup
	)
	// take returns the next delivery and whether to send it (false: release it), or -1.
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= len(todo) {
			return -1, false
		}
		next++
		return next - 1, !halted && ctx.Err() == nil
	}
	work := func() {
		for {
			i, send := take()
			if i < 0 {
				return
			}
			if !send {
				results[i] = s.release(rec, p.ID, todo[i].d)
				continue
			}
			c := todo[i]
			s.waitSlot(c.slot)
			outcome, plain, halt := s.deliver(rec, p, msgs, c.d)
			results[i] = result{outcome: outcome, plain: plain, halt: halt, sent: true}
			if halt != nil {
				mu.Lock()
				halted = true
				mu.Unlock()
			}
		}
	}
	// The first connection's sends run on the caller's goroutine, so with one connection
	// sending is exactly as it was before batching (and a crash there stops everything).
	for range min(conns, len(todo)) - 1 {
		workers.Add(1)
		go func() { // joined below: no goroutine outlives the claim
			defer workers.Done()
			work()
		}()
	}
	work()
	workers.Wait()
	return results
}

// release puts a claimed delivery that was not sent back in the queue, as it was.
func (s *Service) release(ctx context.Context, postID int64, d *broadside.Delivery) result {
	now := s.Now()
	return result{outcome: func(tx *store.Store) error {
		return tx.DeferDelivery(ctx, postID, d.Subscriber.ID, now, d.LastError, false, now)
	}}
}
