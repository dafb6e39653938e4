package mail

import (
	"errors"
	"fmt"
	"net/textproto"
	"strings"
)

// Stage is the step of an SMTP session an answer belongs to.
type Stage string

// The stages of a session, in order. StageSession covers everything before the transaction:
// connecting, the greeting, EHLO, STARTTLS and AUTH.
const (
	StageSession  Stage = "session"
	StageMail     Stage = "MAIL FROM"
	StageRcpt     Stage = "RCPT TO"
	StageData     Stage = "DATA"        // the answer to the DATA command itself
	StageDataEnd  Stage = "end of DATA" // the answer after the message was transmitted
	StageReset    Stage = "RSET"        // cleaning up after a failed transaction
	StageMessage  Stage = "message"     // the message could not be built; nothing was sent
	StageEnvelope Stage = "envelope"    // an address that cannot be used at all
)

// Class says whose problem a failed delivery is. It decides what a sender may do about it:
// only ClassRecipient may cost a subscriber anything (a bounce, a suspension).
type Class int

const (
	// ClassSender: the server refuses us, not the recipient (5xx to MAIL FROM, a refused
	// login or greeting, a sender address or message it will never accept). Every other
	// recipient would fail the same way: stop and tell the publisher.
	ClassSender Class = iota + 1
	// ClassProtocol: the conversation went wrong (503 bad sequence, an answer that makes no
	// sense at that point, a dropped connection, a server that cannot be reached). Nobody's
	// address is at fault: reset or reconnect and try the same recipient again later.
	ClassProtocol
	// ClassTemporary: a 4xx answer. Try again later.
	ClassTemporary
	// ClassRecipient: the server refused this recipient for good (5xx to RCPT TO, or 5xx to
	// the message when it had a single recipient, so the refusal can only be about them).
	ClassRecipient
)

func (c Class) String() string {
	switch c {
	case ClassSender:
		return "sender refused"
	case ClassProtocol:
		return "protocol error"
	case ClassTemporary:
		return "temporary failure"
	case ClassRecipient:
		return "recipient refused"
	}
	return "unknown"
}

// Classify is the one rule that turns an SMTP answer into a Class. code is the reply code
// (0 when the server never answered: the connection failed or broke), recipients the number
// of recipients of the transaction (a 5xx to the message data is about the recipient only
// when there was one).
func Classify(stage Stage, code, recipients int) Class {
	switch {
	case stage == StageEnvelope:
		return ClassRecipient
	case stage == StageMessage:
		return ClassSender
	case code == 0:
		return ClassProtocol // no answer: a dropped or refused connection
	case code == 421:
		// "Service not available, closing transmission channel": the server is going away,
		// whatever command it answered.
		return ClassProtocol
	case isBadSequence(code):
		// 503 bad sequence, 500/501/502/504 syntax or unsupported command: the conversation
		// is confused, which is never the recipient's fault.
		return ClassProtocol
	case code >= 400 && code < 500:
		return ClassTemporary
	case code >= 500 && code < 600:
		switch stage {
		case StageRcpt:
			return ClassRecipient
		case StageDataEnd, StageData:
			if recipients == 1 {
				return ClassRecipient
			}
			return ClassSender
		case StageReset:
			return ClassProtocol
		default: // the session (greeting, EHLO, AUTH) or MAIL FROM
			return ClassSender
		}
	}
	return ClassProtocol // 1xx–3xx where a final answer was due
}

func isBadSequence(code int) bool { return code >= 500 && code <= 504 }

// Error is a failed delivery.
type Error struct {
	Stage Stage
	// Code is the SMTP reply code (421, 450, 550 …), 0 when the server never answered (a
	// connection that could not be made or broke).
	Code int
	// Enhanced is the enhanced status code of the reply (RFC 3463: "5.1.1"), when it has one.
	Enhanced string
	Class    Class
	Err      error
}

func (e *Error) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("mail: %s at %s (%d): %v", e.Class, e.Stage, e.Code, e.Err)
	}
	return fmt.Sprintf("mail: %s at %s: %v", e.Class, e.Stage, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// newError classifies err, a failure at stage of a transaction with recipients recipients.
func newError(stage Stage, recipients int, err error) *Error {
	code, enhanced := replyCode(err)
	return &Error{Stage: stage, Code: code, Enhanced: enhanced, Class: Classify(stage, code, recipients), Err: err}
}

// replyCode is the SMTP reply code carried by err, 0 when the server did not answer, and the
// enhanced status code its text starts with, if any. Servers that know no better put a
// generic X.0.0 in front of the specific one ("5.0.0 5.1.1 no such user"): the most specific
// of the leading codes wins.
func replyCode(err error) (int, string) {
	var te *textproto.Error
	if !errors.As(err, &te) {
		return 0, ""
	}
	enhanced := ""
	for _, f := range strings.Fields(te.Msg) {
		if !isEnhanced(f) {
			break
		}
		if enhanced == "" || !strings.HasSuffix(f, ".0.0") {
			enhanced = f
		}
	}
	return te.Code, enhanced
}

func isEnhanced(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || len(parts[0]) != 1 || (parts[0] != "2" && parts[0] != "4" && parts[0] != "5") {
		return false
	}
	for _, p := range parts[1:] {
		if p == "" || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// MailboxRefused reports whether err is a permanent refusal that names the mailbox itself
// (RFC 3463 X.1.x addressing: no such user, bad domain; X.2.x mailbox status: disabled,
// full). Other permanent refusals of a recipient (X.7.x policy such as "relay access
// denied", X.3.x system, or no enhanced code) may really be about the sender, so a bulk
// sender should see whether the server refuses everyone before blaming the address.
func MailboxRefused(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.Class != ClassRecipient {
		return false
	}
	return strings.HasPrefix(e.Enhanced, "5.1.") || strings.HasPrefix(e.Enhanced, "5.2.")
}

// ClassOf returns the class of a delivery error; errors that are not *Error (a context
// cancelled before anything was sent) are protocol errors: nobody's fault, try again.
func ClassOf(err error) Class {
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return ClassProtocol
}

// IsPermanent reports whether err is a permanent failure for this recipient: the only kind
// that may count as a bounce.
func IsPermanent(err error) bool { return err != nil && ClassOf(err) == ClassRecipient }

// IsConnection reports whether err is a protocol failure (a broken, refused or confused
// connection) rather than an answer about the message or its recipient.
func IsConnection(err error) bool { return err != nil && ClassOf(err) == ClassProtocol }

// IsSender reports whether the server refused the sender: nothing sent now can succeed.
func IsSender(err error) bool { return err != nil && ClassOf(err) == ClassSender }

// Systemic reports whether err is about the session rather than one transaction: the
// server refused the sender, or could not be reached, or turned away MAIL FROM for now.
// Every other recipient would meet the same answer, so a bulk sender should wait (or stop)
// instead of moving on to the next one.
func Systemic(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return err != nil
	}
	if e.Class == ClassSender || e.Code == 421 {
		return true // 421: the server is closing the session, whatever it was asked
	}
	return (e.Class == ClassProtocol || e.Class == ClassTemporary) && (e.Stage == StageSession || e.Stage == StageMail)
}
