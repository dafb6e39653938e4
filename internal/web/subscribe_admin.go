package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/subscriptions"
)

const subscribersPerPage = 50

type statusTab struct {
	Status, Label, URL string
	Count              int
	Current            bool
}

type subscriberRow struct {
	ID                          int64
	Email, Name, Status, Source string
	Date                        string
	Supporter                   bool
}

type growthRow struct {
	Label string
	New   int
}

type newsletterRow struct {
	PostID                int64
	Title, Status         string
	Sent, Failed, Waiting int
}

type subscribersData struct {
	adminPage
	MailEnabled   bool
	Status, Query string
	Tabs          []statusTab
	Rows          []subscriberRow
	Pager         pager
	Growth        []growthRow
	GrowthMax     int
	Add           subscriptions.AddInput
	Newsletters   []newsletterRow
	Suspended     int
}

// GET /admin/subscribers
func (s *Server) handleSubscriberList(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	return s.renderSubscribers(w, r, u, http.StatusOK, subscriptions.AddInput{Confirm: true}, nil)
}

func (s *Server) renderSubscribers(w http.ResponseWriter, r *http.Request, u *broadside.User, code int, add subscriptions.AddInput, formErr error) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	ctx := r.Context()
	v, ap := s.adminView(w, r, "subscribers", "Subscribers")
	if formErr != nil {
		ap.formErr(formErr)
	}
	q := r.URL.Query()
	d := &subscribersData{adminPage: ap, MailEnabled: s.Subscriptions.Enabled(), Query: strings.TrimSpace(q.Get("q")), Add: add}
	if st := broadside.SubscriberStatus(q.Get("status")); broadside.ValidSubscriberStatus(st) {
		d.Status = string(st)
	}
	counts, err := s.Subscriptions.Counts(ctx)
	if err != nil {
		return err
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	tab := func(st, label string, n int) statusTab {
		u := "/admin/subscribers"
		if st != "" {
			u += "?status=" + st
		}
		return statusTab{Status: st, Label: label, URL: u, Count: n, Current: st == d.Status}
	}
	d.Tabs = append(d.Tabs, tab("", "All", total))
	d.Suspended = counts[broadside.SubscriberBounced]
	for _, st := range broadside.SubscriberStatuses {
		d.Tabs = append(d.Tabs, tab(string(st), string(st), counts[st]))
	}
	page := pageParam(r)
	rows, n, err := s.Subscriptions.List(ctx, u, broadside.SubscriberFilter{Status: broadside.SubscriberStatus(d.Status), Search: d.Query,
		Limit: subscribersPerPage, Offset: (page - 1) * subscribersPerPage})
	if err != nil {
		return err
	}
	st := v.Site
	for _, sub := range rows {
		d.Rows = append(d.Rows, subscriberRow{ID: sub.ID, Email: sub.Email, Name: sub.Name, Status: string(sub.Status), Source: sub.Source,
			Date: formatDate(st.Local(sub.CreatedAt)), Supporter: sub.Supporter})
	}
	d.Pager = adminPager(r, page, n, subscribersPerPage)
	weeks, err := s.Subscriptions.Growth(ctx, 12, st.loc)
	if err != nil {
		return err
	}
	d.GrowthMax = 1
	for _, wk := range weeks {
		d.Growth = append(d.Growth, growthRow{Label: wk.Start.Format("Jan 2"), New: wk.New})
		d.GrowthMax = max(d.GrowthMax, wk.New)
	}
	if s.Newsletter != nil {
		ns, ps, err := s.Newsletter.Recent(ctx, 10)
		if err != nil {
			return err
		}
		for i, n := range ns {
			status := n.Status
			if n.Paused() {
				status = "paused: the mail server refuses it"
			}
			d.Newsletters = append(d.Newsletters, newsletterRow{PostID: n.PostID, Title: orUntitled(n.PostTitle), Status: status,
				Sent: ps[i].Sent, Failed: ps[i].Failed, Waiting: ps[i].Pending + ps[i].Sending})
		}
	}
	v.Data = d
	s.page(w, r, code, "admin/subscribers", v)
	return nil
}

func orUntitled(t string) string {
	if strings.TrimSpace(t) == "" {
		return "(no title)"
	}
	return t
}

