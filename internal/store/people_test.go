package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

func TestPeopleStore(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		ann, bob := mkUser(t, s, "ann"), mkUser(t, s, "bob")
		ann.Role = broadside.RoleAdmin
		must(t, s.UpdateUser(ctx, ann))
		p := mkPost(t, s, bob, "bobs-post", broadside.StatusPublished, t0)
		mkPost(t, s, bob, "bobs-draft", broadside.StatusDraft, t0)

		counts, err := s.UserPostCounts(ctx)
		must(t, err)
		if counts[bob.ID] != 2 || counts[ann.ID] != 0 {
			t.Fatalf("post counts = %v", counts)
		}
		if n, err := s.OtherActiveAdmins(ctx, ann.ID); err != nil || n != 0 {
			t.Fatalf("other admins than ann = %d, %v", n, err)
		}
		if n, err := s.OtherActiveAdmins(ctx, bob.ID); err != nil || n != 1 {
			t.Fatalf("other admins than bob = %d, %v", n, err)
		}

		must(t, s.SetUserDeactivated(ctx, bob.ID, t0.Add(time.Hour)))
		got, err := s.UserByID(ctx, bob.ID)
		must(t, err)
		if got.Active() || !got.DeactivatedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("deactivated: %+v", got)
		}
		must(t, s.SetUserDeactivated(ctx, bob.ID, time.Time{}))
		if got, _ := s.UserByID(ctx, bob.ID); !got.Active() {
			t.Fatalf("reactivated: %+v", got)
		}

		// Two-factor state: a step is accepted once, recovery codes once each.
		must(t, s.SetTOTPPending(ctx, bob.ID, "sealed-pending"))
		must(t, s.EnableTOTP(ctx, bob.ID, "sealed", 100, []string{"h1", "h2"}))
		if got, _ := s.UserByID(ctx, bob.ID); !got.TwoFactor {
			t.Fatal("TwoFactor not set after EnableTOTP")
		}
		st, err := s.UserTOTP(ctx, bob.ID)
		must(t, err)
		if st.Secret != "sealed" || st.Pending != "" || st.LastStep != 100 {
			t.Fatalf("totp state %+v", st)
		}
		for _, c := range []struct {
			step int64
			want bool
		}{{100, false}, {99, false}, {101, true}, {101, false}} {
			if ok, err := s.AcceptTOTPStep(ctx, bob.ID, c.step); err != nil || ok != c.want {
				t.Fatalf("AcceptTOTPStep(%d) = %v, %v", c.step, ok, err)
			}
		}
		if ok, _ := s.UseRecoveryCode(ctx, bob.ID, "h1"); !ok {
			t.Fatal("recovery code refused")
		}
		if ok, _ := s.UseRecoveryCode(ctx, bob.ID, "h1"); ok {
			t.Fatal("recovery code used twice")
		}
		if n, _ := s.CountRecoveryCodes(ctx, bob.ID); n != 1 {
			t.Fatalf("codes left = %d", n)
		}
		must(t, s.DisableTOTP(ctx, bob.ID))
		if got, _ := s.UserByID(ctx, bob.ID); got.TwoFactor {
			t.Fatal("TwoFactor still set")
		}
		if n, _ := s.CountRecoveryCodes(ctx, bob.ID); n != 0 {
			t.Fatalf("codes left after disable = %d", n)
		}

		// Deleting reassigns posts in one transaction; a missing heir changes nothing.
		wantCode(t, s.DeleteUserReassign(ctx, bob.ID, 9999), broadside.ENOTFOUND)
		if q, _ := s.PostByID(ctx, p.ID); q.AuthorID != bob.ID {
			t.Fatal("failed delete moved posts")
		}
		wantCode(t, s.DeleteUserReassign(ctx, bob.ID, bob.ID), broadside.EINVALID)
		must(t, s.DeleteUserReassign(ctx, bob.ID, ann.ID))
		if q, _ := s.PostByID(ctx, p.ID); q.AuthorID != ann.ID {
			t.Fatalf("post not reassigned: %d", q.AuthorID)
		}
		_, err = s.UserByID(ctx, bob.ID)
		wantCode(t, err, broadside.ENOTFOUND)

		// A pending token can be read many times and consumed once.
		must(t, s.CreateToken(ctx, &store.Token{Hash: "th", Purpose: "p", UserID: ann.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
		for range 2 {
			if _, err := s.PeekToken(ctx, "th", "p", t0); err != nil {
				t.Fatal(err)
			}
		}
		_, err = s.PeekToken(ctx, "th", "p", t0.Add(2*time.Hour))
		wantCode(t, err, broadside.ENOTFOUND)
		_, err = s.ConsumeToken(ctx, "th", "p", t0)
		must(t, err)
		_, err = s.PeekToken(ctx, "th", "p", t0)
		wantCode(t, err, broadside.ENOTFOUND)
	})
}
