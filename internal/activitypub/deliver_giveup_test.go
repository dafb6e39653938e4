package activitypub

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/testdb"
)

// TestDeliveryGivesUpAfterItsTries: a host that is not dead (it has not failed for
// DeadAfter) but keeps failing one delivery is tried deliveryTries times, each try counted
// on the delivery, then the delivery is given up; its tries are read with the host's state.
func TestDeliveryGivesUpAfterItsTries(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		c := &clock{t: testNow}
		f := newFixture(t, dsn, c.Now)
		f.svc.DeadAfter = 365 * 24 * time.Hour
		in := newInboxServer(t)
		in.set(http.StatusInternalServerError, "")
		inbox := in.srv.URL + "/inbox"
		f.send(t, 1, inbox)
		for try := 2; try <= deliveryTries; try++ {
			if h := hostRow(t, f); h.Failing != 1 || h.Attempts != try-1 {
				t.Fatalf("before try %d: %+v", try, h)
			}
			c.add(7 * time.Hour) // past the longest backoff
			f.drain(t)
		}
		h := hostRow(t, f)
		if h.Failed != 1 || h.Attempts != deliveryTries || !strings.Contains(h.LastError, "gave up after "+strconv.Itoa(deliveryTries)+" tries") {
			t.Fatalf("after %d tries: %+v", deliveryTries, h)
		}
		if n := countQueued(t, f); n != 0 || in.count() != deliveryTries {
			t.Fatalf("%d still queued, %d requests; want none queued and %d requests", n, in.count(), deliveryTries)
		}
	})
}
