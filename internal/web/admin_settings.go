package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/i18n"
)

// permalinkChoices are WordPress's permalink presets.
var permalinkChoices = []struct{ Value, Label, Structure string }{
	{"day", "Day and name", broadside.DefaultPermalinkStructure},
	{"month", "Month and name", "/%year%/%monthnum%/%postname%/"},
	{"numeric", "Numeric", "/archives/%post_id%"},
	{"postname", "Post name", "/%postname%/"},
}

// moderationChoices are WordPress's wording for the moderation modes.
var moderationChoices = []struct{ Value, Label string }{
	{broadside.ModerateHoldAll, "Comment must be manually approved"},
	{broadside.ModerateHoldUnlessPrior, "Comment author must have a previously approved comment"},
	{broadside.ModeratePublish, "Publish comments immediately"},
}

// commonZones fill the time zone datalist; any IANA name is accepted.
var commonZones = []string{"UTC", "Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "Europe/Madrid",
	"Europe/Rome", "Europe/Amsterdam", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens", "Europe/Kyiv",
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
	"America/Mexico_City", "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "Africa/Lagos", "Africa/Johannesburg",
	"Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Asia/Manila", "Australia/Sydney", "Pacific/Auckland"}

// settingsData is the settings form. Values holds every input as text, keyed by input name,
// so a rejected form shows exactly what was typed.
type settingsData struct {
	adminPage
	Values     map[string]string
	Permalinks []option
	Moderation []option
	Zones      []string
	Languages  []option
}

// Checkbox inputs of the settings form.
var settingsChecks = []string{"support_enabled", "license_enabled", "comments_enabled", "newest_first",
	"require_name_email", "notify_author", "feed_full_text", "keep_image_metadata", "require_two_factor_admins",
	"gravatar"}

func settingsValues(set *broadside.Settings) map[string]string {
	d := set.Discussion
	itoa := strconv.Itoa
	v := map[string]string{
		"title": set.Title, "tagline": set.Tagline, "base_url": set.BaseURL, "timezone": set.Timezone,
		"language":            set.Language,
		"permalink_structure": set.PermalinkStructure, "permalink_choice": "custom", "posts_per_page": itoa(set.PostsPerPage),
		"feed_items":   itoa(set.FeedItems),
		"support_text": set.Support.Text, "support_link_url": set.Support.LinkURL, "support_link_label": set.Support.LinkLabel,
		"license_text": set.License.Text, "license_link_url": set.License.LinkURL, "license_link_text": set.License.LinkText,
		"moderation_mode": d.ModerationMode, "max_links": itoa(d.MaxLinks), "moderation_keys": d.ModerationKeys,
		"disallowed_keys": d.DisallowedKeys, "close_after_days": itoa(d.CloseAfterDays), "max_depth": itoa(d.MaxDepth),
		"comments_per_page": itoa(d.PerPage), "max_length": itoa(d.MaxLength), "min_submit_seconds": itoa(d.MinSubmitSeconds),
		"rate_limit_per_minute": itoa(d.RateLimitPerMinute),
		"report_threshold":      itoa(d.ReportThreshold), "edit_minutes": itoa(d.EditMinutes),
	}
	for _, c := range permalinkChoices {
		if c.Structure == set.PermalinkStructure {
			v["permalink_choice"] = c.Value
		}
	}
	checks := []bool{set.Support.Enabled, set.License.Enabled, d.CommentsEnabled, d.NewestFirst, d.RequireNameEmail, d.NotifyAuthor,
		set.FeedFullText, set.KeepImageMetadata, set.RequireTwoFactorAdmins, d.Gravatar}
	for i, name := range settingsChecks {
		if checks[i] {
			v[name] = "on"
		}
	}
	return v
}

