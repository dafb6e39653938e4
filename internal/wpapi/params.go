package wpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxBody bounds request bodies (the middleware limits POST; PUT and PATCH are limited here).
const maxBody = 2 << 20

// params are a request's parameters, looked up as WordPress does: the JSON body first, then
// a form body, then the query string.
type params struct {
	json  map[string]any
	form  url.Values
	query url.Values
	extra map[string]string // set by the server (context of embedded requests)
}

// parseParams reads the query string and, for writes, the body.
func (q *req) parseParams() error {
	q.p.query = q.r.URL.Query()
	if q.method == http.MethodGet || q.method == http.MethodHead {
		return nil
	}
	ct, _, _ := mime.ParseMediaType(q.r.Header.Get("Content-Type"))
	if q.streamsBody(ct) {
		return nil // a file for wp/v2/media, streamed by its handler (media.go)
	}
	body := http.MaxBytesReader(q.w, q.r.Body, maxBody)
	switch ct {
	case "application/json", "":
		b, err := io.ReadAll(body)
		if err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return newErr(http.StatusRequestEntityTooLarge, "rest_request_too_large", "The request body is too large.")
			}
			return newErr(http.StatusBadRequest, "rest_invalid_json", "Invalid JSON body passed.")
		}
		if s := strings.TrimSpace(string(b)); s != "" && s != "null" {
			var m map[string]any
			dec := json.NewDecoder(strings.NewReader(s))
			dec.UseNumber()
			if err := dec.Decode(&m); err != nil {
				return &apiError{Code: "rest_invalid_json", Message: "Invalid JSON body passed.", Status: http.StatusBadRequest,
					Extra: map[string]any{"json_error_message": err.Error()}}
			}
			q.p.json = m
		}
	case "application/x-www-form-urlencoded", "multipart/form-data":
		q.r.Body = body
		var err error
		if ct == "multipart/form-data" {
			err = q.r.ParseMultipartForm(maxBody)
		} else {
			err = q.r.ParseForm()
		}
		if err != nil {
			return newErr(http.StatusBadRequest, "rest_invalid_param", "The form body could not be read.")
		}
		q.p.form = q.r.PostForm
	}
	return nil
}

// lookup returns the raw value of name and whether it was given.
func (p *params) lookup(name string) (any, bool) {
	if v, ok := p.extra[name]; ok {
		return v, true
	}
	if v, ok := p.json[name]; ok {
		return v, true
	}
	for _, vals := range []url.Values{p.form, p.query} {
		if vs, ok := vals[name]; ok && len(vs) > 0 {
			return vs[len(vs)-1], true
		}
		if vs, ok := vals[name+"[]"]; ok {
			out := make([]any, len(vs))
			for i, s := range vs {
				out[i] = s
			}
			return out, true
		}
	}
	return nil, false
}

func (p *params) has(name string) bool {
	_, ok := p.lookup(name)
	return ok
}

// str returns a parameter as a string ("" when absent or not a scalar).
func (p *params) str(name string) string {
	v, _ := p.lookup(name)
	return scalar(v)
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// list returns a list parameter: a JSON array, repeated name[] values, or comma-separated.
func (p *params) list(name string) []string {
	v, ok := p.lookup(name)
	if !ok {
		return nil
	}
	var raw []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			raw = append(raw, strings.Split(scalar(e), ",")...)
		}
	default:
		raw = strings.Split(scalar(v), ",")
	}
	out := []string{}
	for _, s := range raw {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// text returns a content parameter given as a string or as {"raw": "…"} (both forms are
// what WordPress accepts for title, content and excerpt), and whether it was given. As in
// WordPress (isset($request['content']['raw'])), null and an object without "raw" count as
// not given: go-wordpress sends "content":{} with every update and means to keep it.
func (p *params) text(name string) (string, bool) {
	v, ok := p.lookup(name)
	if !ok || v == nil {
		return "", false
	}
	if m, isMap := v.(map[string]any); isMap {
		raw, has := m["raw"]
		if !has || raw == nil {
			return "", false
		}
		return scalar(raw), true
	}
	return scalar(v), true
}

// checker collects invalid parameters so one response names all of them, as WordPress does.
type checker struct {
	params  map[string]string
	details map[string]map[string]any
}

func (c *checker) bad(name, code, msg string) {
	if c.params == nil {
		c.params = map[string]string{}
		c.details = map[string]map[string]any{}
	}
	if _, dup := c.params[name]; dup {
		return
	}
	c.params[name] = msg
	c.details[name] = map[string]any{"code": code, "message": msg, "data": nil}
}

func (c *checker) err() error {
	if c.params == nil {
		return nil
	}
	return invalidParams(c.params, c.details)
}

// integer reads an integer parameter in [lo, hi] (hi 0: no upper bound).
func (c *checker) integer(p *params, name string, def, lo, hi int) int {
	if !p.has(name) {
		return def
	}
	s := p.str(name)
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		c.bad(name, "rest_invalid_type", name+" is not of type integer.")
		return def
	}
	switch {
	case hi > 0 && (n < lo || n > hi):
		c.bad(name, "rest_out_of_bounds", fmt.Sprintf("%s must be between %d (inclusive) and %d (inclusive)", name, lo, hi))
		return def
	case n < lo:
		c.bad(name, "rest_out_of_bounds", fmt.Sprintf("%s must be greater than or equal to %d", name, lo))
		return def
	}
	return n
}

