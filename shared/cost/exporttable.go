package cost

import (
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/cloudlens/cloudlens/shared/money"
)

// Lang is the language of an export's headers and notes.
type Lang string

const (
	LangZh Lang = "zh"
	LangEn Lang = "en"
)

var langMatcher = language.NewMatcher([]language.Tag{language.Chinese, language.English})

// ParseLang picks the export language: the lang parameter when it is zh or en, else the
// caller's Accept-Language; Chinese unless English is preferred (the web app's default).
func ParseLang(param, acceptLanguage string) Lang {
	switch strings.ToLower(strings.TrimSpace(param)) {
	case "zh", "zh-cn", "zh-hans":
		return LangZh
	case "en", "en-us", "en-gb":
		return LangEn
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return LangZh
	}
	if _, i, conf := langMatcher.Match(tags...); i == 1 && conf != language.No {
		return LangEn
	}
	return LangZh
}

// Layout of the explorer's export: one row per group and period (long, the default, for
// pivot tables and scripts) or one row per group with the periods as columns (wide, the
// table the explorer page shows).
type Layout string

const (
	LayoutLong Layout = "long"
	LayoutWide Layout = "wide"
)

// IncompleteNote says that the bills of an account miss Dates, for Reason; exports print it
// above (CSV) or beside (Excel) the figures.
type IncompleteNote struct {
	AccountID int64
	Dates     []string
	Reason    string
}

// ExportTable is the explorer's export laid out: notes, a header, and rows whose cells are
// text (string) or amounts (money.Micros, exact). Each currency ends with a total row whose
// amounts are the exact sums of the rows above it, which is the answer's total: rows at full
// precision add up to it to the micro-unit, so a spreadsheet's sum agrees with the API to the cent.
type ExportTable struct {
	Notes  []string
	Header []string
	Rows   [][]any
	// TotalRows are the indexes in Rows of the total rows, for formatting.
	TotalRows []int
}

var exportWords = map[Lang]map[string]string{
	LangZh: {
		"currency": "币种", "label": "名称", "period": "期间", "total": "合计", OthersLabel: "其他",
		DimAccount: "账号", DimProduct: "产品", DimRegion: "地域", DimResourceGroup: "资源组", DimCostUnit: "财务单元",
		DimSubscriptionType: "付费方式", DimBillingItem: "计费项", DimChargeCategory: "费用类型", DimTag: "标签",
		string(Billed): "应付金额", string(List): "原价", string(Effective): "摊销后金额", string(Discount): "优惠金额",
	},
	LangEn: {
		"currency": "Currency", "label": "Name", "period": "Period", "total": "Total", OthersLabel: "Others",
		DimAccount: "Account", DimProduct: "Product", DimRegion: "Region", DimResourceGroup: "Resource group", DimCostUnit: "Cost unit",
		DimSubscriptionType: "Billing method", DimBillingItem: "Billing item", DimChargeCategory: "Charge category", DimTag: "Tag",
		string(Billed): "Billed cost", string(List): "List cost", string(Effective): "Amortised cost", string(Discount): "Discount",
	},
}

func word(l Lang, k string) string {
	if w, ok := exportWords[l][k]; ok {
		return w
	}
	return k
}

func dimHeader(l Lang, d Dim) string {
	if d.Kind == DimTag {
		return word(l, DimTag) + ":" + d.TagKey
	}
	return word(l, d.Kind)
}

// NoteText is one incomplete-days note in language l.
func NoteText(l Lang, n IncompleteNote) string {
	id := strconv.FormatInt(n.AccountID, 10)
	if l == LangEn {
		return "Incomplete bills: account " + id + " on " + strings.Join(n.Dates, ", ") + " (" + n.Reason +
			"). Figures for these days may be short."
	}
	return "账单不完整：账号 " + id + " 的 " + strings.Join(n.Dates, "、") + "（原因：" + n.Reason + "）。这些日期的金额可能偏低。"
}

// Table lays out the exploration in language l and layout lay, with a note per account whose
// bills miss days of the range.
func (e Exploration) Table(l Lang, lay Layout, notes []IncompleteNote) ExportTable {
	var t ExportTable
	for _, n := range notes {
		t.Notes = append(t.Notes, NoteText(l, n))
	}
	t.Header = []string{word(l, "currency")}
	for _, d := range e.Query.GroupBy {
		t.Header = append(t.Header, dimHeader(l, d))
	}
	t.Header = append(t.Header, word(l, "label"))
	groupCells := func(s Series, g Group) []any {
		row := []any{s.Currency}
		for _, d := range e.Query.GroupBy {
			if g.Other {
				row = append(row, word(l, OthersLabel))
				continue
			}
			row = append(row, g.Key[d.String()])
		}
		label := g.Label
		if g.Other {
			label = word(l, OthersLabel)
		}
		return append(row, label)
	}
	blank := func(s Series) []any {
		row := []any{s.Currency}
		for range e.Query.GroupBy {
			row = append(row, "")
		}
		return append(row, word(l, "total"))
	}
	if lay == LayoutWide {
		var periods []string
		for _, s := range e.Series {
			for _, p := range s.Periods {
				if !slices.Contains(periods, p) {
					periods = append(periods, p)
				}
			}
		}
		slices.Sort(periods)
		t.Header = append(append(t.Header, periods...), word(l, "total")+" ("+word(l, string(e.Query.Metric))+")")
		for _, s := range e.Series {
			sums := make([]money.Micros, len(periods))
			for _, g := range s.Groups {
				row := groupCells(s, g)
				amounts := make([]money.Micros, len(periods))
				var total money.Micros
				for _, p := range g.Points {
					i, _ := slices.BinarySearch(periods, p.Period)
					amounts[i] += p.Cost
					sums[i] += p.Cost
					total += p.Cost
				}
				for _, a := range amounts {
					row = append(row, a)
				}
				t.Rows = append(t.Rows, append(row, total))
			}
			row := blank(s)
			for _, a := range sums {
				row = append(row, a)
			}
			t.TotalRows = append(t.TotalRows, len(t.Rows))
			t.Rows = append(t.Rows, append(row, s.Total))
		}
		return t
	}
	t.Header = append(t.Header, word(l, "period"), word(l, string(e.Query.Metric)))
	for _, s := range e.Series {
		for _, g := range s.Groups {
			cells := groupCells(s, g)
			for _, p := range g.Points {
				t.Rows = append(t.Rows, append(slices.Clone(cells), p.Period, p.Cost))
			}
		}
		t.TotalRows = append(t.TotalRows, len(t.Rows))
		t.Rows = append(t.Rows, append(blank(s), e.Query.Start+" – "+e.Query.End, s.Total))
	}
	return t
}

// ExportAmount writes an amount at full stored precision with at least two decimals
// ("12.30", "0.123456"), so that amounts read back add up to the total to the micro-unit.
func ExportAmount(m money.Micros) string {
	s := m.Exact()
	i := strings.IndexByte(s, '.')
	switch {
	case i < 0:
		return s + ".00"
	case len(s)-i == 2:
		return s + "0"
	}
	return s
}

// SafeCell keeps text from bills (names, tag values) from being read as a formula by a
// spreadsheet: a cell starting with =, +, -, @, a tab or a carriage return gets a leading
// apostrophe, which Excel and LibreOffice show as text.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
