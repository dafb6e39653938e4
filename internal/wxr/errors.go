package wxr

import (
	"encoding/xml"
	"errors"
	"strings"
)

// Error is a problem that stops the file from being read: where it is, what is wrong and
// what to do about it.
type Error struct {
	Pos  Pos
	Msg  string
	Hint string
	Err  error // the XML decoder's error, when there was one
}

func (e *Error) Error() string {
	s := e.Pos.String() + ": " + e.Msg
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

const (
	hintReexport  = "Export the site again in WordPress (Tools › Export › All content) and import the new file."
	hintNotExport = "Create the file in WordPress with Tools › Export › All content; a feed (/feed/) or a backup plugin's file is not a WordPress export."
)

// syntaxError explains an XML error (the scanner reports them as encoding/xml's
// SyntaxError, with its messages) in words a publisher can act on.
func syntaxError(pos Pos, err error) *Error {
	msg := err.Error()
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		msg = se.Msg
	}
	e := &Error{Pos: pos, Err: err}
	switch {
	case msg == "unexpected EOF":
		e.Msg = "the file ends in the middle of the export: it is incomplete (cut short while downloading or uploading?)"
		e.Hint = hintReexport + " A complete export ends with </rss>."
	case strings.Contains(msg, "unescaped ]]> not in CDATA section"):
		e.Msg = "the file is not well-formed XML: a CDATA section contains \"]]>\" that was not split (" + msg + ")"
		e.Hint = "Some old plugins wrote this; WordPress escapes it as ]]]]><![CDATA[>. Fix it at this line in a text editor, or export again with a current WordPress."
	case strings.Contains(msg, "invalid UTF-8"):
		e.Msg = "the file is not valid UTF-8 at this point (" + msg + ")"
		e.Hint = "The export was probably re-saved in another encoding. Convert it to UTF-8 (for example: iconv -f WINDOWS-1252 -t UTF-8) or export again."
	case strings.Contains(msg, "closed by"):
		e.Msg = "the file is not well-formed XML: " + msg
		e.Hint = "The file was damaged or edited by hand, and WordPress's importer would refuse it too. " + hintReexport
	default:
		e.Msg = "the file is not well-formed XML: " + msg
		e.Hint = "WordPress's importer would refuse it too. " + hintReexport
	}
	return e
}
