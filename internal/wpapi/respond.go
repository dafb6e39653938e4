package wpapi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/broadside/broadside"
)

// result is a handler's successful answer.
type result struct {
	status int
	body   any
	buf    *[]byte // a pooled buffer holding body (a rawJSON), freed once it is written
}

func ok(body any) (*result, error) { return &result{status: http.StatusOK, body: body}, nil }

// apiError is an error in WordPress's form: {"code", "message", "data": {"status", …}}.
type apiError struct {
	Code    string
	Message string
	Status  int
	Params  map[string]string         // data.params: per-parameter messages
	Details map[string]map[string]any // data.details: per-parameter error objects
	Missing []string                  // data.params for rest_missing_callback_param (a list)
	Extra   map[string]any            // further data fields (term_id …)
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func newErr(status int, code, msg string) *apiError {
	return &apiError{Code: code, Message: msg, Status: status}
}

func (e *apiError) object() obj {
	data := obj{{"status", e.Status}}
	if e.Missing != nil {
		data = append(data, kv{"params", e.Missing})
	} else if e.Params != nil {
		data = append(data, kv{"params", e.Params})
	}
	if e.Details != nil {
		data = append(data, kv{"details", e.Details})
	}
	keys := make([]string, 0, len(e.Extra))
	for k := range e.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		data = append(data, kv{k, e.Extra[k]})
	}
	return obj{{"code", e.Code}, {"message", e.Message}, {"data", data}}
}

func errNoRoute() *apiError {
	return newErr(http.StatusNotFound, "rest_no_route", "No route was found matching the URL and request method.")
}

// invalidParams is WordPress's rest_invalid_param for several parameters at once.
func invalidParams(params map[string]string, details map[string]map[string]any) *apiError {
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	return &apiError{Code: "rest_invalid_param", Message: "Invalid parameter(s): " + strings.Join(names, ", "),
		Status: http.StatusBadRequest, Params: params, Details: details}
}

func invalidParam(name, msg string) *apiError {
	return invalidParams(map[string]string{name: msg}, nil)
}

// fieldNames maps the domain's field names to the API's parameter names.
var fieldNames = map[string]string{
	"body": "content", "comment": "content", "author": "author_name", "email": "author_email", "url": "author_url",
	"comment_parent": "parent", "published_at": "date", "featured_image_url": "featured_media",
	"appeal": "meta", "notice": "meta",
}

// domainErr turns a service error into an API error; code names the failure where the
// domain error has no better one.
func (q *req) domainErr(err error, notFoundCode, notFoundMsg string) error {
	if _, isAPI := err.(*apiError); isAPI {
		return err
	}
	switch broadside.ErrorCode(err) {
	case broadside.ENOTFOUND:
		return newErr(http.StatusNotFound, notFoundCode, notFoundMsg)
	case broadside.EINVALID:
		fields := broadside.ErrorFields(err)
		if len(fields) == 0 {
			return newErr(http.StatusBadRequest, "rest_invalid_param", broadside.ErrorMessage(err))
		}
		params := map[string]string{}
		for k, v := range fields {
			if n, ok := fieldNames[k]; ok {
				k = n
			}
			params[k] = v
		}
		return invalidParams(params, nil)
	case broadside.EFORBIDDEN:
		return newErr(q.authCode(), "rest_forbidden", broadside.ErrorMessage(err))
	case broadside.EUNAUTHORIZED:
		return newErr(http.StatusUnauthorized, "rest_not_logged_in", broadside.ErrorMessage(err))
	case broadside.ECONFLICT:
		return newErr(http.StatusConflict, "rest_conflict", broadside.ErrorMessage(err))
	case broadside.ETOOMANYREQUEST:
		q.retryAfter(err)
		return newErr(http.StatusTooManyRequests, "rest_too_many_requests", broadside.ErrorMessage(err))
	case broadside.EUNAVAILABLE:
		q.retryAfter(err)
		return newErr(http.StatusServiceUnavailable, "rest_service_unavailable", broadside.ErrorMessage(err))
	}
	return err
}

// write sends a result or an error as JSON.
func (a *API) write(q *req, res *result, err error) {
	status, body := http.StatusOK, any(nil)
	if err != nil {
		ae, isAPI := q.domainErr(err, "rest_not_found", "Not found.").(*apiError)
		if !isAPI {
			a.Log.Error("api request failed", "request_id", a.requestID(q.r), "route", q.route, "err", err)
			ae = newErr(http.StatusInternalServerError, "internal_server_error", broadside.ErrorMessage(err))
		}
		status, body = ae.Status, ae.object()
	} else if res != nil {
		status, body = res.status, res.body
		if q.p.has("_fields") {
			body = filterFields(body, q.p.list("_fields"))
		}
	}
	var pooled *[]byte
	var buf []byte
	var encErr error
	if raw, isRaw := body.(rawJSON); isRaw && res.buf != nil {
		pooled, buf = res.buf, raw
	} else {
		pooled = getBuf()
		buf, encErr = appendJSON((*pooled)[:0], body)
	}
	defer putBuf(pooled)
	if encErr != nil {
		a.Log.Error("api response encoding failed", "request_id", a.requestID(q.r), "route", q.route, "err", encErr)
		buf = []byte(`{"code":"internal_server_error","message":"The response could not be encoded.","data":{"status":500}}`)
		status = http.StatusInternalServerError
	}
	buf = append(buf, '\n')
	h := q.w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(buf)))
	q.w.WriteHeader(status)
	if q.r.Method != http.MethodHead {
		_, _ = q.w.Write(buf)
	}
	*pooled = buf
}

