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
	cmds := []envelopeCmd{{mailCmd, StageMail, 250}, {"RCPT TO:<" + to + ">", StageRcpt, 25}, {"DATA", StageData, 354}}
	t := ss.conn.Text
	if pipelined {
		if err := ss.pipeline(cmds); err != nil {
			return "", err
		}
	} else {
		// Each command waits for its answer; a refusal ends the transaction there.
		for i, c := range cmds {
			ids, err := sendBatch(t, cmds[i:i+1])
			if err != nil {
				return "", err
			}
			if err := readAnswer(t, ids[0], c); err != nil {
				return "", newError(c.stage, 1, err)
			}
		}
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

// envelopeCmd is one command of a transaction's envelope, the stage its answer is classified
// at, and the answer it wants (textproto's: 25 takes any 25x).
type envelopeCmd struct {
	line  string
	stage Stage
	want  int
}

// sendBatch writes cmds in one buffered write: one packet, no wait between them. A failed
// write is classified at the stage of the batch's first command.
func sendBatch(t *textproto.Conn, cmds []envelopeCmd) ([]uint, *Error) {
	ids := make([]uint, len(cmds))
	for i, c := range cmds {
		ids[i] = t.Next()
		t.StartRequest(ids[i])
		_, err := t.W.WriteString(c.line + "\r\n")
		t.EndRequest(ids[i])
		if err != nil {
			return nil, newError(cmds[0].stage, 1, err)
		}
	}
	if err := t.W.Flush(); err != nil {
		return nil, newError(cmds[0].stage, 1, err)
	}
	return ids, nil
}

// readAnswer reads the answer to the command sent as id.
func readAnswer(t *textproto.Conn, id uint, c envelopeCmd) error {
	t.StartResponse(id)
	defer t.EndResponse(id)
	_, _, err := t.ReadResponse(c.want)
	return err
}

// pipeline sends the envelope in one write, then reads every answer in order, so the
// conversation stays in step for RSET and the next message even when a command behind a
// refused one was answered too. It returns the first refusal.
func (ss *session) pipeline(cmds []envelopeCmd) *Error {
	t := ss.conn.Text
	ids, werr := sendBatch(t, cmds)
	if werr != nil {
		return werr
	}
	var first *Error
	for i, c := range cmds {
		err := readAnswer(t, ids[i], c)
		switch {
		case err == nil && c.stage == StageData && first != nil:
			// The server took DATA although an envelope command failed (RFC 2920 says it
			// must not): the session is no longer one we understand.
			ss.hangUp()
			return first
		case err == nil:
		case first == nil:
			first = newError(c.stage, 1, err)
			if _, ok := err.(*textproto.Error); !ok {
				return first // no answer at all: recover replaces the connection
			}
		}
	}
	return first
}
