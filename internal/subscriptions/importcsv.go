package subscriptions

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// ImportPlan is what the importer found in a CSV file: its likely origin and which columns
// hold the address, the date, the status and the name. The admin confirms or corrects it.
type ImportPlan struct {
	Format string // "Mailchimp", "Substack", "WordPress.com / Jetpack", "Broadside" or "CSV"
	Header []string
	Columns
	Sample [][]string // the first rows, for the preview
	Rows   int        // data rows
}

// Columns maps the file's columns (indexes into the header; -1 for none).
type Columns struct {
	Email, Date, Status, Name, LastName int
}

// MaxImportRows bounds one import (a larger list goes in several files).
const MaxImportRows = 200000

var (
	emailHeaders  = []string{"email", "email_address", "e-mail", "e_mail", "emailaddress", "mail", "subscriber_email", "user_email"}
	dateHeaders   = []string{"subscribed_at", "confirm_time", "optin_time", "created_at", "date_subscribed", "subscription_date", "subscribed", "date", "created", "timestamp", "signup_date"}
	statusHeaders = []string{"status", "state", "subscription_status", "email_disabled", "active"}
	nameHeaders   = []string{"name", "full_name", "first_name", "firstname", "display_name"}
	lastHeaders   = []string{"last_name", "lastname", "surname"}
)

func headerKey(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}

func findColumn(keys []string, names []string) int {
	for _, n := range names {
		for i, k := range keys {
			if k == strings.ReplaceAll(n, "-", "_") {
				return i
			}
		}
	}
	return -1
}

// readCSV parses the file (comma or semicolon separated, UTF-8 with or without BOM).
func readCSV(data []byte) ([][]string, error) {
	if !utf8.Valid(data) {
		return nil, broadside.Errorf(broadside.EINVALID, "The file is not UTF-8 text. Export it again as CSV (UTF-8).")
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, broadside.Errorf(broadside.EINVALID, "The file is not valid CSV: line %d: %v.", pe.Line, pe.Err)
			}
			return nil, broadside.Errorf(broadside.EINVALID, "The file is not valid CSV: %v.", err)
		}
		rows = append(rows, rec)
		if len(rows) > MaxImportRows+1 {
			return nil, broadside.Errorf(broadside.EINVALID, "The file has more than %d rows; split it into several files.", MaxImportRows)
		}
	}
	if len(rows) == 0 {
		return nil, broadside.Errorf(broadside.EINVALID, "The file is empty.")
	}
	return rows, nil
}

// DetectImport reads a CSV export and guesses its columns.
func DetectImport(data []byte) (*ImportPlan, error) {
	rows, err := readCSV(data)
	if err != nil {
		return nil, err
	}
	header := rows[0]
	keys := make([]string, len(header))
	for i, h := range header {
		keys[i] = headerKey(h)
	}
	p := &ImportPlan{Header: header, Rows: len(rows) - 1, Format: "CSV"}
	p.Email = findColumn(keys, emailHeaders)
	p.Date = findColumn(keys, dateHeaders)
	p.Status = findColumn(keys, statusHeaders)
	p.Name = findColumn(keys, nameHeaders)
	p.LastName = findColumn(keys, lastHeaders)
	has := func(names ...string) bool { return findColumn(keys, names) >= 0 }
	switch {
	case has("optin_time", "confirm_time", "member_rating", "leid", "euid"):
		p.Format = "Mailchimp"
		// Mailchimp exports one file per status: CONFIRM_TIME says a subscriber confirmed,
		// UNSUB_TIME and CLEAN_TIME that they left or bounced.
		if p.Status < 0 {
			p.Status = findColumn(keys, []string{"unsub_time", "clean_time", "confirm_time"})
		}
	case has("active_subscription", "email_disabled", "expiry", "plan"):
		p.Format = "Substack"
		if c := findColumn(keys, []string{"email_disabled"}); c >= 0 {
			p.Status = c
		}
	case has("date_subscribed", "subscription_date", "blog_id") || (p.Email >= 0 && keys[p.Email] == "email_address"):
		p.Format = "WordPress.com / Jetpack"
	case len(keys) >= 4 && keys[0] == "email" && keys[1] == "name" && keys[2] == "status" && keys[3] == "subscribed_at":
		p.Format = "Broadside"
	}
	if p.Email < 0 {
		// No header names the address: use the first column whose first value is one.
		for i := range header {
			if len(rows) > 1 && i < len(rows[1]) && broadside.ValidEmail(broadside.NormalizeEmail(rows[1][i])) {
				p.Email = i
				break
			}
		}
	}
	for _, r := range rows[1:min(len(rows), 6)] {
		p.Sample = append(p.Sample, r)
	}
	return p, nil
}

// ImportOptions is the mapping the admin confirmed.
type ImportOptions struct {
	Columns
	// SkipInvalid imports the good rows and reports the bad ones; without it one bad row
	// stops the whole import (nothing is written).
	SkipInvalid bool
}

// ImportResult says what an import did.
type ImportResult struct {
	Added, Confirmed, Pending, Unsubscribed, Bounced int
	Existing                                         int // already on the list: left as they are
	Duplicates                                       int // the same address twice in the file
	Errors                                           []RowError
	Written                                          bool
}

// RowError is a bad row, by its line in the file (the header is line 1).
type RowError struct {
	Line    int
	Message string
}

