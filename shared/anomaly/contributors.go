package anomaly

import (
	"cmp"
	"math"
	"slices"

	"github.com/cloudlens/cloudlens/shared/money"
)

// Dimensions a change is decomposed across, in the order the API lists them.
const (
	DimRegion           = "region"
	DimResource         = "resource"
	DimBillingItem      = "billingItem"
	DimTag              = "tag"
	DimResourceGroup    = "resourceGroup"
	DimSubscriptionType = "subscriptionType"
	DimAccount          = "account"
	DimProduct          = "product"
)

// ContributorDims are the dimensions every anomaly is explained across.
var ContributorDims = []string{DimRegion, DimResource, DimBillingItem, DimTag, DimResourceGroup, DimSubscriptionType, DimAccount, DimProduct}

// Part is one key's daily cost within a dimension, aligned with the anomaly's series (day i is
// the series' day i). A dimension's parts together make up the series.
type Part struct {
	Key, Label string
	Values     []money.Micros
}

// Contributor is one key's share of an anomaly's change: Delta = Actual − Expected, and the
// deltas of one dimension add up to the anomaly's impact.
type Contributor struct {
	Dimension, Key, Label string
	Expected, Actual      money.Micros
	Delta                 money.Micros
	Share                 float64 // Delta / impact
}

// OtherKey names the contributor that gathers the keys beyond the top ones.
const OtherKey = "(other)"

// baselineWeeks is how many earlier same-weekday days give a key's expected cost.
const baselineWeeks = 4

// Contributors decomposes anomaly a of a series into the parts of one dimension, largest change
// (in the anomaly's direction first) first, keeping top keys and gathering the rest under
// OtherKey. Each key's expected cost on an anomaly day is the median of its cost on the same
// weekday of the weeks before the anomaly; the keys' expectations are then scaled so that they
// add up to the anomaly's expected cost, so the deltas add up to its impact exactly.
func Contributors(dim string, parts []Part, a Anomaly, s *Series, res *Result, top int) []Contributor {
	missing := s.Missing
	if len(parts) == 0 {
		return nil
	}
	raw := make([]float64, len(parts))
	out := make([]Contributor, len(parts))
	var rawSum float64
	var actSum money.Micros
	buf := make([]float64, 0, baselineWeeks)
	for k, p := range parts {
		out[k] = Contributor{Dimension: dim, Key: p.Key, Label: p.Label}
		for i := a.Start; i <= a.End && i < len(p.Values); i++ {
			if i < len(missing) && missing[i] {
				continue
			}
			out[k].Actual += p.Values[i]
			buf = buf[:0]
			for w := 1; w <= baselineWeeks; w++ {
				j := i - 7*w
				if j < 0 {
					break
				}
				if j >= a.Start || (j < len(missing) && missing[j]) {
					continue
				}
				buf = append(buf, float64(p.Values[j]))
			}
			usual := 0.0
			if len(buf) > 0 {
				usual = median(buf)
				raw[k] += usual
			}
			// On a day with a recurring charge, a key is expected to carry what it carried
			// on that day of the previous month beyond its usual cost.
			if res != nil && i < len(res.Recurring) && res.Recurring[i] > 0 {
				day := s.Start.AddDate(0, 0, i)
				if p := day.AddDate(0, -1, 0); p.Day() == day.Day() {
					if j := int(math.Round(p.Sub(s.Start).Hours() / 24)); j >= 0 && j < len(parts[k].Values) {
						raw[k] += math.Max(0, float64(parts[k].Values[j])-usual)
					}
				}
			}
		}
		rawSum += raw[k]
		actSum += out[k].Actual
	}
	// Share a.Expected out in proportion to the keys' own expectations (to their actual cost
	// when none had a history), by largest remainder so the integers add up.
	weights := raw
	if rawSum <= 0 {
		weights = make([]float64, len(parts))
		rawSum = 0
		for k := range out {
			weights[k] = float64(out[k].Actual)
			rawSum += weights[k]
		}
	}
	allocate(out, weights, rawSum, a.Expected)
	impact := a.Impact
	if impact == 0 {
		impact = actSum - a.Expected
	}
	for k := range out {
		out[k].Delta = out[k].Actual - out[k].Expected
		if impact != 0 {
			out[k].Share = math.Round(float64(out[k].Delta)/float64(impact)*10000) / 10000
		}
	}
	dir := int64(1)
	if impact < 0 {
		dir = -1
	}
	slices.SortStableFunc(out, func(x, y Contributor) int {
		return cmp.Or(cmp.Compare(int64(y.Delta)*dir, int64(x.Delta)*dir), cmp.Compare(x.Key, y.Key))
	})
	if top > 0 && len(out) > top {
		rest := Contributor{Dimension: dim, Key: OtherKey, Label: OtherKey}
		for _, c := range out[top:] {
			rest.Expected += c.Expected
			rest.Actual += c.Actual
			rest.Delta += c.Delta
			rest.Share += c.Share
		}
		rest.Share = math.Round(rest.Share*10000) / 10000
		out = append(out[:top:top], rest)
	}
	return out
}

// allocate sets out[k].Expected to total × weights[k]/sum, rounded so they add up to total.
func allocate(out []Contributor, weights []float64, sum float64, total money.Micros) {
	if sum <= 0 {
		if len(out) > 0 {
			out[0].Expected = total
		}
		return
	}
	type rem struct {
		k int
		f float64
	}
	rems := make([]rem, len(out))
	var given money.Micros
	for k := range out {
		exact := float64(total) * weights[k] / sum
		fl := math.Floor(exact)
		out[k].Expected = money.Micros(fl)
		given += out[k].Expected
		rems[k] = rem{k, exact - fl}
	}
	slices.SortStableFunc(rems, func(x, y rem) int { return cmp.Compare(y.f, x.f) })
	for i := 0; given < total && len(rems) > 0; i = (i + 1) % len(rems) {
		out[rems[i].k].Expected++
		given++
	}
	for i := 0; given > total && len(rems) > 0; i = (i + 1) % len(rems) {
		out[rems[len(rems)-1-i].k].Expected--
		given--
	}
}