// POST /admin/subscribers
func (s *Server) handleSubscriberAdd(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	in := subscriptions.AddInput{Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name"), Confirm: r.PostForm.Get("confirm") != ""}
	sub, err := s.Subscriptions.Add(r.Context(), u, in, ClientIP(r))
	if err != nil {
		if code := statusOf(err); code == http.StatusUnprocessableEntity {
			return s.renderSubscribers(w, r, u, code, in, err)
		}
		return err
	}
	msg := sub.Email + " added and confirmed."
	if in.Confirm {
		msg = sub.Email + " added; a confirmation email is on its way."
	}
	s.flashLink(w, r, msg, "View", "/admin/subscribers/"+strconv.FormatInt(sub.ID, 10))
	redirect(w, r, "/admin/subscribers")
	return nil
}

// GET /admin/subscribers/export.csv
func (s *Server) handleSubscriberExport(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="subscribers-`+s.Now().UTC().Format("2006-01-02")+`.csv"`)
	if err := s.Subscriptions.ExportCSV(r.Context(), u, w); err != nil {
		s.Log.Error("subscriber export failed", "request_id", requestID(r), "err", err)
	}
	return nil
}

type subscriberData struct {
	adminPage
	Sub                              *broadside.Subscriber
	Created, Confirmed, Unsubscribed string
	Actions                          []option
}

// GET /admin/subscribers/{id}
func (s *Server) handleSubscriberShow(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sub, err := s.Subscriptions.Get(r.Context(), u, id)
	if err != nil {
		return err
	}
	v, ap := s.adminView(w, r, "subscribers", sub.Email)
	st := v.Site
	when := func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return formatDateTime(st.Local(t))
	}
	d := &subscriberData{adminPage: ap, Sub: sub, Created: when(sub.CreatedAt), Confirmed: when(sub.ConfirmedAt), Unsubscribed: when(sub.UnsubscribedAt)}
	switch sub.Status {
	case broadside.SubscriberConfirmed:
		d.Actions = []option{{Value: string(broadside.SubscriberUnsubscribed), Label: "Unsubscribe"}}
	case broadside.SubscriberBounced:
		d.Actions = []option{{Value: string(broadside.SubscriberConfirmed), Label: "Lift the bounce suspension"},
			{Value: string(broadside.SubscriberUnsubscribed), Label: "Unsubscribe"}}
	case broadside.SubscriberPending:
		d.Actions = []option{{Value: string(broadside.SubscriberUnsubscribed), Label: "Unsubscribe"}}
	}
	v.Data = d
	s.page(w, r, http.StatusOK, "admin/subscriber", v)
	return nil
}

// GET /admin/subscribers/{id}/export.json
func (s *Server) handleSubscriberExportOne(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	x, err := s.Subscriptions.ExportOne(r.Context(), u, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="subscriber-`+strconv.FormatInt(id, 10)+`.json"`)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(x)
	return nil
}

// POST /admin/subscribers/{id}/status
func (s *Server) handleSubscriberStatus(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.Subscriptions.SetStatus(r.Context(), u, id, broadside.SubscriberStatus(r.FormValue("status"))); err != nil {
		return err
	}
	s.flash(w, r, "Status changed.")
	redirect(w, r, "/admin/subscribers/"+strconv.FormatInt(id, 10))
	return nil
}

// POST /admin/subscribers/{id}/delete
func (s *Server) handleSubscriberDelete(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if r.FormValue("sure") == "" {
		return broadside.Errorf(broadside.EINVALID, "Tick the box to confirm that the subscriber and their data should be erased.")
	}
	if err := s.Subscriptions.Delete(r.Context(), u, id); err != nil {
		return err
	}
	s.flash(w, r, "The subscriber and everything stored about them were deleted.")
	redirect(w, r, "/admin/subscribers")
	return nil
}

type selectField struct {
	Name, Label, Help string
	Options           []option
}

type importData struct {
	adminPage
	Plan    *subscriptions.ImportPlan
	CSV     string
	Selects []selectField
	Result  *subscriptions.ImportResult
}

// GET /admin/subscribers/import
func (s *Server) handleImportForm(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	return s.renderImport(w, r, u, http.StatusOK, &importData{})
}

func (s *Server) renderImport(w http.ResponseWriter, r *http.Request, u *broadside.User, code int, d *importData) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	v, ap := s.adminView(w, r, "subscribers", "Import subscribers")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	v.Data = d
	s.page(w, r, code, "admin/subscribers_import", v)
	return nil
}

// maxImportBytes keeps an upload (and the form that carries it back for confirmation) under
// the 2 MiB every POST is limited to.
const maxImportBytes = 1536 << 10

// POST /admin/subscribers/import
// Reads the upload, detects its columns and shows them for the admin to confirm.
func (s *Server) handleImportUpload(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	bad := func(msg string) error {
		d := &importData{}
		d.formErr(&broadside.Error{Code: broadside.EINVALID, Message: msg, Fields: map[string]string{"file": msg}})
		return s.renderImport(w, r, u, http.StatusUnprocessableEntity, d)
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		return bad("Choose a CSV file to upload (at most 1.5 MB).")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxImportBytes+1))
	if err != nil || len(data) > maxImportBytes {
		return bad("The file is too large: split it into files of at most 1.5 MB.")
	}
	plan, err := subscriptions.DetectImport(data)
	if err != nil {
		return bad(broadside.ErrorMessage(err))
	}
	return s.renderImport(w, r, u, http.StatusOK, s.importMapping(plan, string(data)))
}

