package cost

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// FocusVersion is the FOCUS release the export follows.
const FocusVersion = "1.2"

// Provider is Alibaba Cloud in every provider-name column: it runs the services, publishes
// them and issues the invoice.
const Provider = "Alibaba Cloud"

// FocusMandatory are the columns FOCUS 1.2 requires in every dataset.
var FocusMandatory = []string{
	"BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
	"BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargePeriodEnd",
	"ChargePeriodStart", "ContractedCost", "EffectiveCost", "InvoiceIssuerName", "ListCost",
	"PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName",
}

// focusNotNull are the mandatory columns that may never be null (empty).
var focusNotNull = []string{
	"BilledCost", "BillingAccountId", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
	"ChargeCategory", "ChargePeriodEnd", "ChargePeriodStart", "ContractedCost", "EffectiveCost",
	"InvoiceIssuerName", "ListCost", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName",
}

var chargeCategories = []string{billing.ChargeUsage, billing.ChargePurchase, billing.ChargeCredit, billing.ChargeAdjustment, billing.ChargeTax}

var serviceCategories = []string{"AI and Machine Learning", "Analytics", "Business Applications", "Compute",
	"Databases", "Developer Tools", "Multicloud", "Identity", "Integration", "Internet of Things",
	"Management and Governance", "Media", "Migration", "Mobile", "Networking", "Security", "Storage", "Web", "Other"}

// FocusRecord is one FOCUS row. Money is exact: int64 micro-units stored as DECIMAL(18,6) in
// Parquet and written as decimal text in CSV. Datetimes are RFC 3339 UTC, as FOCUS requires.
// Columns prefixed x_ are CloudLens's own, as FOCUS allows.
type FocusRecord struct {
	BilledCost          int64  `parquet:"BilledCost,decimal(6:18)"`
	BillingAccountId    string `parquet:"BillingAccountId"`
	BillingAccountName  string `parquet:"BillingAccountName,optional"`
	BillingCurrency     string `parquet:"BillingCurrency"`
	BillingPeriodEnd    string `parquet:"BillingPeriodEnd"`
	BillingPeriodStart  string `parquet:"BillingPeriodStart"`
	ChargeCategory      string `parquet:"ChargeCategory"`
	ChargeClass         string `parquet:"ChargeClass,optional"`
	ChargeDescription   string `parquet:"ChargeDescription,optional"`
	ChargeFrequency     string `parquet:"ChargeFrequency,optional"`
	ChargePeriodEnd     string `parquet:"ChargePeriodEnd"`
	ChargePeriodStart   string `parquet:"ChargePeriodStart"`
	ContractedCost      int64  `parquet:"ContractedCost,decimal(6:18)"`
	EffectiveCost       int64  `parquet:"EffectiveCost,decimal(6:18)"`
	InvoiceIssuerName   string `parquet:"InvoiceIssuerName"`
	ListCost            int64  `parquet:"ListCost,decimal(6:18)"`
	PricingQuantity     string `parquet:"PricingQuantity,optional"`
	PricingUnit         string `parquet:"PricingUnit,optional"`
	ProviderName        string `parquet:"ProviderName"`
	PublisherName       string `parquet:"PublisherName"`
	RegionId            string `parquet:"RegionId,optional"`
	RegionName          string `parquet:"RegionName,optional"`
	AvailabilityZone    string `parquet:"AvailabilityZone,optional"`
	ResourceId          string `parquet:"ResourceId,optional"`
	ResourceName        string `parquet:"ResourceName,optional"`
	ServiceCategory     string `parquet:"ServiceCategory"`
	ServiceName         string `parquet:"ServiceName"`
	SubAccountId        string `parquet:"SubAccountId,optional"`
	SubAccountName      string `parquet:"SubAccountName,optional"`
	Tags                string `parquet:"Tags,optional"`
	XServiceCode        string `parquet:"x_ServiceCode"`
	XBillingItem        string `parquet:"x_BillingItem,optional"`
	XSubscriptionType   string `parquet:"x_SubscriptionType,optional"`
	XResourceGroup      string `parquet:"x_ResourceGroup,optional"`
	XCostUnit           string `parquet:"x_CostUnit,optional"`
	XInvoiceDiscount    int64  `parquet:"x_InvoiceDiscount,decimal(6:18)"`
	XCouponDeduction    int64  `parquet:"x_CouponDeduction,decimal(6:18)"`
	XCashCouponDeducted int64  `parquet:"x_CashCouponDeduction,decimal(6:18)"`
	// The other deductions and settlement amounts of the bill, and what the charge was for.
	XPrepaidCardDeduction     int64  `parquet:"x_PrepaidCardDeduction,decimal(6:18)"`
	XResourcePackageDeduction int64  `parquet:"x_ResourcePackageDeduction,decimal(6:18)"`
	XAdjustAmount             int64  `parquet:"x_AdjustAmount,decimal(6:18)"`
	XPaymentAmount            int64  `parquet:"x_PaymentAmount,decimal(6:18)"`
	XCashAmount               int64  `parquet:"x_CashAmount,decimal(6:18)"`
	XOutstandingAmount        int64  `parquet:"x_OutstandingAmount,decimal(6:18)"`
	XListPrice                string `parquet:"x_ListPrice,optional"`
	XListPriceUnit            string `parquet:"x_ListPriceUnit,optional"`
	XInstanceSpec             string `parquet:"x_InstanceSpec,optional"`
	XServicePeriod            string `parquet:"x_ServicePeriod,optional"`
	XServicePeriodUnit        string `parquet:"x_ServicePeriodUnit,optional"`
}

