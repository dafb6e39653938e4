package mail

import (
	"errors"
	"net/textproto"
	"strings"
)

// transact runs one transaction for one recipient on the open connection. On a server that
// offers PIPELINING (RFC 2920) it takes two round trips instead of four: MAIL, RCPT and DATA go
// out together and their answers are read in order, then the message and its final dot.
// Without it, each command waits for its answer. Each answer is classified at its own stage.
// When the server refuses an envelope command, the answers to the commands already sent behind
// it are read too, so the conversation stays in step for RSET and the next message.
func (ss *session) transact(to string, raw []byte) (string, *Error) {
	from := ss.s.from.Address
	if strings.ContainsAny(from+to, "\r\n") {
		return "", newError(StageRcpt, 1, errors.New("an address contains a line break"))
	}
	mailCmd := "MAIL FROM:<" + from + ">"
	if ok, _ := ss.conn.Extension("8BITMIME"); ok {
		mailCmd += " BODY=8BITMIME" // as go-mail's Client.Mail says it
	}
	if ok, _ := ss.conn.Extension("SMTPUTF8"); ok {
		mailCmd += " SMTPUTF8"
	}
	pipelined, _ := ss.conn.Extension("PIPELINING")
	cmds := []struct {
		line  string
		stage Stage
		want  int
	}{{mailCmd, StageMail, 250}, {"RCPT TO:<" + to + ">", StageRcpt, 25}, {"DATA", StageData, 354}}
	t := ss.conn.Text
	ids := make([]uint, len(cmds))
	sent := 0
	var first *Error
	for i, c := range cmds {
		if i == sent {
			if first != nil {
				break // refused: the commands behind it are not sent
			}
			n := i + 1
			if pipelined {
				n = len(cmds)
			}
			// One buffered write for the batch: one packet, no wait between its commands.
			for j := i; j < n; j++ {
				ids[j] = t.Next()
				t.StartRequest(ids[j])
				_, err := t.W.WriteString(cmds[j].line + "\r\n")
				t.EndRequest(ids[j])
				if err != nil {
					return "", newError(c.stage, 1, err)
				}
			}
			if err := t.W.Flush(); err != nil {
				return "", newError(c.stage, 1, err)
			}
			sent = n
		}
		t.StartResponse(ids[i])
		_, _, err := t.ReadResponse(c.want)
		t.EndResponse(ids[i])
		switch {
		case err == nil && c.stage == StageData && first != nil:
			// The server took DATA although an envelope command failed (RFC 2920 says it
			// must not): the session is no longer one we understand.
			ss.hangUp()
			return "", first
		case err == nil:
		case first == nil:
			first = newError(c.stage, 1, err)
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
		return "", newError(StageDataEnd, 1, err)
	}
	if err := w.Close(); err != nil {
		return "", newError(StageDataEnd, 1, err)
	}
	_, reply, err := t.ReadResponse(250)
	if err != nil {
		return "", newError(StageDataEnd, 1, err)
	}
	return reply, nil
}
