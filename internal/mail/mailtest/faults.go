package mailtest

import "strings"

// Stage is where a fault is injected.
type Stage string

const (
	AtConnect Stage = "CONNECT"   // the greeting
	AtMail    Stage = "MAIL FROM" // the answer to MAIL FROM
	AtRcpt    Stage = "RCPT TO"   // the answer to RCPT TO
	AtDataEnd Stage = "DATA END"  // the answer after the message data was received
)

// Fault is an answer the server gives at a stage instead of accepting.
type Fault struct {
	Code    int    // the reply code: 451, 550, 503 …
	Message string // the reply text
	// Drop hangs up instead of answering (the message data is read first at AtDataEnd, so the
	// client cannot tell whether it was delivered).
	Drop bool
	// Times is how many answers the fault spoils; 0 means until ClearFaults.
	Times int
	// Match limits the fault to a recipient address (or, at AtMail, a sender); "" is every one.
	Match string
}

type fault struct {
	Fault
	left int // answers still to spoil; -1 for ever
}

// Inject makes the server answer f at stage. Faults at one stage apply in the order given.
func (s *Server) Inject(stage Stage, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults == nil {
		s.faults = map[Stage][]*fault{}
	}
	left := f.Times
	if left == 0 {
		left = -1
	}
	s.faults[stage] = append(s.faults[stage], &fault{Fault: f, left: left})
}

// ClearFaults makes the server well again.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// Resets counts the RSET commands the server received.
func (s *Server) Resets() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resets
}

// fault returns the fault to apply at stage for addr and uses it up; nil when none applies.
func (s *Server) fault(stage Stage, addrs ...string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults[stage] {
		if f.left == 0 {
			continue
		}
		if f.Match != "" && !matches(f.Match, addrs) {
			continue
		}
		if f.left > 0 {
			f.left--
		}
		ff := f.Fault
		return &ff
	}
	return nil
}

func matches(want string, addrs []string) bool {
	for _, a := range addrs {
		if strings.EqualFold(a, want) {
			return true
		}
	}
	return false
}

// apply turns a fault into the session's answer: an SMTP error, or a closed connection.
func (ss *session) apply(f *Fault) error {
	if f.Drop {
		_ = ss.conn.Close()
		return Reply(421, "4.4.2 connection dropped (mailtest)")
	}
	return Reply(f.Code, f.Message)
}
