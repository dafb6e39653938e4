package comments

import (
	"time"

	"github.com/broadside/broadside"
)

// mayComment is the access check of every submission, whatever channel brought it: the
// commenter must be able to read the whole post under broadside.Access, proving a protected
// post's password with what the submission carries (checked here, not by the channel).
func (s *Service) mayComment(p *broadside.Post, in Submission, now time.Time) error {
	r := broadside.Reader{User: in.User, Subscriber: in.Subscriber}.WithPassword(p, in.PostPassword)
	r = s.PassKey.Unlock(r, p, in.PostPassProof, now)
	return broadside.CanComment(p, r, now)
}
