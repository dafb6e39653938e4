package mail_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/broadside/broadside/internal/mail"
)

// lockstepServer is an SMTP server that does not offer PIPELINING (mailtest's go-smtp always
// does): it answers each command as it comes and records the commands it was sent.
type lockstepServer struct {
	mu   sync.Mutex
	cmds []string
}

func (ls *lockstepServer) received() []string {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return append([]string(nil), ls.cmds...)
}

func startLockstep(t *testing.T) (*lockstepServer, mail.SMTPConfig) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ls := &lockstepServer{}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go ls.serve(c)
		}
	}()
	addr := l.Addr().(*net.TCPAddr)
	return ls, mail.SMTPConfig{Host: "127.0.0.1", Port: addr.Port, TLS: mail.TLSNone}
}

func (ls *lockstepServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(s string) { _, _ = c.Write([]byte(s + "\r\n")) }
	say("220 lockstep ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		ls.mu.Lock()
		ls.cmds = append(ls.cmds, line)
		ls.mu.Unlock()
		switch verb := strings.ToUpper(strings.Fields(line + " x")[0]); {
		case verb == "EHLO":
			say("250-lockstep\r\n250 8BITMIME")
		case verb == "RCPT" && strings.Contains(line, "gone@"):
			say("550 5.1.1 no such user")
		case verb == "DATA":
			say("354 go ahead")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			say("250 2.0.0 queued as L1")
		case verb == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

// TestTransactionWithoutPipelining: a server without PIPELINING gets one command at a time:
// after it refuses the recipient, DATA is never sent and RSET readies the connection for the
// next message, which goes through on it. The envelope addresses are in angle brackets (RFC
// 5321), as on a pipelining server.
func TestTransactionWithoutPipelining(t *testing.T) {
	ls, cfg := startLockstep(t)
	s := newSender(t, cfg)
	ctx := context.Background()
	_, err := s.Send(ctx, testMessage("gone@example.net"))
	var me *mail.Error
	if !errors.As(err, &me) || me.Class != mail.ClassRecipient || me.Code != 550 || me.Stage != mail.StageRcpt {
		t.Fatalf("refused recipient: %v", err)
	}
	reply, err := s.Send(ctx, testMessage("reader@example.net"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reply, "queued as L1") {
		t.Errorf("reply %q", reply)
	}
	var got []string
	for _, c := range ls.received() {
		if !strings.HasPrefix(c, "EHLO") {
			got = append(got, c)
		}
	}
	want := []string{
		"MAIL FROM:<news@example.org> BODY=8BITMIME", "RCPT TO:<gone@example.net>", "RSET",
		"MAIL FROM:<news@example.org> BODY=8BITMIME", "RCPT TO:<reader@example.net>", "DATA",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("commands:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
