package aliyunsim

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/cloudlens/cloudlens/shared/money"
)

// Paging is how the server pages one day's DescribeInstanceBill answer.
type Paging int

const (
	// PagingNormal ends with an empty NextToken on the last page.
	PagingNormal Paging = iota
	// PagingRepeat answers every page after the first with the NextToken it was asked
	// with: a client that follows it reads the same page forever.
	PagingRepeat
	// PagingCycle answers the last page with a NextToken pointing back to the first.
	PagingCycle
)

// DayQuirks changes how DescribeInstanceBill answers for one account and billing day
// (daily, billing-item queries), in ways the service documents or has been seen to answer.
type DayQuirks struct {
	// Extra items are appended to the day's answer, after the world's own rows: a second
	// SubscriptionOrder of an instance on the same day (a renewal and an upgrade, say),
	// which shares every identifying field with the first, as the API sends no order number.
	Extra []BillItem
	// PageSize serves at most this many items a page (echoed as MaxResults), however
	// many were asked for; 0 serves what was asked.
	PageSize int
	Paging   Paging
	// NoTotalCount leaves TotalCount out of the answer, which the API may do.
	NoTotalCount bool
	// UsageAsNumber sends Usage (documented as a string) as a JSON number, and
	// AmountsAsStrings sends PretaxAmount and PretaxGrossAmount (numbers) as strings.
	UsageAsNumber    bool
	AmountsAsStrings bool
	// SubMicro sends every non-zero PretaxAmount and PretaxGrossAmount with a 5 at the
	// seventh decimal (12.34 → 12.3400005): a plain number to the API, a tie that
	// half-to-even rounding takes back to the same cent.
	SubMicro bool
	// UnreadableItem, when > 0, sends the item at this 1-based position of the day with
	// Usage as an object, which nothing can read as a quantity.
	UnreadableItem int
}

// SetDayQuirks sets how the server answers for account uid and day (YYYY-MM-DD); a zero
// DayQuirks restores the normal answer.
func (s *Server) SetDayQuirks(uid, day string, q DayQuirks) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.quirks == nil {
		s.quirks = make(map[string]DayQuirks)
	}
	s.quirks[uid+"|"+day] = q
}

func (s *Server) dayQuirks(uid string, q *billQuery) (DayQuirks, bool) {
	if !q.daily || !q.byItem {
		return DayQuirks{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	dq, ok := s.quirks[uid+"|"+dayTime(q.date).Format("2006-01-02")]
	return dq, ok
}

// BalanceFormat is how QueryAccountBalance writes its amounts.
type BalanceFormat int

const (
	// BalanceStrings writes "1234.56", as documented.
	BalanceStrings BalanceFormat = iota
	// BalanceSeparators writes "1,234.56", as seen in the wild.
	BalanceSeparators
	// BalanceNumbers writes 1234.56, a JSON number.
	BalanceNumbers
)

// SetBalanceFormat sets how QueryAccountBalance writes the amounts of account uid.
func (s *Server) SetBalanceFormat(uid string, f BalanceFormat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.balanceFormats == nil {
		s.balanceFormats = make(map[string]BalanceFormat)
	}
	s.balanceFormats[uid] = f
}

func (s *Server) balanceFormat(uid string) BalanceFormat {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.balanceFormats[uid]
}

// appendBalanceAmount appends one balance amount (micro-units) as name in format f.
func appendBalanceAmount(dst []byte, name string, micros int64, f BalanceFormat) []byte {
	text := string(appendDecimal(nil, micros, 6, false))
	if f == BalanceNumbers {
		dst = append(dst, ',', '"')
		dst = append(dst, name...)
		dst = append(dst, '"', ':')
		return append(dst, text...)
	}
	cents := money.Micros(micros).String()
	if f == BalanceSeparators {
		cents = thousands(cents)
	}
	return appendStr(dst, name, cents)
}

// thousands inserts "," between groups of three digits of the integer part of s.
func thousands(s string) string {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	intPart, frac := s, ""
	if i := bytes.IndexByte([]byte(s), '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	var b []byte
	for i := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, intPart[i])
	}
	out := string(b) + frac
	if neg {
		out = "-" + out
	}
	return out
}

// appendQuirkyItem appends row it, the pos-th (0-based) of the day, as q makes the server
// write it.
func appendQuirkyItem(dst []byte, it *BillItem, pos int, q DayQuirks) []byte {
	if !q.UsageAsNumber && !q.AmountsAsStrings && !q.SubMicro && q.UnreadableItem != pos+1 {
		return it.AppendJSON(dst)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(it.AppendJSON(nil)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		// AppendJSON writes valid JSON; were it not to, the plain row is the honest answer.
		return it.AppendJSON(dst)
	}
	for _, f := range []struct {
		name   string
		micros int64
	}{{"PretaxAmount", it.PretaxAmount}, {"PretaxGrossAmount", it.PretaxGrossAmount}} {
		text := string(appendDecimal(nil, f.micros, 6, false))
		if q.SubMicro && f.micros != 0 {
			text = string(appendDecimal(nil, f.micros, 6, true)) + "5"
		}
		if q.AmountsAsStrings {
			m[f.name] = text
		} else {
			m[f.name] = json.Number(text)
		}
	}
	if q.UsageAsNumber && it.Usage != "" {
		if _, err := strconv.ParseFloat(it.Usage, 64); err == nil {
			m["Usage"] = json.Number(it.Usage)
		}
	}
	if q.UnreadableItem == pos+1 {
		m["Usage"] = map[string]any{"value": it.Usage, "unit": it.UsageUnit}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return it.AppendJSON(dst)
	}
	return append(dst, b...)
}