// bufs holds answer buffers between requests. A comment list is tens of kilobytes; grown by
// doubling from a fresh buffer every time, it cost more allocation (and, with many clients at
// once, more live memory) than building the answer. The writer copies what it is given, so a
// buffer is free again once Write returns.
var bufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// maxPooledBuf is the largest buffer kept: a rare huge answer is not held for everyone after.
const maxPooledBuf = 1 << 20

// encodedList is a 200 answer of n objects, each encoded into a pooled buffer as soon as
// item builds it (write sends the buffer and frees it).
func encodedList(n int, item func(int) obj) (*result, error) {
	buf := getBuf()
	b, err := appendList(*buf, n, func(b []byte, i int) ([]byte, error) { return appendJSON(b, item(i)) })
	if err != nil {
		putBuf(buf)
		return nil, err
	}
	*buf = b
	return &result{status: http.StatusOK, body: rawJSON(b), buf: buf}, nil
}

func getBuf() *[]byte { return bufs.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > maxPooledBuf {
		return
	}
	*b = (*b)[:0]
	bufs.Put(b)
}

func (a *API) requestID(r *http.Request) string {
	if a.RequestID == nil {
		return ""
	}
	return a.RequestID(r)
}

// cors sends the headers WordPress's rest_send_cors_headers sends: the request's Origin is
// reflected, so browser apps on other sites can read public data. Unlike WordPress we do not
// send Access-Control-Allow-Credentials: WordPress needs a nonce before it trusts a cookie,
// we have none, so cross-site scripts must not be able to read cookie-authenticated answers.
// Application Passwords in an Authorization header work cross-origin all the same.
func (a *API) cors(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link")
	h.Set("Access-Control-Allow-Headers", "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type")
	if origin := r.Header.Get("Origin"); origin != "" && validOrigin(origin) {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Methods", "OPTIONS, GET, POST, PUT, PATCH, DELETE")
	}
}

// validOrigin accepts "null" and scheme://host[:port] origins; anything else (a header
// injection attempt, a path) is not reflected.
func validOrigin(o string) bool {
	if o == "null" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Path == "" &&
		u.RawQuery == "" && u.User == nil && !strings.ContainsAny(o, " \r\n\t,")
}

// paginate sets X-WP-Total, X-WP-TotalPages and the Link header with prev and next pages,
// as WordPress's collection controllers do.
func (q *req) paginate(total, page, per int) {
	pages := 0
	if per > 0 {
		pages = (total + per - 1) / per
	}
	h := q.header()
	// WordPress's spelling: Go would send X-Wp-Total; header names are case-insensitive, but
	// clients written against WordPress sometimes compare them exactly.
	h["X-WP-Total"] = []string{strconv.Itoa(total)}
	h["X-WP-TotalPages"] = []string{strconv.Itoa(pages)}
	base := q.r.URL.Query()
	base.Del("rest_route")
	link := func(n int, rel string) {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		h.Add("Link", "<"+q.restQuery(q.route, v)+`>; rel="`+rel+`"`)
	}
	if page > 1 {
		prev := page - 1
		if prev > pages {
			prev = pages
		}
		if prev >= 1 {
			link(prev, "prev")
		}
	}
	if pages > page {
		link(page+1, "next")
	}
}

// obj is a JSON object that keeps its keys in the order they were added, so responses read
// like WordPress's (schema order).
type obj []kv

type kv struct {
	k string
	v any
}

func (o obj) MarshalJSON() ([]byte, error) { return appendJSON(nil, o) }

func (o obj) get(k string) (any, bool) {
	for _, e := range o {
		if e.k == k {
			return e.v, true
		}
	}
	return nil, false
}

// with returns o with k set to v (replaced in place, or appended).
func (o obj) with(k string, v any) obj {
	for i := range o {
		if o[i].k == k {
			o[i].v = v
			return o
		}
	}
	return append(o, kv{k, v})
}

// filterFields applies WordPress's _fields: only the named keys of each item are kept; a
// dotted name ("title.rendered") keeps one nested key.
func filterFields(body any, fields []string) any {
	if len(fields) == 0 {
		return body
	}
	switch b := body.(type) {
	case []any:
		out := make([]any, len(b))
		for i, it := range b {
			out[i] = filterFields(it, fields)
		}
		return out
	case obj:
		return pick(b, fields)
	}
	return body
}

func pick(o obj, fields []string) obj {
	var out obj
	for _, e := range o {
		var sub []string
		whole := false
		for _, f := range fields {
			f = strings.TrimSpace(f)
			if f == e.k {
				whole = true
			} else if strings.HasPrefix(f, e.k+".") {
				sub = append(sub, strings.TrimPrefix(f, e.k+"."))
			}
		}
		switch {
		case whole:
			out = append(out, e)
		case len(sub) > 0:
			if inner, isObj := e.v.(obj); isObj {
				out = append(out, kv{e.k, pick(inner, sub)})
			}
		}
	}
	if out == nil {
		out = obj{}
	}
	return out
}

// WriteError writes an error in WordPress's form, for answers made outside the API handler
// (the web layer's cross-origin refusal of an API request).
func WriteError(w http.ResponseWriter, status int, code, msg string) {
	b, _ := json.Marshal(newErr(status, code, msg).object())
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// retryAfter sets Retry-After from a throttled error: the wait the sliding window computed,
// so clients neither hammer nor wait longer than they must.
func (q *req) retryAfter(err error) {
	if d := broadside.RetryAfter(err); d > 0 {
		q.header().Set("Retry-After", strconv.Itoa(int(d.Seconds())))
	}
}
