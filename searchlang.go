package broadside

import "strings"

// SearchLanguage returns the language search indexes a site in, from the site's language
// setting ("fr", "zh-CN", "pt_BR"; empty means English, as an unset WPLANG does): its base
// language, lowercase.
func SearchLanguage(siteLanguage string) string {
	if lang := BaseLanguage(strings.TrimSpace(siteLanguage)); lang != "" {
		return lang
	}
	return "en"
}

// BaseLanguage returns a language tag's base language, lowercase: "fr" for "fr", "zh" for
// "zh-CN", "pt" for "pt_BR" (WordPress writes an underscore); empty for an empty tag.
func BaseLanguage(tag string) string {
	base, _, _ := strings.Cut(strings.ToLower(tag), "-")
	base, _, _ = strings.Cut(base, "_")
	return base
}

// textSearchConfigs are the stemming configurations of a stock PostgreSQL 15, by language.
var textSearchConfigs = map[string]string{
	"ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek", "en": "english",
	"es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi",
	"hu": "hungarian", "hy": "armenian", "id": "indonesian", "it": "italian", "lt": "lithuanian",
	"nb": "norwegian", "ne": "nepali", "nl": "dutch", "nn": "norwegian", "no": "norwegian",
	"pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian", "sv": "swedish",
	"ta": "tamil", "tr": "turkish", "yi": "yiddish",
}

// TextSearchConfig returns the PostgreSQL text-search configuration for a search language
// (SearchLanguage): the language's own stemmer where PostgreSQL ships one, else "simple"
// (lowercase words, no stemming, no stop words), which is what Persian and Chinese get: their
// words are split by SearchWords before PostgreSQL sees them.
func TextSearchConfig(lang string) string {
	if c, ok := textSearchConfigs[lang]; ok {
		return c
	}
	return "simple"
}