// FocusColumns is the column order of the CSV export, the same names as the Parquet schema.
var FocusColumns = []string{
	"BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
	"BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency",
	"ChargePeriodEnd", "ChargePeriodStart", "ContractedCost", "EffectiveCost", "InvoiceIssuerName",
	"ListCost", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "RegionId", "RegionName",
	"AvailabilityZone", "ResourceId", "ResourceName", "ServiceCategory", "ServiceName", "SubAccountId",
	"SubAccountName", "Tags", "x_ServiceCode", "x_BillingItem", "x_SubscriptionType", "x_ResourceGroup",
	"x_CostUnit", "x_InvoiceDiscount", "x_CouponDeduction", "x_CashCouponDeduction",
	"x_PrepaidCardDeduction", "x_ResourcePackageDeduction", "x_AdjustAmount", "x_PaymentAmount", "x_CashAmount",
	"x_OutstandingAmount", "x_ListPrice", "x_ListPriceUnit", "x_InstanceSpec", "x_ServicePeriod", "x_ServicePeriodUnit",
}

const focusTime = "2006-01-02T15:04:05Z"

// ToFocus projects a line item onto FOCUS. Charge periods are the Shanghai calendar day, and
// billing periods the Shanghai calendar month, expressed in UTC.
func ToFocus(li *billing.LineItem) (FocusRecord, error) {
	day, err := time.ParseInLocation(time.DateOnly, li.ChargeDate, billing.Shanghai)
	if err != nil {
		return FocusRecord{}, fmt.Errorf("cost: focus: charge date %q: %w", li.ChargeDate, err)
	}
	month := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, billing.Shanghai)
	utc := func(t time.Time) string { return t.UTC().Format(focusTime) }
	desc := li.ServiceName
	if li.BillingItemName != "" {
		desc += " - " + li.BillingItemName
	}
	tags := ""
	if len(li.Tags) > 0 {
		m := make(map[string]string, len(li.Tags))
		for _, t := range li.Tags {
			m[t.Key] = t.Value
		}
		b, err := json.Marshal(m)
		if err != nil {
			return FocusRecord{}, fmt.Errorf("cost: focus tags: %w", err)
		}
		tags = string(b)
	}
	serviceName := li.ServiceName
	if serviceName == "" {
		serviceName = li.ServiceCode
	}
	category := li.ServiceCategory
	if category == "" {
		category = billing.CategoryOther
	}
	return FocusRecord{
		BilledCost:          int64(li.BilledCost),
		BillingAccountId:    li.BillingAccountID,
		BillingAccountName:  li.BillingAccountName,
		BillingCurrency:     li.Currency,
		BillingPeriodStart:  utc(month),
		BillingPeriodEnd:    utc(month.AddDate(0, 1, 0)),
		ChargeCategory:      li.ChargeCategory,
		ChargeDescription:   desc,
		ChargeFrequency:     li.ChargeFrequency,
		ChargePeriodStart:   utc(day),
		ChargePeriodEnd:     utc(day.AddDate(0, 0, 1)),
		ContractedCost:      int64(li.ListCost - li.InvoiceDiscount),
		EffectiveCost:       int64(li.EffectiveCost),
		InvoiceIssuerName:   Provider,
		ListCost:            int64(li.ListCost),
		PricingQuantity:     li.PricingQuantity,
		PricingUnit:         li.PricingUnit,
		ProviderName:        Provider,
		PublisherName:       Provider,
		RegionId:            li.RegionID,
		RegionName:          li.RegionName,
		AvailabilityZone:    li.Zone,
		ResourceId:          li.ResourceID,
		ResourceName:        li.ResourceName,
		ServiceCategory:     category,
		ServiceName:         serviceName,
		SubAccountId:        li.SubAccountID,
		SubAccountName:      li.SubAccountName,
		Tags:                tags,
		XServiceCode:        li.ServiceCode,
		XBillingItem:        li.BillingItem,
		XSubscriptionType:   li.SubscriptionType,
		XResourceGroup:      li.ResourceGroup,
		XCostUnit:           li.CostUnit,
		XInvoiceDiscount:    int64(li.InvoiceDiscount),
		XCouponDeduction:    int64(li.CouponDeduction),
		XCashCouponDeducted: int64(li.CashCouponDeduction),

		XPrepaidCardDeduction:     int64(li.PrepaidCardDeduction),
		XResourcePackageDeduction: int64(li.ResourcePackageDeduction),
		XAdjustAmount:             int64(li.AdjustAmount),
		XPaymentAmount:            int64(li.PaymentAmount),
		XCashAmount:               int64(li.CashAmount),
		XOutstandingAmount:        int64(li.OutstandingAmount),
		XListPrice:                li.ListPrice,
		XListPriceUnit:            li.ListPriceUnit,
		XInstanceSpec:             li.InstanceSpec,
		XServicePeriod:            li.ServicePeriod,
		XServicePeriodUnit:        li.ServicePeriodUnit,
	}, nil
}