// Import adds the addresses of a CSV file in one transaction. An address is confirmed only
// when the file says it is (a status of subscribed/active/confirmed, Mailchimp's
// CONFIRM_TIME, Substack's email_disabled=false); otherwise it is pending and receives
// nothing until its owner confirms. Addresses already on the list are left alone, so an old
// export cannot re-subscribe someone who left.
func (s *Service) Import(ctx context.Context, u *broadside.User, data []byte, opt ImportOptions) (*ImportResult, error) {
	if err := mustManage(u); err != nil {
		return nil, err
	}
	rows, err := readCSV(data)
	if err != nil {
		return nil, err
	}
	header := rows[0]
	if opt.Email < 0 || opt.Email >= len(header) {
		return nil, &broadside.Error{Code: broadside.EINVALID, Message: "Choose the column that holds the email addresses.",
			Fields: map[string]string{"email_column": "Choose the column with the addresses."}}
	}
	statusKey := ""
	if opt.Status >= 0 && opt.Status < len(header) {
		statusKey = headerKey(header[opt.Status])
	}
	now := s.Now()
	res := &ImportResult{}
	var subs []*broadside.Subscriber
	seen := map[string]bool{}
	for i, row := range rows[1:] {
		line := i + 2
		if blankRow(row) {
			continue
		}
		sub, err := importRow(row, opt, statusKey, now)
		if err != nil {
			res.Errors = append(res.Errors, RowError{Line: line, Message: err.Error()})
			continue
		}
		if seen[sub.Email] {
			res.Duplicates++
			continue
		}
		seen[sub.Email] = true
		subs = append(subs, sub)
	}
	if len(res.Errors) > 0 && !opt.SkipInvalid {
		return res, nil
	}
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		for _, sub := range subs {
			added, err := tx.AddSubscriberIfNew(ctx, sub)
			if err != nil {
				return err
			}
			if !added {
				res.Existing++
				continue
			}
			res.Added++
			switch sub.Status {
			case broadside.SubscriberConfirmed:
				res.Confirmed++
			case broadside.SubscriberUnsubscribed:
				res.Unsubscribed++
			case broadside.SubscriberBounced:
				res.Bounced++
			default:
				res.Pending++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Written = true
	s.Log.Info("subscribers imported", "user_id", u.ID, "added", res.Added, "confirmed", res.Confirmed, "existing", res.Existing, "bad_rows", len(res.Errors))
	return res, nil
}

func blankRow(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func importRow(row []string, opt ImportOptions, statusKey string, now time.Time) (*broadside.Subscriber, error) {
	email := broadside.NormalizeEmail(strings.Trim(cell(row, opt.Email), "<>"))
	if email == "" {
		return nil, errors.New("no email address")
	}
	if !broadside.ValidEmail(email) {
		return nil, fmt.Errorf("%q is not a valid email address", broadside.Ellipsize(email, 80))
	}
	sub := &broadside.Subscriber{Email: email, Source: broadside.SourceImport, CreatedAt: now, UpdatedAt: now,
		Status: broadside.SubscriberPending}
	if d := cell(row, opt.Date); d != "" {
		t, ok := parseDate(d)
		if !ok {
			return nil, fmt.Errorf("%q is not a date", broadside.Ellipsize(d, 40))
		}
		sub.CreatedAt = t
	}
	name := cell(row, opt.Name)
	if last := cell(row, opt.LastName); last != "" && opt.LastName != opt.Name {
		name = strings.TrimSpace(name + " " + last)
	}
	sub.Name = broadside.Ellipsize(strings.Join(strings.Fields(name), " "), broadside.MaxSubscriberNameLen)
	sub.Status = importStatus(statusKey, cell(row, opt.Status))
	switch sub.Status {
	case broadside.SubscriberConfirmed:
		sub.ConfirmedAt = sub.CreatedAt
	case broadside.SubscriberUnsubscribed:
		sub.UnsubscribedAt = now
	}
	return sub, sub.Validate()
}

// importStatus reads a status cell. key is the status column's (normalised) name: for
// Mailchimp's time columns and Substack's email_disabled the meaning is in the name.
func importStatus(key, v string) broadside.SubscriberStatus {
	l := strings.ToLower(strings.TrimSpace(v))
	switch key {
	case "":
		return broadside.SubscriberPending
	case "confirm_time":
		if l != "" {
			return broadside.SubscriberConfirmed
		}
		return broadside.SubscriberPending
	case "unsub_time":
		if l != "" {
			return broadside.SubscriberUnsubscribed
		}
		return broadside.SubscriberPending
	case "clean_time":
		if l != "" {
			return broadside.SubscriberBounced
		}
		return broadside.SubscriberPending
	case "email_disabled":
		switch l {
		case "false", "no", "0":
			return broadside.SubscriberConfirmed
		case "true", "yes", "1":
			return broadside.SubscriberUnsubscribed
		}
		return broadside.SubscriberPending
	}
	switch l {
	case "subscribed", "confirmed", "active", "true", "yes", "1", "free", "paid", "comp", "gift", "founding", "opted_in", "opted-in":
		return broadside.SubscriberConfirmed
	case "unsubscribed", "inactive", "false", "no", "0", "disabled", "cancelled", "canceled", "opted_out", "opted-out":
		return broadside.SubscriberUnsubscribed
	case "cleaned", "bounced", "bounce", "invalid", "hard_bounce":
		return broadside.SubscriberBounced
	}
	return broadside.SubscriberPending
}

var dateLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02",
	"2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05 MST", "01/02/2006 15:04:05", "01/02/2006 15:04", "01/02/2006", "2006/01/02",
	"Jan 2, 2006", "January 2, 2006", "2 Jan 2006", time.RFC1123Z, time.RFC1123}

func parseDate(s string) (time.Time, bool) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil && t.Year() >= 1990 && t.Year() <= 9999 {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