// readSettings applies the submitted form to set. Numbers that are not numbers become field
// errors (the field keeps what was typed), never a 500.
func readSettings(f url.Values, set *broadside.Settings) (map[string]string, broadside.FieldErrors) {
	vals := map[string]string{}
	for k := range settingsValues(set) {
		vals[k] = f.Get(k)
	}
	for _, name := range settingsChecks {
		if f.Get(name) != "" {
			vals[name] = "on"
		} else {
			vals[name] = ""
		}
	}
	fe := broadside.FieldErrors{}
	num := func(name string, dst *int) {
		s := strings.TrimSpace(vals[name])
		n, err := strconv.Atoi(s)
		if err != nil {
			fe.Add(name, "Enter a whole number.")
			return
		}
		*dst = n
	}
	trim := strings.TrimSpace
	set.Title, set.Tagline, set.BaseURL, set.Timezone = trim(vals["title"]), trim(vals["tagline"]), trim(vals["base_url"]), trim(vals["timezone"])
	set.PermalinkStructure = trim(vals["permalink_structure"])
	// A form without the menu (older scripts) keeps the language.
	if _, sent := f["language"]; sent {
		set.Language = trim(vals["language"])
	} else {
		vals["language"] = set.Language
	}
	for _, c := range permalinkChoices {
		if vals["permalink_choice"] == c.Value {
			set.PermalinkStructure = c.Structure
		}
	}
	num("posts_per_page", &set.PostsPerPage)
	num("feed_items", &set.FeedItems)
	set.FeedFullText = vals["feed_full_text"] != ""
	set.KeepImageMetadata = vals["keep_image_metadata"] != ""
	set.RequireTwoFactorAdmins = vals["require_two_factor_admins"] != ""
	set.Support = broadside.SupportAppeal{Enabled: vals["support_enabled"] != "", Text: trim(vals["support_text"]),
		LinkURL: trim(vals["support_link_url"]), LinkLabel: trim(vals["support_link_label"])}
	set.License = broadside.Notice{Enabled: vals["license_enabled"] != "", Text: trim(vals["license_text"]),
		LinkURL: trim(vals["license_link_url"]), LinkText: trim(vals["license_link_text"])}
	d := &set.Discussion
	d.CommentsEnabled, d.NewestFirst = vals["comments_enabled"] != "", vals["newest_first"] != ""
	d.RequireNameEmail, d.NotifyAuthor = vals["require_name_email"] != "", vals["notify_author"] != ""
	d.Gravatar = vals["gravatar"] != ""
	d.ModerationMode = vals["moderation_mode"]
	d.ModerationKeys = strings.ReplaceAll(vals["moderation_keys"], "\r\n", "\n")
	d.DisallowedKeys = strings.ReplaceAll(vals["disallowed_keys"], "\r\n", "\n")
	num("max_links", &d.MaxLinks)
	num("close_after_days", &d.CloseAfterDays)
	num("max_depth", &d.MaxDepth)
	num("comments_per_page", &d.PerPage)
	num("max_length", &d.MaxLength)
	num("min_submit_seconds", &d.MinSubmitSeconds)
	num("rate_limit_per_minute", &d.RateLimitPerMinute)
	// Settings added later keep their value when an older form (or a script) leaves them out.
	for name, dst := range map[string]*int{"report_threshold": &d.ReportThreshold, "edit_minutes": &d.EditMinutes} {
		if _, sent := f[name]; sent {
			num(name, dst)
		} else {
			vals[name] = strconv.Itoa(*dst)
		}
	}
	return vals, fe
}

// GET /admin/settings
func (s *Server) handleSettingsForm(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	set, err := s.Settings.Load(r.Context())
	if err != nil {
		return err
	}
	s.renderSettings(w, r, http.StatusOK, &settingsData{Values: settingsValues(&set)})
	return nil
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, d *settingsData) {
	v, ap := s.adminView(w, r, "settings", "Settings")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	for _, c := range permalinkChoices {
		d.Permalinks = append(d.Permalinks, option{Value: c.Value, Label: c.Label, Prefix: c.Structure,
			Selected: d.Values["permalink_choice"] == c.Value})
	}
	for _, c := range moderationChoices {
		d.Moderation = append(d.Moderation, option{Value: c.Value, Label: c.Label, Selected: d.Values["moderation_mode"] == c.Value})
	}
	d.Zones = commonZones
	for _, l := range i18n.Languages {
		code := l.Code
		if code == i18n.Default {
			code = "" // English is the unset language, as WordPress's empty WPLANG
		}
		d.Languages = append(d.Languages, option{Value: code, Label: l.Name, Selected: d.Values["language"] == code})
	}
	v.Data = d
	s.page(w, r, status, "admin/settings", v)
}

// POST /admin/settings
func (s *Server) handleSettingsSave(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	return s.saveSettingsForm(w, r, u, readSettings, func(vals map[string]string, err error) error {
		d := &settingsData{Values: vals}
		d.formErr(err)
		s.renderSettings(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}, func(*broadside.Settings) {
		s.Log.Info("settings saved", "user_id", u.ID)
		s.flash(w, r, "Settings saved.")
		redirect(w, r, "/admin/settings")
	})
}

// saveSettingsForm is the POST of a settings form (administrators only): read applies the
// submitted form to the site's settings, returning what was typed and the errors the form
// itself finds; the settings service validates the whole and saves it, recording the change.
// Every problem is shown at once (the form's, then what Validate finds in the rest) by
// invalid, given what was typed; saved answers the request when the settings were saved.
func (s *Server) saveSettingsForm(w http.ResponseWriter, r *http.Request, u *broadside.User,
	read func(url.Values, *broadside.Settings) (map[string]string, broadside.FieldErrors),
	invalid func(vals map[string]string, err error) error, saved func(*broadside.Settings)) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	set, err := s.Settings.Load(r.Context())
	if err != nil {
		return err
	}
	vals, fe := read(r.PostForm, &set)
	for k, m := range broadside.ErrorFields(set.Validate()) {
		fe.Add(k, m)
	}
	err = fe.Err()
	if err == nil {
		err = s.Settings.Save(r.Context(), set, u)
	}
	if err != nil {
		if code := statusOf(err); code >= 500 || code == http.StatusForbidden {
			return err
		}
		return invalid(vals, err)
	}
	saved(&set)
	return nil
}