// Values is r in FocusColumns order, money as exact decimal text.
func (r FocusRecord) Values() []string {
	m := func(v int64) string { return money.Micros(v).Exact() }
	return []string{
		m(r.BilledCost), r.BillingAccountId, r.BillingAccountName, r.BillingCurrency, r.BillingPeriodEnd,
		r.BillingPeriodStart, r.ChargeCategory, r.ChargeClass, r.ChargeDescription, r.ChargeFrequency,
		r.ChargePeriodEnd, r.ChargePeriodStart, m(r.ContractedCost), m(r.EffectiveCost), r.InvoiceIssuerName,
		m(r.ListCost), r.PricingQuantity, r.PricingUnit, r.ProviderName, r.PublisherName, r.RegionId, r.RegionName,
		r.AvailabilityZone, r.ResourceId, r.ResourceName, r.ServiceCategory, r.ServiceName, r.SubAccountId,
		r.SubAccountName, r.Tags, r.XServiceCode, r.XBillingItem, r.XSubscriptionType, r.XResourceGroup,
		r.XCostUnit, m(r.XInvoiceDiscount), m(r.XCouponDeduction), m(r.XCashCouponDeducted),
		m(r.XPrepaidCardDeduction), m(r.XResourcePackageDeduction), m(r.XAdjustAmount), m(r.XPaymentAmount),
		m(r.XCashAmount), m(r.XOutstandingAmount), r.XListPrice, r.XListPriceUnit, r.XInstanceSpec,
		r.XServicePeriod, r.XServicePeriodUnit,
	}
}

// CheckFocusHeader reports every mandatory FOCUS 1.2 column missing from header.
func CheckFocusHeader(header []string) error {
	var missing []string
	for _, c := range FocusMandatory {
		if !slices.Contains(header, c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return errs.Invalid("FOCUS %s: mandatory columns missing: %s", FocusVersion, strings.Join(missing, ", "))
	}
	return nil
}

// CheckFocusRow checks one row (column name → value, "" for null) against the FOCUS 1.2 rules
// the export must keep: non-null mandatory columns, the allowed values of ChargeCategory and
// ServiceCategory, decimal costs, UTC datetimes with each period ending after it starts and
// the charge period inside the billing period, and a three-letter currency.
func CheckFocusRow(row map[string]string) error {
	var problems []string
	for _, c := range focusNotNull {
		if row[c] == "" {
			problems = append(problems, c+" is null")
		}
	}
	if v := row["ChargeCategory"]; v != "" && !slices.Contains(chargeCategories, v) {
		problems = append(problems, fmt.Sprintf("ChargeCategory %q is not an allowed value", v))
	}
	if v := row["ServiceCategory"]; v != "" && !slices.Contains(serviceCategories, v) {
		problems = append(problems, fmt.Sprintf("ServiceCategory %q is not an allowed value", v))
	}
	if v := row["ChargeClass"]; v != "" && v != "Correction" {
		problems = append(problems, fmt.Sprintf("ChargeClass %q is not an allowed value", v))
	}
	for _, c := range []string{"BilledCost", "ContractedCost", "EffectiveCost", "ListCost"} {
		if v := row[c]; v != "" {
			if _, err := money.Parse(v); err != nil {
				problems = append(problems, c+" is not a decimal")
			}
		}
	}
	times := map[string]time.Time{}
	for _, c := range []string{"BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd"} {
		if v := row[c]; v != "" {
			t, err := time.Parse(focusTime, v)
			if err != nil {
				problems = append(problems, c+" is not a UTC datetime")
				continue
			}
			times[c] = t
		}
	}
	if len(times) == 4 {
		if !times["BillingPeriodEnd"].After(times["BillingPeriodStart"]) || !times["ChargePeriodEnd"].After(times["ChargePeriodStart"]) {
			problems = append(problems, "a period ends before it starts")
		}
		if times["ChargePeriodStart"].Before(times["BillingPeriodStart"]) || times["ChargePeriodEnd"].After(times["BillingPeriodEnd"]) {
			problems = append(problems, "the charge period is outside the billing period")
		}
	}
	if c := row["BillingCurrency"]; c != "" && (len(c) != 3 || strings.ToUpper(c) != c) {
		problems = append(problems, "BillingCurrency is not an ISO 4217 code")
	}
	if len(problems) > 0 {
		return errs.Invalid("FOCUS %s: %s", FocusVersion, strings.Join(problems, "; "))
	}
	return nil
}

// Row is r as a column → value map, for CheckFocusRow.
func (r FocusRecord) Row() map[string]string {
	out := make(map[string]string, len(FocusColumns))
	for i, v := range r.Values() {
		out[FocusColumns[i]] = v
	}
	return out
}