func (s *Server) importMapping(plan *subscriptions.ImportPlan, csv string) *importData {
	cols := func(name, label, help string, chosen int, none string) selectField {
		f := selectField{Name: name, Label: label, Help: help}
		if none != "" {
			f.Options = append(f.Options, option{Value: "-1", Label: none, Selected: chosen < 0})
		}
		for i, h := range plan.Header {
			if strings.TrimSpace(h) == "" {
				h = "column " + strconv.Itoa(i+1)
			}
			f.Options = append(f.Options, option{Value: strconv.Itoa(i), Label: h, Selected: i == chosen})
		}
		return f
	}
	return &importData{Plan: plan, CSV: csv, Selects: []selectField{
		cols("email_column", "Email address", "", plan.Email, ""),
		cols("date_column", "Subscription date", "Empty: today.", plan.Date, "(none)"),
		cols("status_column", "Status", "Only a status that says subscribed (or confirmed, active) confirms an address; without one every address is pending.", plan.Status, "(none: import as pending)"),
		cols("name_column", "Name", "", plan.Name, "(none)"),
		cols("last_name_column", "Last name", "", plan.LastName, "(none)"),
	}}
}

// POST /admin/subscribers/import/commit
func (s *Server) handleImportCommit(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read; the file may be too large.")
	}
	f := r.PostForm
	col := func(name string) int {
		n, err := strconv.Atoi(f.Get(name))
		if err != nil {
			return -1
		}
		return n
	}
	data := f.Get("csv")
	opt := subscriptions.ImportOptions{Columns: subscriptions.Columns{Email: col("email_column"), Date: col("date_column"),
		Status: col("status_column"), Name: col("name_column"), LastName: col("last_name_column")}, SkipInvalid: f.Get("skip_invalid") != ""}
	res, err := s.Subscriptions.Import(r.Context(), u, []byte(data), opt)
	if err != nil {
		if statusOf(err) == http.StatusUnprocessableEntity {
			d := &importData{}
			if plan, perr := subscriptions.DetectImport([]byte(data)); perr == nil {
				d = s.importMapping(plan, data)
			}
			d.formErr(err)
			return s.renderImport(w, r, u, http.StatusUnprocessableEntity, d)
		}
		return err
	}
	d := &importData{Result: res}
	if len(res.Errors) > 50 {
		res.Errors = res.Errors[:50]
	}
	code := http.StatusOK
	if !res.Written {
		code = http.StatusUnprocessableEntity
		if plan, perr := subscriptions.DetectImport([]byte(data)); perr == nil {
			m := s.importMapping(plan, data)
			d.Plan, d.CSV, d.Selects = m.Plan, m.CSV, m.Selects
		}
	}
	return s.renderImport(w, r, u, code, d)
}

type newsletterData struct {
	adminPage
	Title, EditURL, Status string
	Started, Finished      string
	P                      broadside.NewsletterProgress
	Total, Done, Waiting   int
	LastError              string
	Failed, Retrying       []broadside.Delivery
	// Paused: the newsletter stopped itself because the mail server refuses to send it;
	// LastError is the server's answer. CanResume: the user may resume it.
	Paused, CanResume bool
	PausedAt          string
	PostID            int64
}

// GET /admin/newsletters/{id}
// The progress of a post's newsletter (id is the post's id).
func (s *Server) handleNewsletterReport(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.Posts.Get(r.Context(), id)
	if err != nil {
		return err
	}
	rep, err := s.Newsletter.Report(r.Context(), u, p)
	if err != nil {
		return err
	}
	v, ap := s.adminView(w, r, "posts", "Newsletter")
	st := v.Site
	n := rep.Newsletter
	d := &newsletterData{adminPage: ap, Title: orUntitled(p.Title), EditURL: "/admin/posts/" + strconv.FormatInt(p.ID, 10),
		Status: n.Status, P: rep.Progress, Total: rep.Progress.Total(), LastError: n.LastError, Failed: rep.Failed, Retrying: rep.Retrying}
	d.Done = d.P.Sent + d.P.Failed + d.P.Skipped
	d.Waiting = d.P.Pending + d.P.Sending
	if !n.StartedAt.IsZero() {
		d.Started = formatDateTime(st.Local(n.StartedAt))
	}
	if !n.FinishedAt.IsZero() {
		d.Finished = formatDateTime(st.Local(n.FinishedAt))
	}
	if n.Status == broadside.NewsletterQueued {
		d.Status = "queued (waiting for the job worker)"
	}
	if n.Paused() {
		d.Status, d.Paused, d.CanResume = "paused", true, u.CanManageSite()
		d.PausedAt, d.PostID = formatDateTime(st.Local(n.PausedAt)), p.ID
	}
	v.Data = d
	s.page(w, r, http.StatusOK, "admin/newsletter", v)
	return nil
}
