package auth_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
	"github.com/broadside/broadside/internal/testdb"
)

// TestTwoFactorBruteForce plays the attack two-factor exists for: someone has the owner's
// password and tries codes 000000, 000001, … from many addresses, signing in again whenever
// a pending sign-in is used up. Past the limits even the right code is refused, the guesses
// checked stay a handful a window and a few dozen a day, and all the while the owner, on the
// browser they signed in with before, still gets in with their code.
func TestTwoFactorBruteForce(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, clk := newService(t, dsn)
		ann := mkUser(t, s, "ann@example.org", broadside.RoleAdmin)
		// The owner signs in once on their laptop (a known device from then on), then turns
		// two-factor on.
		first, err := s.SignIn(ctx, auth.Credentials{Email: "ann@example.org", Password: "a long enough password", IP: "198.51.100.7"})
		if err != nil || first.Device == "" {
			t.Fatalf("first sign-in: %+v %v", first, err)
		}
		laptop := first.Device
		e, err := s.BeginTOTP(ctx, ann, "Test Site")
		if err != nil {
			t.Fatal(err)
		}
		code := func() string {
			c, err := totp.GenerateCode(e.Secret, clk.t)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if _, err := s.ConfirmTOTP(ctx, ann, code()); err != nil {
			t.Fatal(err)
		}
		clk.t = clk.t.Add(time.Minute)

		// The attack: a new address every few attempts, a new pending sign-in when refused.
		checked, refused, guess := 0, 0, 0
		var pending string
		attack := func(n int) {
			for i := 0; i < n; i++ {
				ip := fmt.Sprintf("203.0.113.%d", guess/7%250)
				if pending == "" {
					in, err := s.SignIn(ctx, auth.Credentials{Email: "ann@example.org", Password: "a long enough password", IP: ip})
					if err != nil {
						refused++ // the password step's own limits
						continue
					}
					pending = in.Pending
				}
				c := fmt.Sprintf("%06d", guess)
				guess++
				if c == code() {
					continue // the attacker does not know the code; skip the one lucky value
				}
				_, err := s.CompleteTwoFactor(ctx, pending, c, "", ip)
				switch broadside.ErrorCode(err) {
				case broadside.EINVALID:
					checked++ // the code was compared and was wrong
				case broadside.ETOOMANYREQUEST:
					refused++
				case broadside.EUNAUTHORIZED:
					pending = "" // this pending sign-in is over: sign in again
				default:
					t.Fatalf("attempt %d: %v", guess, err)
				}
			}
		}
		attack(60)
		if checked > 20 {
			t.Fatalf("%d guesses were checked in one window (refused %d): the account-wide limit does not hold", checked, refused)
		}
		// Past the limit, the attacker's right code is refused too: the limit is not a hint.
		in, err := s.SignIn(ctx, auth.Credentials{Email: "ann@example.org", Password: "a long enough password", IP: "192.0.2.200"})
		if err == nil {
			_, err = s.CompleteTwoFactor(ctx, in.Pending, code(), "", "192.0.2.200")
			wantCode(t, err, broadside.ETOOMANYREQUEST)
		}

		// The owner on their laptop: password, then the code, during the attack.
		in, err = s.SignIn(ctx, auth.Credentials{Email: "ann@example.org", Password: "a long enough password", IP: "198.51.100.7", Device: laptop})
		if err != nil || in.Pending == "" {
			t.Fatalf("the owner's password step during the attack: %+v %v", in, err)
		}
		done, err := s.CompleteTwoFactor(ctx, in.Pending, code(), laptop, "198.51.100.7")
		if err != nil || done.Session == "" {
			t.Fatalf("the owner is locked out by the attacker: %v", err)
		}

		// Hours of it: windows pass (20 checked guesses each), the daily cap holds.
		for w := 0; w < 6; w++ {
			clk.t = clk.t.Add(15 * time.Minute)
			attack(35)
		}
		if checked > 60+20 {
			t.Fatalf("%d guesses checked in a day (refused %d)", checked, refused)
		}
		// One pending sign-in takes five codes at most, then it is over.
		clk.t = clk.t.Add(48 * time.Hour)
		in, err = s.SignIn(ctx, auth.Credentials{Email: "ann@example.org", Password: "a long enough password", IP: "192.0.2.99"})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			_, err = s.CompleteTwoFactor(ctx, in.Pending, "999999", "", "192.0.2.99")
			if code() == "999999" {
				break
			}
			wantCode(t, err, broadside.EINVALID)
		}
		_, err = s.CompleteTwoFactor(ctx, in.Pending, code(), "", "192.0.2.99")
		wantCode(t, err, broadside.EUNAUTHORIZED)
	})
}
