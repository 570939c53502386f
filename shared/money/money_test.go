package money

import (
	"encoding/json"
	"math"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Micros
		wantErr bool
	}{
		{"0", 0, false},
		{"-0", 0, false},
		{"0.01", 10_000, false},
		{"1.005", 1_005_000, false},
		{"12345678.99", 12_345_678_990_000, false},
		{"-12.5", -12_500_000, false},
		{"+3", 3_000_000, false},
		{"0.000001", 1, false},
		{"1.2300000000", 1_230_000, false},
		{"1.2E-4", 120, false},
		{"1.2e-4", 120, false},
		{"5E+2", 500_000_000, false},
		{"1e-6", 1, false},
		{"0e-99999999999", 0, false},
		{"007.50", 7_500_000, false},
		{".5", 500_000, false},
		{"5.", 5_000_000, false},
		{"9223372036854.775807", math.MaxInt64, false},
		{"-9223372036854.775808", math.MinInt64, false},
		{"9223372036854.775808", 0, true},
		{"1e13", 0, true},
		{"0.0000001", 0, true},
		{"1.2345678", 0, true},
		{"1e-7", 0, true},
		{"", 0, true},
		{"-", 0, true},
		{".", 0, true},
		{"NaN", 0, true},
		{"Inf", 0, true},
		{"1,000.00", 0, true},
		{" 1", 0, true},
		{"1 ", 0, true},
		{"1e", 0, true},
		{"1e+", 0, true},
		{"0x10", 0, true},
		{"1.2.3", 0, true},
		{"--1", 0, true},
		{"1e99999999999", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("Parse(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		m      Micros
		str    string
		exact  string
		asJSON string
	}{
		{0, "0.00", "0", `"0.00"`},
		{10_000, "0.01", "0.01", `"0.01"`},
		{1_005_000, "1.01", "1.005", `"1.01"`},
		{-1_005_000, "-1.01", "-1.005", `"-1.01"`},
		{1_004_999, "1.00", "1.004999", `"1.00"`},
		{-4_999, "0.00", "-0.004999", `"0.00"`},
		{-5_000, "-0.01", "-0.005", `"-0.01"`},
		{1_234_560_000, "1234.56", "1234.56", `"1234.56"`},
		{12_345_678_990_000, "12345678.99", "12345678.99", `"12345678.99"`},
		{1, "0.00", "0.000001", `"0.00"`},
		{math.MinInt64, "-9223372036854.78", "-9223372036854.775808", `"-9223372036854.78"`},
	}
	for _, tt := range tests {
		t.Run(tt.exact, func(t *testing.T) {
			if got := tt.m.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := tt.m.Exact(); got != tt.exact {
				t.Errorf("Exact() = %q, want %q", got, tt.exact)
			}
			b, err := json.Marshal(tt.m)
			if err != nil || string(b) != tt.asJSON {
				t.Errorf("MarshalJSON = %s, %v, want %s", b, err, tt.asJSON)
			}
		})
	}
}

func TestFromCents(t *testing.T) {
	if got := FromCents(123456); got != 1_234_560_000 {
		t.Fatalf("FromCents(123456) = %d", got)
	}
	if got := FromCents(-1).String(); got != "-0.01" {
		t.Fatalf("FromCents(-1) = %s", got)
	}
}

func TestUnmarshalJSON(t *testing.T) {
	type doc struct {
		Amount   Micros `json:"amount"`
		Currency string `json:"currency"`
	}
	tests := []struct {
		in      string
		want    Micros
		wantErr bool
	}{
		{`{"amount":"1234.56","currency":"CNY"}`, 1_234_560_000, false},
		{`{"amount":1234.56,"currency":"CNY"}`, 1_234_560_000, false},
		{`{"amount":1.2E-4}`, 120, false},
		{`{"amount":"0.01"}`, 10_000, false},
		{`{"amount":null}`, 0, false},
		{`{"amount":"abc"}`, 0, true},
		{`{"amount":true}`, 0, true},
		{`{"amount":"1.0000001"}`, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var d doc
			err := json.Unmarshal([]byte(tt.in), &d)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tt.wantErr)
			}
			if d.Amount != tt.want {
				t.Fatalf("amount = %d, want %d", d.Amount, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"0", "1.005", "-12345678.99", "1.2E-4", "9223372036854.775807", "1e-7", "NaN", ".", "0e-999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Parse(s)
		if err != nil {
			return
		}
		back, err := Parse(m.Exact())
		if err != nil || back != m {
			t.Fatalf("Parse(%q) = %d; Parse(Exact()=%q) = %d, %v", s, m, m.Exact(), back, err)
		}
		_ = m.String()
	})
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := Parse("12345678.990001"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseRoundedHalfEven(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Micros
		rounded bool
	}{
		{"12.34", 12_340_000, false},
		{"12.3400000", 12_340_000, false},
		{"0.0000005", 0, true},           // a half, kept digit 0 is even: down
		{"0.0000015", 2, true},           // a half, kept digit 1 is odd: up
		{"0.0000025", 2, true},           // a half, kept digit 2 is even: down
		{"0.00000251", 3, true},          // more than a half: up
		{"0.00000249", 2, true},          // less than a half: down
		{"0.00000005", 0, true},          // far below a half
		{"-1.2345675", -1_234_568, true}, // symmetric for credits
		{"-1.2345665", -1_234_566, true},
		{"1.23456749999", 1_234_567, true},
		{"2.5E-7", 0, true},
		{"1E-7", 0, true},
		{"9.9999995", 10_000_000, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, rounded, err := ParseRounded(tc.in)
			if err != nil || got != tc.want || rounded != tc.rounded {
				t.Fatalf("ParseRounded(%q) = %d, %v, %v; want %d, %v", tc.in, got, rounded, err, tc.want, tc.rounded)
			}
			if _, err := Parse(tc.in); (err != nil) != tc.rounded {
				t.Fatalf("Parse(%q) error = %v; an amount that needs rounding must still fail Parse", tc.in, err)
			}
		})
	}
}
