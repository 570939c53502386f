// Package money holds amounts as integer micro-units (1e-6 of a currency unit) so that
// bills parse, add up and reconcile exactly in Go and in every SQL engine; decimal strings
// exist only at the edges (upstream JSON in, API JSON out).
package money

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// Micros is an amount in millionths of a currency unit. The currency travels beside it.
type Micros int64

// perUnit is the number of micro-units in one currency unit.
const perUnit = 1_000_000

// FromCents converts hundredths of a unit to micro-units. Inputs beyond ±9.2e14 cents
// (far above any bill) overflow int64 and are not guarded.
func FromCents(c int64) Micros { return Micros(c * 10_000) }

var (
	errSyntax    = errors.New("not a decimal number")
	errPrecision = errors.New("more than 6 decimal places")
	errRange     = errors.New("out of range")
)

// Parse reads a decimal amount exactly: an optional sign, digits with an optional
// fraction, and an optional exponent as JSON numbers may carry ("1.2E-4"). Digits beyond
// the sixth decimal are accepted only when they are zero, because silently rounding a
// bill amount would break reconciliation with the source to the cent.
func Parse(s string) (Micros, error) {
	m, _, err := parse(s, false)
	if err != nil {
		return 0, fmt.Errorf("money: parse %q: %w", errs.Clip(s, 40), err)
	}
	return m, nil
}

// ParseRounded reads a decimal amount like Parse but accepts digits beyond the sixth
// decimal, rounding half to even to the micro-unit (banker's rounding, so that many
// rounded amounts do not drift one way). rounded reports whether a non-zero digit was
// dropped, so callers can count how often a bill needed it.
func ParseRounded(s string) (m Micros, rounded bool, err error) {
	m, rounded, err = parse(s, true)
	if err != nil {
		return 0, false, fmt.Errorf("money: parse %q: %w", errs.Clip(s, 40), err)
	}
	return m, rounded, nil
}

func parse(s string, round bool) (Micros, bool, error) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	// digits collects the significant digits of the mantissa without leading zeros;
	// exp is the power of ten they are scaled by.
	var digits []byte
	exp := 0
	sawDigit, sawDot := false, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			sawDigit = true
			if sawDot {
				exp--
			}
			if c == '0' && len(digits) == 0 {
				continue
			}
			if len(digits) > 64 {
				// A mantissa this long can only be valid if the excess is trailing zeros
				// cancelled by a later exponent, which no bill carries.
				return 0, false, errRange
			}
			digits = append(digits, c)
		case c == '.' && !sawDot:
			sawDot = true
		default:
			goto mantissaDone
		}
	}
mantissaDone:
	if !sawDigit {
		return 0, false, errSyntax
	}
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return 0, false, errSyntax
		}
		rest := s[i+1:]
		if rest == "" {
			return 0, false, errSyntax
		}
		for j := 0; j < len(rest); j++ {
			if c := rest[j]; !(c >= '0' && c <= '9') && !(j == 0 && (c == '+' || c == '-')) {
				return 0, false, errSyntax
			}
		}
		e, err := strconv.ParseInt(rest, 10, 32)
		if err != nil {
			if len(digits) == 0 {
				return 0, false, nil
			}
			return 0, false, errRange
		}
		exp += int(e)
	}
	if len(digits) == 0 {
		return 0, false, nil
	}
	shift := exp + 6
	up, rounded := false, false
	if shift < 0 {
		n := -shift
		var dropped []byte
		if n >= len(digits) {
			// Everything is below the micro-unit; the dropped part starts with
			// n-len(digits) zeros, so it is a half only when n == len(digits).
			dropped = digits
			if n > len(digits) {
				dropped = append([]byte{'0'}, digits...)
			}
			digits = digits[:0]
		} else {
			dropped = digits[len(digits)-n:]
			digits = digits[:len(digits)-n]
		}
		for _, c := range dropped {
			if c != '0' {
				rounded = true
			}
		}
		if rounded && !round {
			return 0, false, errPrecision
		}
		if rounded {
			rest := false
			for _, c := range dropped[1:] {
				if c != '0' {
					rest = true
				}
			}
			switch {
			case dropped[0] > '5', dropped[0] == '5' && rest:
				up = true
			case dropped[0] == '5':
				up = len(digits) > 0 && (digits[len(digits)-1]-'0')%2 == 1
			}
		}
		shift = 0
	}
	if len(digits)+shift > 19 {
		return 0, false, errRange
	}
	var v uint64
	for _, c := range digits {
		v = v*10 + uint64(c-'0')
	}
	if up {
		v++
	}
	for ; shift > 0; shift-- {
		if v > math.MaxUint64/10 {
			return 0, false, errRange
		}
		v *= 10
	}
	if neg {
		if v > uint64(math.MaxInt64)+1 {
			return 0, false, errRange
		}
		return Micros(-int64(v-1) - 1), rounded, nil
	}
	if v > math.MaxInt64 {
		return 0, false, errRange
	}
	return Micros(v), rounded, nil
}

// abs returns |m| as uint64, valid for math.MinInt64 too.
func (m Micros) abs() uint64 {
	if m < 0 {
		return uint64(-(m + 1)) + 1
	}
	return uint64(m)
}

// String formats m with two decimals, rounding half away from zero ("1.005" → "1.01"),
// the way invoices and the API show money.
func (m Micros) String() string {
	cents := (m.abs() + 5_000) / 10_000
	var b []byte
	if m < 0 && cents != 0 {
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, cents/100, 10)
	b = append(b, '.', byte('0'+cents%100/10), byte('0'+cents%10))
	return string(b)
}

// Exact formats m with every significant decimal (up to six), trailing zeros trimmed,
// so that Parse(m.Exact()) == m.
func (m Micros) Exact() string {
	a := m.abs()
	var b []byte
	if m < 0 {
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, a/perUnit, 10)
	frac := a % perUnit
	if frac == 0 {
		return string(b)
	}
	var f [6]byte
	for i := 5; i >= 0; i-- {
		f[i] = byte('0' + frac%10)
		frac /= 10
	}
	return string(append(append(b, '.'), bytes.TrimRight(f[:], "0")...))
}

// MarshalJSON writes m as a two-decimal string, the API's money format ("1234.56").
func (m Micros) MarshalJSON() ([]byte, error) {
	s := m.String()
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), nil
}

// UnmarshalJSON accepts a decimal string or a JSON number; null leaves m unchanged.
func (m *Micros) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		return nil
	}
	s := string(data)
	if len(data) >= 2 && data[0] == '"' && data[len(data)-1] == '"' {
		u, err := strconv.Unquote(s)
		if err != nil {
			return fmt.Errorf("money: unmarshal %s: %w", errs.Clip(s, 40), err)
		}
		s = u
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}