// ids reads a list of non-negative integers; nil when absent.
func (c *checker) ids(p *params, name string) []int64 {
	if !p.has(name) {
		return nil
	}
	out := []int64{}
	for i, s := range p.list(name) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			c.bad(name, "rest_invalid_type", fmt.Sprintf("%s[%d] is not of type integer.", name, i))
			return nil
		}
		out = append(out, n)
	}
	return out
}

// enum reads a parameter that must be one of allowed.
func (c *checker) enum(p *params, name, def string, allowed ...string) string {
	if !p.has(name) {
		return def
	}
	v := p.str(name)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	c.bad(name, "rest_not_in_enum", name+" is not one of "+listWords(allowed)+".")
	return def
}

// listWords joins words as "a, b, and c" (WordPress's wp_sprintf_l).
func listWords(w []string) string {
	switch len(w) {
	case 0:
		return ""
	case 1:
		return w[0]
	case 2:
		return w[0] + " and " + w[1]
	}
	return strings.Join(w[:len(w)-1], ", ") + ", and " + w[len(w)-1]
}

// date reads an ISO 8601 date; without a zone it is in loc (WordPress reads such dates in
// the site's time zone).
func (c *checker) date(p *params, name string, loc *time.Location) time.Time {
	if !p.has(name) {
		return time.Time{}
	}
	t, ok := parseDate(p.str(name), loc)
	if !ok {
		c.bad(name, "rest_invalid_date", "Invalid date.")
	}
	return t
}

// storedDate reads a date to store (a post's date or date_gmt). Years outside 1000-9999 (the
// range of WordPress's DATETIME columns) are refused rather than stored: Go clients such as
// go-wordpress send their zero time, 0001-01-01T00:00:00, for a date they were not given, and
// taking it either as now or as the year 1 would silently misdate the post.
func (c *checker) storedDate(p *params, name string, loc *time.Location) time.Time {
	if !p.has(name) {
		return time.Time{}
	}
	t := c.date(p, name, loc)
	if y := t.In(loc).Year(); y < 1000 || y > 9999 {
		c.bad(name, "rest_invalid_date", "Invalid date: the year must be between 1000 and 9999.")
		return time.Time{}
	}
	return t
}

func parseDate(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// boolean reads a boolean parameter (true/false/1/0); def when absent.
func (c *checker) boolean(p *params, name string, def bool) bool {
	v, ok := p.lookup(name)
	if !ok {
		return def
	}
	if b, isBool := v.(bool); isBool {
		return b
	}
	switch strings.ToLower(scalar(v)) {
	case "true", "1":
		return true
	case "false", "0", "":
		return false
	}
	c.bad(name, "rest_invalid_type", name+" is not of type boolean.")
	return def
}

// paging is a collection request's page, per_page and offset.
type paging struct{ page, per, offset int }

func (c *checker) paging(p *params, maxPer int) paging {
	pg := paging{page: c.integer(p, "page", 1, 1, 0), per: c.integer(p, "per_page", 10, 1, maxPer)}
	pg.offset = c.integer(p, "offset", 0, 0, 0)
	return pg
}

// start is the index of the first item: offset wins over page, as in WordPress.
func (pg paging) start() int {
	if pg.offset > 0 {
		return pg.offset
	}
	return (pg.page - 1) * pg.per
}

// context reads the context parameter.
func (c *checker) context(p *params) string {
	return c.enum(p, "context", "view", "view", "embed", "edit")
}
