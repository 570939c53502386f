package store_test

import (
	"testing"

	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/store"
)

// TestCostSource pins which table each shape of query reads. The roll-up tests compare a
// roll-up's answer with the line items' answer; this is what proves the two sides read
// different tables, so they cannot pass by reading the same one twice.
func TestCostSource(t *testing.T) {
	dim := func(kind string) cost.Dim { return cost.Dim{Kind: kind} }
	tag := func(key string) cost.Dim { return cost.Dim{Kind: cost.DimTag, TagKey: key} }
	in := func(d cost.Dim) cost.Filter { return cost.Filter{Dim: d, Values: []string{"x"}} }
	account := cost.Filter{Dim: dim(cost.DimAccount), Values: []string{"1"}}
	tests := []struct {
		name    string
		groupBy []cost.Dim
		filters []cost.Filter
		want    string
	}{
		{"no dimension", nil, nil, "cost_daily_totals"},
		{"account", []cost.Dim{dim(cost.DimAccount)}, nil, "cost_daily_totals"},
		{"account filter", nil, []cost.Filter{account}, "cost_daily_totals"},
		{"one tag", []cost.Dim{tag("env")}, nil, "cost_daily_tags"},
		{"one tag with its filter and accounts", []cost.Dim{dim(cost.DimAccount), tag("env")}, []cost.Filter{in(tag("env")), account}, "cost_daily_tags"},
		{"two tag keys", []cost.Dim{tag("env"), tag("team")}, nil, "cost_line_items"},
		{"tag and product", []cost.Dim{tag("env"), dim(cost.DimProduct)}, nil, "cost_line_items"},
		{"resource group", []cost.Dim{dim(cost.DimResourceGroup)}, nil, "cost_daily_attrs"},
		{"billing item filter", nil, []cost.Filter{in(dim(cost.DimBillingItem))}, "cost_daily_attrs"},
		{"cost unit by account", []cost.Dim{dim(cost.DimAccount), dim(cost.DimCostUnit)}, nil, "cost_daily_attrs"},
		{"two attributes", []cost.Dim{dim(cost.DimResourceGroup)}, []cost.Filter{in(dim(cost.DimBillingItem))}, "cost_line_items"},
		{"attribute and product", []cost.Dim{dim(cost.DimBillingItem), dim(cost.DimProduct)}, nil, "cost_line_items"},
		{"product", []cost.Dim{dim(cost.DimProduct)}, nil, "cost_daily_regions"},
		{"product by region", []cost.Dim{dim(cost.DimProduct), dim(cost.DimRegion)}, nil, "cost_daily_regions"},
		{"region with a product filter", []cost.Dim{dim(cost.DimRegion)}, []cost.Filter{in(dim(cost.DimProduct))}, "cost_daily_regions"},
		{"region", []cost.Dim{dim(cost.DimRegion)}, nil, "cost_daily_subscriptions"},
		{"subscription type by region", []cost.Dim{dim(cost.DimSubscriptionType), dim(cost.DimRegion)}, nil, "cost_daily_subscriptions"},
		{"charge category", []cost.Dim{dim(cost.DimChargeCategory)}, nil, "cost_daily_subscriptions"},
		{"product by subscription type", []cost.Dim{dim(cost.DimProduct), dim(cost.DimSubscriptionType)}, nil, "cost_daily"},
		{"charge category with a product filter", []cost.Dim{dim(cost.DimChargeCategory)}, []cost.Filter{in(dim(cost.DimProduct))}, "cost_daily"},
		{"line-item attributes filtered twice", nil, lineItemFilters, "cost_line_items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := cost.Query{Start: "2025-01-01", End: "2025-01-31", Granularity: cost.Day, Metric: cost.Billed, Top: 10, GroupBy: tt.groupBy, Filters: tt.filters}
			if got := store.CostTable(q); got != tt.want {
				t.Errorf("reads %s, want %s", got, tt.want)
			}
		})
	}

	// Discounts: the totals, tag and attribute roll-ups lack the discount columns.
	for _, tt := range []struct{ by, want string }{
		{cost.DimProduct, "cost_daily_regions"},
		{cost.DimRegion, "cost_daily_subscriptions"},
		{cost.DimSubscriptionType, "cost_daily_subscriptions"},
		{cost.ByMonth, "cost_daily_subscriptions"},
	} {
		t.Run("discounts by "+tt.by, func(t *testing.T) {
			q := cost.Query{Start: "2025-01-01", End: "2025-01-31", Granularity: cost.Day, Metric: cost.Billed, Top: 10}
			if got := store.DiscountTable(q, tt.by); got != tt.want {
				t.Errorf("reads %s, want %s", got, tt.want)
			}
		})
	}
}

// lineItemFilters keep every item but name two line-item attributes, which no roll-up holds
// together: a query with them reads the line items, the truth the roll-ups are compared with.
var lineItemFilters = []cost.Filter{
	{Dim: cost.Dim{Kind: cost.DimBillingItem}, Exclude: true, Values: []string{"no such item"}},
	{Dim: cost.Dim{Kind: cost.DimCostUnit}, Exclude: true, Values: []string{"no such unit"}},
}
