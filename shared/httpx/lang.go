package httpx

import (
	"net/http"

	"golang.org/x/text/language"
)

// languages are the languages answers are written in; the first is the default.
var languages = language.NewMatcher([]language.Tag{language.Chinese, language.English})

// Lang is the language the caller asked for in Accept-Language, "zh" or "en": Chinese unless
// English is preferred.
func Lang(r *http.Request) string {
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return "zh"
	}
	if _, i, _ := languages.Match(tags...); i == 1 {
		return "en"
	}
	return "zh"
}
