package cost

import (
	"reflect"
	"testing"

	"github.com/cloudlens/cloudlens/shared/money"
)

func TestParseLang(t *testing.T) {
	for _, tc := range []struct {
		param, accept string
		want          Lang
	}{
		{"", "", LangZh},
		{"en", "zh-CN", LangEn},
		{"zh", "en-US", LangZh},
		{"", "en-US,en;q=0.9", LangEn},
		{"", "zh-CN,zh;q=0.9,en;q=0.8", LangZh},
		{"", "fr-FR", LangZh},
		{"", "fr-FR,en;q=0.5", LangEn},
		{"xx", "garbage;;", LangZh},
	} {
		if got := ParseLang(tc.param, tc.accept); got != tc.want {
			t.Errorf("ParseLang(%q, %q) = %s, want %s", tc.param, tc.accept, got, tc.want)
		}
	}
}

func TestExportAmountAndSafeCell(t *testing.T) {
	for m, want := range map[money.Micros]string{0: "0.00", 12_300_000: "12.30", 123_456: "0.123456", -5_000_000: "-5.00", 1_000_010: "1.00001"} {
		if got := ExportAmount(m); got != want {
			t.Errorf("ExportAmount(%d) = %q, want %q", m, got, want)
		}
	}
	for in, want := range map[string]string{"=cmd()": "'=cmd()", "+1": "'+1", "@x": "'@x", "-2": "'-2", "ecs": "ecs", "": ""} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTableLayouts(t *testing.T) {
	e := Exploration{
		Query: Query{Start: "2026-03-01", End: "2026-03-02", Granularity: Day, Metric: Billed, GroupBy: []Dim{{Kind: DimProduct}}},
		Series: []Series{{Currency: "CNY", Total: 6_000_001, Periods: []string{"2026-03-01", "2026-03-02"}, Groups: []Group{
			{Key: map[string]string{"product": "ecs"}, Label: "云服务器", Total: 3_000_001,
				Points: []Point{{"2026-03-01", 1_000_001}, {"2026-03-02", 2_000_000}}},
			{Key: map[string]string{}, Label: OthersLabel, Other: true, Total: 3_000_000,
				Points: []Point{{"2026-03-01", 0}, {"2026-03-02", 3_000_000}}},
		}}},
	}
	notes := []IncompleteNote{{AccountID: 3, Dates: []string{"2026-03-02"}, Reason: "throttled"}}
	long := e.Table(LangZh, LayoutLong, notes)
	if !reflect.DeepEqual(long.Header, []string{"币种", "产品", "名称", "期间", "应付金额"}) || len(long.Rows) != 5 ||
		!reflect.DeepEqual(long.Rows[4], []any{"CNY", "", "合计", "2026-03-01 – 2026-03-02", money.Micros(6_000_001)}) ||
		!reflect.DeepEqual(long.Rows[2], []any{"CNY", "其他", "其他", "2026-03-01", money.Micros(0)}) || !reflect.DeepEqual(long.TotalRows, []int{4}) {
		t.Fatalf("long table %+v", long)
	}
	if len(long.Notes) != 1 || long.Notes[0] != "账单不完整：账号 3 的 2026-03-02（原因：throttled）。这些日期的金额可能偏低。" {
		t.Fatalf("notes %q", long.Notes)
	}
	wide := e.Table(LangEn, LayoutWide, nil)
	want := [][]any{
		{"CNY", "ecs", "云服务器", money.Micros(1_000_001), money.Micros(2_000_000), money.Micros(3_000_001)},
		{"CNY", "Others", "Others", money.Micros(0), money.Micros(3_000_000), money.Micros(3_000_000)},
		{"CNY", "", "Total", money.Micros(1_000_001), money.Micros(5_000_000), money.Micros(6_000_001)},
	}
	if !reflect.DeepEqual(wide.Header, []string{"Currency", "Product", "Name", "2026-03-01", "2026-03-02", "Total (Billed cost)"}) ||
		!reflect.DeepEqual(wide.Rows, want) || wide.Notes != nil {
		t.Fatalf("wide table %+v", wide)
	}
}
