package mail

import (
	"errors"
	"net/textproto"
	"strings"
)

// transactPipelined runs one transaction in two round trips instead of four, on a server
// that offers PIPELINING (RFC 2920): MAIL, RCPT and DATA go out together and their answers
// are read in order, then the message and its final dot. Each answer is still classified at
// its own stage. When the server refuses an envelope command, the answers to the commands
// behind it are read too, so the conversation stays in step for RSET and the next message.
func (ss *session) transactPipelined(to string, raw []byte) (string, *Error) {
	t := ss.conn.Text
	mailCmd := "MAIL FROM:" + ss.s.from.Address
	if ok, _ := ss.conn.Extension("8BITMIME"); ok {
		mailCmd += " BODY=8BITMIME" // as go-mail's Client.Mail says it
	}
	if ok, _ := ss.conn.Extension("SMTPUTF8"); ok {
		mailCmd += " SMTPUTF8"
	}
	if strings.ContainsAny(ss.s.from.Address+to, "\r\n") {
		return "", newError(StageRcpt, 1, errors.New("an address contains a line break"))
	}
	// One buffered write for the three commands: one packet, no wait between them.
	ids := make([]uint, 3)
	for i, c := range []string{mailCmd, "RCPT TO:" + to, "DATA"} {
		ids[i] = t.Next()
		t.StartRequest(ids[i])
		_, err := t.W.WriteString(c + "\r\n")
		t.EndRequest(ids[i])
		if err != nil {
			return "", &Error{Stage: StageMail, Class: ClassProtocol, Err: err}
		}
	}
	if err := t.W.Flush(); err != nil {
		return "", newError(StageMail, 1, err)
	}
	var first *Error
	for i, want := range []int{250, 25, 354} {
		stage := []Stage{StageMail, StageRcpt, StageData}[i]
		t.StartResponse(ids[i])
		_, _, err := t.ReadResponse(want)
		t.EndResponse(ids[i])
		switch {
		case err == nil && i == 2 && first != nil:
			// The server took DATA although an envelope command failed (RFC 2920 says it
			// must not): the session is no longer one we understand.
			ss.hangUp()
			return "", first
		case err == nil:
		case first == nil:
			first = newError(stage, 1, err)
			if _, ok := err.(*textproto.Error); !ok {
				return "", first // no answer at all: recover replaces the connection
			}
		}
	}
	if first != nil {
		return "", first
	}
	w := t.DotWriter()
	if _, err := w.Write(raw); err != nil {
		_ = w.Close()
		return "", &Error{Stage: StageDataEnd, Class: ClassProtocol, Err: err}
	}
	if err := w.Close(); err != nil {
		return "", &Error{Stage: StageDataEnd, Class: ClassProtocol, Err: err}
	}
	_, reply, err := t.ReadResponse(250)
	if err != nil {
		return "", newError(StageDataEnd, 1, err)
	}
	return reply, nil
}
