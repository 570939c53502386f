package billing

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// Tag is one resource tag as the bill carried it.
type Tag struct {
	Key   string
	Value string
}

// Tag limits: Alibaba caps keys at 128 and values at 256 characters; anything longer
// did not come from a real bill.
const (
	maxTagKey   = 128
	maxTagValue = 256
	maxTags     = 100
)

// ParseTags reads the bill's Tag field. The current form is
// "key:k value:v; key:k2 value:v2"; entries are split only where ";" is followed by
// "key:", so values may hold spaces, colons and semicolons. Older bills use
// "k1:v1;k2:v2", split at ";" and the first ":". An empty string means no tags.
// Empty keys, control characters, invalid UTF-8, over-long keys or values, and one key
// given two different values are rejected as errs.Invalid.
func ParseTags(s string) ([]Tag, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if !utf8.ValidString(s) {
		return nil, errs.Invalid("tags are not valid UTF-8")
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return nil, errs.Invalid("tags contain control characters")
	}
	var tags []Tag
	var err error
	if strings.HasPrefix(s, "key:") {
		tags, err = parseKeyValueTags(s)
	} else {
		tags, err = parseLegacyTags(s)
	}
	if err != nil {
		return nil, err
	}
	return dedupe(tags)
}

func parseKeyValueTags(s string) ([]Tag, error) {
	var tags []Tag
	for rest := s; rest != ""; {
		// rest starts with "key:"; the entry ends where the next "; key:" begins.
		body := rest[len("key:"):]
		end := nextEntry(body)
		entry := body
		rest = ""
		if end >= 0 {
			entry = body[:end]
			rest = strings.TrimLeft(body[end+1:], " ")
		}
		entry = strings.TrimRight(strings.TrimSpace(entry), ";")
		k, v, ok := strings.Cut(entry, " value:")
		if !ok {
			if strings.HasPrefix(entry, "value:") {
				return nil, errs.Invalid("tag has an empty key")
			}
			return nil, errs.Invalid("tag %q has no value part", errs.Clip(entry, 40))
		}
		t, err := newTag(k, v)
		if err != nil {
			return nil, err
		}
		tags = append(tags, t)
		if len(tags) > maxTags {
			return nil, errs.Invalid("more than %d tags", maxTags)
		}
	}
	return tags, nil
}

// nextEntry returns the index of the ";" that starts the next "key:" entry in s, or -1.
func nextEntry(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] != ';' {
			continue
		}
		if strings.HasPrefix(strings.TrimLeft(s[i+1:], " "), "key:") {
			return i
		}
	}
	return -1
}

func parseLegacyTags(s string) ([]Tag, error) {
	var tags []Tag
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, ":")
		if !ok {
			return nil, errs.Invalid("tag %q has no ':' between key and value", errs.Clip(part, 40))
		}
		t, err := newTag(k, v)
		if err != nil {
			return nil, err
		}
		tags = append(tags, t)
		if len(tags) > maxTags {
			return nil, errs.Invalid("more than %d tags", maxTags)
		}
	}
	return tags, nil
}

func newTag(k, v string) (Tag, error) {
	k, v = strings.TrimSpace(k), strings.TrimSpace(v)
	switch {
	case k == "":
		return Tag{}, errs.Invalid("tag has an empty key")
	case utf8.RuneCountInString(k) > maxTagKey:
		return Tag{}, errs.Invalid("tag key %q is longer than %d characters", errs.Clip(k, 40), maxTagKey)
	case utf8.RuneCountInString(v) > maxTagValue:
		return Tag{}, errs.Invalid("tag %q value is longer than %d characters", errs.Clip(k, 40), maxTagValue)
	}
	return Tag{Key: k, Value: v}, nil
}

// dedupe drops exact repeats and rejects a key given two values, because a resource
// cannot carry both and grouping by that key would double-count.
func dedupe(tags []Tag) ([]Tag, error) {
	out := tags[:0]
	seen := make(map[string]string, len(tags))
	for _, t := range tags {
		if v, ok := seen[t.Key]; ok {
			if v != t.Value {
				return nil, errs.Invalid("tag %q has two values", errs.Clip(t.Key, 40))
			}
			continue
		}
		seen[t.Key] = t.Value
		out = append(out, t)
	}
	return out, nil
}
