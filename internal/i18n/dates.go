package i18n

import (
	"strconv"
	"strings"
	"time"
)

// Go's time.Format knows only English names, and golang.org/x/text has no date formatting,
// so each language's long date, month and time patterns (CLDR's "long" date and "short" time)
// are written here with its month names. The calendar is the Gregorian one WordPress uses in
// every language, Persian included.

type dateStyle struct {
	months [12]string
	date   func(d, m string, y string) string // day, month name, year
	month  func(m, y string) string
	time   func(t time.Time) string
	at     string // joins date and time: "%s at %s"
	digits string // the ten native digits, "" for ASCII
}

func clock24(t time.Time) string { return t.Format("15:04") }

var dateStyles = map[string]*dateStyle{
	"en": {
		months: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		date:   func(d, m, y string) string { return m + " " + d + ", " + y },
		month:  func(m, y string) string { return m + " " + y },
		time:   func(t time.Time) string { return t.Format("3:04 pm") },
		at:     "%s at %s",
	},
	"fr": {
		months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		date: func(d, m, y string) string {
			if d == "1" {
				d = "1er"
			}
			return d + " " + m + " " + y
		},
		month: func(m, y string) string { return m + " " + y },
		time:  clock24,
		at:    "%s à %s",
	},
	"de": {
		months: [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
		date:   func(d, m, y string) string { return d + ". " + m + " " + y },
		month:  func(m, y string) string { return m + " " + y },
		time:   clock24,
		at:     "%s um %s",
	},
	"es": {
		months: [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
		date:   func(d, m, y string) string { return d + " de " + m + " de " + y },
		month:  func(m, y string) string { return m + " de " + y },
		time:   clock24,
		at:     "%s a las %s",
	},
	"fa": {
		months: [12]string{"ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر"},
		date:   func(d, m, y string) string { return d + " " + m + " " + y },
		month:  func(m, y string) string { return m + " " + y },
		time:   clock24,
		at:     "%s ساعت %s",
		digits: "۰۱۲۳۴۵۶۷۸۹",
	},
	"zh-CN": {
		months: [12]string{"1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"},
		date:   func(d, m, y string) string { return y + "年" + m + d + "日" },
		month:  func(m, y string) string { return y + "年" + m },
		time:   clock24,
		at:     "%s %s",
	},
}

func style(lang string) *dateStyle { return dateStyles[Code(lang)] }

// Digits writes the ASCII digits of s in lang's native digits (Persian ۰–۹), for numbers that
// are not quantities: years, times, page numbers in a date.
func Digits(lang, s string) string {
	ds := style(lang).digits
	if ds == "" {
		return s
	}
	native := []rune(ds)
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(native[r-'0'])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Date is t's calendar date in lang's long form: "January 2, 2006", "2 janvier 2006",
// "2006年1月2日".
func Date(lang string, t time.Time) string {
	s := style(lang)
	return Digits(lang, s.date(strconv.Itoa(t.Day()), s.months[t.Month()-1], strconv.Itoa(t.Year())))
}

// Month is t's month and year: "January 2006", "janvier 2006", "2006年1月".
func Month(lang string, t time.Time) string {
	s := style(lang)
	return Digits(lang, s.month(s.months[t.Month()-1], strconv.Itoa(t.Year())))
}

// Year is t's year in lang's digits.
func Year(lang string, t time.Time) string { return Digits(lang, strconv.Itoa(t.Year())) }

// Time is t's time of day: "3:04 pm" in English, "15:04" elsewhere.
func Time(lang string, t time.Time) string { return Digits(lang, style(lang).time(t)) }

// DateTime is t's date and time: "January 2, 2006 at 3:04 pm", "2 janvier 2006 à 15:04".
func DateTime(lang string, t time.Time) string {
	s := style(lang)
	return strings.Replace(strings.Replace(s.at, "%s", Date(lang, t), 1), "%s", Time(lang, t), 1)
}
